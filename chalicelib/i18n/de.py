"""German server messages (the default language). Same keys and placeholders as ``en.py``
(tests/i18n/test_catalog.py checks it)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {}

PLURALS: dict[str, dict[str, str]] = {
    "checks": {"one": "{n} Prüfung", "other": "{n} Prüfungen"},
    "days": {"one": "{n} Tag", "other": "{n} Tage"},
    "hours": {"one": "{n} Stunde", "other": "{n} Stunden"},
    "minutes": {"one": "{n} Minute", "other": "{n} Minuten"},
    "seconds": {"one": "{n} Sekunde", "other": "{n} Sekunden"},
    "endpoints": {"one": "{n} Endpunkt", "other": "{n} Endpunkte"},
    "hosts": {"one": "{n} Host", "other": "{n} Hosts"},
    "incidents": {"one": "{n} Vorfall", "other": "{n} Vorfälle"},
}
