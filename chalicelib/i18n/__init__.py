"""Languages of the product: the server's message catalog, language negotiation and formatting.

- ``chalicelib.i18n.catalog``: one dictionary per language (``de.py``, ``en.py``) and ``message()``.
- ``chalicelib.i18n.format``: de-DE/en number, percent, money, date and time formatting (Babel,
  imported inside the functions so the API cold path does not pay for it).

This package itself imports nothing heavy.
"""

from __future__ import annotations

from contextvars import ContextVar

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
DEFAULT_TIME_ZONE = "Europe/Berlin"


def normalize(lang: str | None) -> str:
    """``de``, ``de-DE``, ``en_US`` … → one of LANGUAGES; anything else → the default (German)."""
    if not lang:
        return DEFAULT_LANGUAGE
    base = lang.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def negotiate(accept_language: str | None) -> str | None:
    """The first of LANGUAGES named in an ``Accept-Language`` header (by q-value, then order);
    None when the header names neither."""
    if not accept_language:
        return None
    ranked = []
    for pos, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q > 0:
            ranked.append((-q, pos, tag.strip().lower().replace("_", "-").split("-")[0]))
    for _, _, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return None


# The language of the request being answered: the Accept-Language header's, else the org's once
# an org route has resolved the caller's access, else the default (German). Users have no language
# of their own: the console sends its chosen UI language as Accept-Language.
_requested: ContextVar[str | None] = ContextVar("vigil_requested_language", default=None)
_org: ContextVar[str | None] = ContextVar("vigil_org_language", default=None)


def begin_request(accept_language: str | None) -> None:
    """Called once per request (chalicelib.http's view guard) before the view runs."""
    _requested.set(negotiate(accept_language))
    _org.set(None)


def note_org_language(language: str | None) -> None:
    """The org of the request is known (chalicelib.auth.access): its language is the fallback."""
    _org.set(normalize(language) if language else None)


def current_language() -> str:
    return _requested.get() or _org.get() or DEFAULT_LANGUAGE
