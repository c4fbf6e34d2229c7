"""Numbers, percentages, dates and times as a person reads them, via Babel (CLDR).

The one place where reports, report mails and incident texts format values for people; a later
server-wide ``chalicelib.i18n.format`` can take these calls over without touching the callers.
Times are shown in the org's time zone with its abbreviation ("02.12.2026 08:53 MEZ"); the API
keeps UTC ISO timestamps. Babel is imported inside the functions (cold start of the API).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any

DEFAULT_TIME_ZONE = "Europe/Berlin"
#: Babel locale per report language; English reports use British conventions (CET, 24 h).
LOCALES = {"de": "de_DE", "en": "en_GB"}


def locale_of(language: str) -> str:
    return LOCALES.get(language, LOCALES["de"])


@lru_cache(maxsize=64)
def zone(name: str | None) -> tzinfo:
    """The IANA zone ``name``; the default zone when it is empty or unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def org_time_zone(org: Any) -> str:
    """An org's time zone name (``time_zone`` arrives with #16's org field; default Berlin)."""
    return str(getattr(org, "time_zone", None) or DEFAULT_TIME_ZONE)


def number(value: float | Decimal | int, places: int, language: str) -> str:
    """``1.234,56`` (de) / ``1,234.56`` (en) with exactly ``places`` decimals."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(value, format=pattern, locale=locale_of(language))


def percent(value: float | Decimal | int, places: int, language: str) -> str:
    """``99,95 %`` (de, no-break space) / ``99.95%`` (en); ``value`` is 0–100."""
    text = number(value, places, language)
    return f"{text}\u00a0%" if language == "de" else f"{text}%"


def _local(value: datetime, tz_name: str | None) -> datetime:
    return value.astimezone(UTC).astimezone(zone(tz_name))


def _zone_label(value: datetime, language: str) -> str:
    """MEZ/MESZ, CET/CEST, UTC; an offset (GMT-05:00) where CLDR has no short name."""
    from babel.dates import format_datetime

    label = format_datetime(value, "z", locale=locale_of(language))
    if " " in label or label[:1] in "+-":
        label = format_datetime(value, "ZZZZ", locale=locale_of(language))
    return label


def date_text(value: date, language: str) -> str:
    return value.strftime("%d.%m.%Y" if language == "de" else "%Y-%m-%d")


def datetime_text(value: datetime, language: str, tz_name: str | None) -> str:
    """``02.12.2026 08:53 MEZ`` / ``2026-12-02 08:53 CET`` in the zone ``tz_name``."""
    local = _local(value, tz_name)
    return f"{date_text(local.date(), language)} {local:%H:%M} {_zone_label(local, language)}"


def time_text(value: datetime, language: str, tz_name: str | None) -> str:
    """``08:53 MEZ``."""
    local = _local(value, tz_name)
    return f"{local:%H:%M} {_zone_label(local, language)}"


def local_date(value: datetime, tz_name: str | None) -> date:
    return _local(value, tz_name).date()


def plural(count: int, one: str, other: str, language: str) -> str:
    """``1 Prüfung`` / ``3 Prüfungen`` with the CLDR plural rule of the language."""
    from babel import Locale

    form = Locale.parse(locale_of(language)).plural_form(count)
    return f"{number(count, 0, language)} {one if form == 'one' else other}"


def os_label(name: str | None, version: str | None) -> str:
    """ "Linux" + "Debian GNU/Linux 12" → "Debian GNU/Linux 12" (the version names the system)."""
    name, version = (name or "").strip(), (version or "").strip()
    if not version:
        return name
    if not name or name.lower() in version.lower():
        return version
    return f"{name} {version}"
