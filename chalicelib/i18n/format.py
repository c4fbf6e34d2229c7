"""The one place that formats numbers, money, dates and times for people (mails, PDFs, texts).

Everything goes through Babel (CLDR data), so German output reads "1.234,56 €", "99,95 %",
"02.12.2026 08:53 MEZ". Babel is imported inside the functions: the API's cold path (which only
returns UTC ISO timestamps and decimal strings) never loads it.

Conventions:
- ``lang`` is a language tag (``de``, ``en``, ``de-DE`` …); unknown languages format as German.
- ``tz`` is an IANA zone name (``Europe/Berlin``) or a ``tzinfo``; ``None`` means the default
  org zone (``Europe/Berlin``). Naive datetimes are taken as UTC.
- ``None`` values format as "–" so templates need no special case.
- ``percent`` takes percentage points (99.95 → "99,95 %"), as the API and reports carry them.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.i18n import DEFAULT_TIME_ZONE, normalize

NONE = "–"

_LOCALES = {"de": "de_DE", "en": "en_GB"}


def _locale(lang: str | None) -> str:
    return _LOCALES[normalize(lang)]


@lru_cache(maxsize=64)
def zone(tz: str | None) -> ZoneInfo:
    """The ZoneInfo of an IANA name (default Europe/Berlin). Raises ``ValueError`` for unknown names."""
    from zoneinfo import ZoneInfoNotFoundError

    name = tz or DEFAULT_TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _tzinfo(tz: Any) -> _dt.tzinfo:
    if isinstance(tz, _dt.tzinfo):
        return tz
    return zone(tz)


def _aware(dt: _dt.datetime) -> _dt.datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=_dt.UTC)


def _pattern(digits: int | None, grouping: bool = True) -> str:
    head = "#,##0" if grouping else "0"
    if digits is None:
        return head + ".###"
    return head + ("." + "0" * digits if digits > 0 else "")


def number(value: float | int | Decimal | None, lang: str | None, digits: int | None = None) -> str:
    """1234.5 → "1.234,5" (de) / "1,234.5" (en). ``digits`` fixes the fraction digits;
    without it up to three are shown."""
    if value is None:
        return NONE
    from babel.numbers import format_decimal

    return format_decimal(value, format=_pattern(digits), locale=_locale(lang), decimal_quantization=True)


def percent(value: float | int | Decimal | None, lang: str | None, digits: int = 2) -> str:
    """Percentage points: 99.95 → "99,95 %" (de) / "99.95%" (en)."""
    if value is None:
        return NONE
    text = number(value, lang, digits)
    return f"{text}\u00a0%" if normalize(lang) == "de" else f"{text}%"


def money(amount: Decimal | int | str | None, currency: str, lang: str | None) -> str:
    """Decimal("1234.56"), "EUR" → "1.234,56 €" (de) / "€1,234.56" (en). Never goes through float."""
    if amount is None:
        return NONE
    from babel.numbers import format_currency

    return format_currency(Decimal(str(amount)), currency, locale=_locale(lang))


def _as_date(value: _dt.date | _dt.datetime | str, tz: Any) -> _dt.date:
    if isinstance(value, str):
        value = (
            _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if "T" in value
            else _dt.date.fromisoformat(value)
        )
    if isinstance(value, _dt.datetime):
        return _aware(value).astimezone(_tzinfo(tz)).date()
    return value


def date(value: _dt.date | _dt.datetime | str | None, lang: str | None, tz: Any = None) -> str:
    """A calendar day in the zone: "02.12.2026" (de) / "2 Dec 2026" (en). A datetime is first
    moved into ``tz``; a plain date is shown as is."""
    if value is None:
        return NONE
    from babel.dates import format_date

    day = _as_date(value, tz)
    pattern = "dd.MM.yyyy" if normalize(lang) == "de" else "d MMM yyyy"
    return format_date(day, pattern, locale=_locale(lang))


def zone_abbreviation(dt: _dt.datetime, lang: str | None, tz: Any = None) -> str:
    """ "MEZ"/"MESZ" (de) or "CET"/"CEST" (en) for Berlin; the CLDR short name of the language when
    there is one, else the tz database abbreviation, else "GMT-03:00"-style."""
    from babel.dates import format_datetime

    local = _aware(dt).astimezone(_tzinfo(tz))
    short = format_datetime(local, "z", locale=_locale(lang))
    if short and short[0] not in "+-" and " " not in short:  # Babel falls back to long names
        return short
    abbr = local.tzname() or ""
    if abbr.isalpha():
        return abbr
    return format_datetime(local, "OOOO", locale=_locale(lang))


def time(value: _dt.datetime | str | None, lang: str | None, tz: Any = None) -> str:
    """ "08:53 MEZ": the clock time in the zone with its abbreviation."""
    if value is None:
        return NONE
    dt = _parse(value)
    local = _aware(dt).astimezone(_tzinfo(tz))
    return f"{local:%H:%M} {zone_abbreviation(local, lang, tz)}"


def _parse(value: _dt.datetime | str) -> _dt.datetime:
    if isinstance(value, str):
        return _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def datetime(value: _dt.datetime | str | None, lang: str | None, tz: Any = None) -> str:
    """ "02.12.2026 08:53 MEZ" (de) / "2 Dec 2026 08:53 CET" (en); UTC ISO strings are accepted."""
    if value is None:
        return NONE
    dt = _aware(_parse(value))
    return f"{date(dt, lang, tz)} {time(dt, lang, tz)}"


def plural(n: int | float | Decimal, key: str, lang: str | None, **params: Any) -> str:
    """ "1 Prüfung" / "3 Prüfungen": the catalog's plural entry ``key`` for the CLDR plural category
    of ``n`` ({n} in the text is the formatted number)."""
    from babel import Locale

    from chalicelib.i18n import catalog

    language = normalize(lang)
    forms = catalog.plural_forms(key, language)
    category = Locale.parse(_locale(language)).plural_form(n)
    text = forms.get(category) or forms["other"]
    return text.format(n=number(n, language), **params)
