"""The server's message catalog: one dictionary per language (``de.py``, ``en.py``).

``message(key, lang, **params)`` renders a catalog entry with ``str.format`` placeholders. A key
missing from the catalog renders its ``fallback`` (an error's English detail) so an error added
without a catalog entry still answers; tests/i18n/test_catalog.py fails listing such raise sites.
"""

from __future__ import annotations

from typing import Any

from chalicelib.i18n import DEFAULT_LANGUAGE, normalize
from chalicelib.i18n import de as _de
from chalicelib.i18n import en as _en

MESSAGES: dict[str, dict[str, str]] = {"de": _de.MESSAGES, "en": _en.MESSAGES}
PLURALS: dict[str, dict[str, dict[str, str]]] = {"de": _de.PLURALS, "en": _en.PLURALS}


def has(key: str) -> bool:
    return key in MESSAGES[DEFAULT_LANGUAGE]


def message(key: str, lang: str | None, fallback: str | None = None, **params: Any) -> str:
    """The text of ``key`` in ``lang`` with ``params`` filled in; ``fallback`` (or the key) when
    the catalog has no such entry or a placeholder is missing."""
    language = normalize(lang)
    text = MESSAGES[language].get(key)
    if text is None:
        return fallback if fallback is not None else key
    try:
        return text.format(**{name: _param(value, language) for name, value in params.items()})
    except (KeyError, IndexError, ValueError):
        return fallback if fallback is not None else text


def _param(value: Any, lang: str) -> Any:
    """Parameters that are messages themselves (``errors.M``) or lists of them render in ``lang``."""
    if hasattr(value, "render"):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_param(v, lang)) for v in value)
    return value


def plural_forms(key: str, lang: str | None) -> dict[str, str]:
    return PLURALS[normalize(lang)][key]
