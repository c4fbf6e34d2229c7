"""Languages of the product: the server's message catalog, language negotiation and formatting.

- ``chalicelib.i18n.catalog``: one dictionary per language (``de.py``, ``en.py``) and ``message()``.
- ``chalicelib.i18n.format``: de-DE/en number, percent, money, date and time formatting (Babel,
  imported inside the functions so the API cold path does not pay for it).

This package itself imports nothing heavy.
"""

from __future__ import annotations

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
DEFAULT_TIME_ZONE = "Europe/Berlin"


def normalize(lang: str | None) -> str:
    """``de``, ``de-DE``, ``en_US`` … → one of LANGUAGES; anything else → the default (German)."""
    if not lang:
        return DEFAULT_LANGUAGE
    base = lang.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE
