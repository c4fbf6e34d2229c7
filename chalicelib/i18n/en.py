"""English server messages. Same keys and placeholders as ``de.py``."""

from __future__ import annotations

MESSAGES: dict[str, str] = {}

PLURALS: dict[str, dict[str, str]] = {
    "checks": {"one": "{n} check", "other": "{n} checks"},
    "days": {"one": "{n} day", "other": "{n} days"},
    "hours": {"one": "{n} hour", "other": "{n} hours"},
    "minutes": {"one": "{n} minute", "other": "{n} minutes"},
    "seconds": {"one": "{n} second", "other": "{n} seconds"},
    "endpoints": {"one": "{n} endpoint", "other": "{n} endpoints"},
    "hosts": {"one": "{n} host", "other": "{n} hosts"},
    "incidents": {"one": "{n} incident", "other": "{n} incidents"},
}
