"""chalicelib.i18n.format: de-DE/en formats through Babel, local time with the zone."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.i18n import format as fmt

WINTER = datetime(2026, 12, 2, 7, 53, tzinfo=UTC)
SUMMER = datetime(2026, 7, 2, 7, 53, tzinfo=UTC)


def test_german_numbers_percent_money() -> None:
    assert fmt.number(1234.5, "de") == "1.234,5"
    assert fmt.number(3.614, "de", 2) == "3,61"
    assert " / ".join(fmt.number(v, "de", 2) for v in (3.61, 2.66, 1.48)) == "3,61 / 2,66 / 1,48"
    assert fmt.percent(99.95, "de") == "99,95\u00a0%"
    assert fmt.money(Decimal("1234.56"), "EUR", "de") == "1.234,56\u00a0€"
    assert fmt.number(None, "de") == "–"


def test_english_numbers_percent_money() -> None:
    assert fmt.number(1234.5, "en") == "1,234.5"
    assert fmt.percent(99.95, "en-US") == "99.95%"
    assert fmt.money(Decimal("1234.56"), "EUR", "en") == "€1,234.56"


def test_dates_and_times_in_the_org_zone() -> None:
    assert fmt.date(date(2026, 12, 2), "de") == "02.12.2026"
    assert fmt.datetime(WINTER, "de", "Europe/Berlin") == "02.12.2026 08:53 MEZ"
    assert fmt.datetime("2026-07-02T07:53:00Z", "de", "Europe/Berlin") == "02.07.2026 09:53 MESZ"
    assert fmt.datetime(WINTER, "en", "Europe/Berlin") == "2 Dec 2026 08:53 CET"
    assert fmt.time(WINTER, "de", None) == "08:53 MEZ"  # default zone: Europe/Berlin
    assert fmt.datetime(WINTER, "de", "UTC").endswith("07:53 UTC")
    assert fmt.datetime(WINTER, "de", "America/Sao_Paulo") == "02.12.2026 04:53 GMT-03:00"
    # A datetime near midnight UTC is the next day in Berlin.
    assert fmt.date(datetime(2026, 12, 2, 23, 30, tzinfo=UTC), "de", "Europe/Berlin") == "03.12.2026"


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        fmt.zone("Mars/Olympus_Mons")


def test_german_plurals() -> None:
    assert fmt.plural(1, "checks", "de") == "1 Prüfung"
    assert fmt.plural(2, "checks", "de") == "2 Prüfungen"
    assert fmt.plural(1234, "checks", "de") == "1.234 Prüfungen"
    assert fmt.plural(1, "checks", "en") == "1 check"


def test_babel_stays_out_of_the_api_import_path() -> None:
    code = "import sys, app; import chalicelib.i18n.format; print('babel' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
