"""Business dates in Europe/Berlin and periods after § 188 BGB (expectations by hand).

Berlin is UTC+1 in winter (CET) and UTC+2 in summer (CEST, until 25 Oct 2026 03:00).
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib import clock
from tests.billing.conftest import Partner, at, new_customer, new_partner, stored
from tests.support import Api
from tests.support.lambdas import invoke
from tests.support.world import order


def _invoices(api: Api, p: Partner) -> list[dict[str, Any]]:
    r = api.get(f"/orgs/{p.org_id}/invoices", p.token)
    assert r.status == 200, r
    return list(reversed(r.json["items"]))


def _issue_date(number: str) -> str:
    data = stored(number, "xml")
    assert data is not None
    xml = data.decode()
    found = re.search(r"<ram:IssueDateTime>\s*<udt:DateTimeString format=\"102\">(\d{8})<", xml)
    assert found, xml[:500]
    return found.group(1)


def _line(inv: dict[str, Any]) -> tuple[str, str, str, str, str]:
    (ln,) = inv["lines"]
    return ln["period_start"], ln["period_end"], ln["list_price"], ln["discount"], ln["net"]


def test_order_at_half_past_midnight_on_1_november_is_a_november_order(api):
    # 31 Oct 2026 23:30 UTC = 1 Nov 00:30 CET
    clock.set_now(at("2026-10-31T23:30:00"))
    p = new_partner(api)
    c = new_customer(api, p)
    r = order(api, p.token, c, plan="basic", key="k1")
    assert r.status == 201, r
    # the whole of November: 49.00, 30 % = 14.70 → 34.30; VAT 6.517 → 6.52
    inv = r.json["invoice"]
    assert _line(inv) == ("2026-11-01", "2026-11-30", "49.00", "14.70", "34.30")
    assert (inv["vat"], inv["gross"]) == ("6.52", "40.82")
    assert _issue_date(inv["number"]) == "20261101"
    sub = api.get(f"/orgs/{c}/subscription", p.token).json
    assert sub["current_period_start"] == "2026-10-31T23:00:00Z"  # 1 Nov 00:00 CET
    assert sub["current_period_end"] == "2026-11-30T23:00:00Z"  # 1 Dec 00:00 CET

    # the run at 00:30 Berlin on 1 Dec (30 Nov 23:30 UTC) bills December, dated 1 Dec
    clock.set_now(at("2026-11-30T23:30:00"))
    assert invoke("billing_run", timeout_s=900)["done"] is True
    december = _invoices(api, p)[-1]
    assert _line(december) == ("2026-12-01", "2026-12-31", "49.00", "14.70", "34.30")
    assert _issue_date(december["number"]) == "20261201"


def test_new_year_in_berlin_starts_the_new_number_sequence(api):
    clock.set_now(at("2026-12-15T09:00:00"))
    p = new_partner(api)
    c1 = new_customer(api, p, "Kunde Dezember")
    assert order(api, p.token, c1, key="k1").json["invoice"]["number"] == "VIG-2026-000001"
    # 31 Dec 2026 23:30 UTC = 1 Jan 2027 00:30 CET: a January invoice of 2027
    clock.set_now(at("2026-12-31T23:30:00"))
    c2 = new_customer(api, p, "Kunde Januar")
    inv = order(api, p.token, c2, key="k2").json["invoice"]
    assert inv["number"] == "VIG-2027-000001"
    assert _issue_date(inv["number"]) == "20270101"
    assert _line(inv) == ("2027-01-01", "2027-01-31", "49.00", "14.70", "34.30")


def test_proration_counts_berlin_days_across_the_clock_change(api):
    # 25 Oct 2026 (clocks go back): 25 … 31 Oct = 7 of 31 days, although the day has 25 hours.
    # 49 × 7/31 = 11.0645 → 11.06; 30 % = 3.318 → 3.32 → 7.74; VAT 1.4706 → 1.47
    clock.set_now(at("2026-10-24T22:30:00"))  # 25 Oct 00:30 CEST
    p = new_partner(api)
    c = new_customer(api, p)
    inv = order(api, p.token, c, key="k1").json["invoice"]
    assert _line(inv) == ("2026-10-25", "2026-10-31", "11.06", "3.32", "7.74")
    assert (inv["vat"], inv["gross"]) == ("1.47", "9.21")


def test_yearly_period_from_29_february_ends_on_28_february(api):
    # § 188 Abs. 3 BGB: the year from 29 Feb 2028 ends with 28 Feb 2029 (no 29 Feb in 2029)
    clock.set_now(at("2028-02-29T09:00:00"))
    p = new_partner(api)
    c = new_customer(api, p)
    inv = order(api, p.token, c, interval="year", key="k1").json["invoice"]
    # a full year: 490.00, 30 % = 147.00 → 343.00; VAT 65.17
    assert _line(inv) == ("2028-02-29", "2029-02-28", "490.00", "147.00", "343.00")
    sub = api.get(f"/orgs/{c}/subscription", p.token).json
    assert sub["current_period_end"] == "2029-02-28T23:00:00Z"  # 1 Mar 2029 00:00 CET

    # 28 Feb 2029 is still paid: the run that day bills nothing
    clock.set_now(at("2029-02-28T09:00:00"))
    invoke("billing_run", timeout_s=900)
    assert len(_invoices(api, p)) == 1
    # the run at 00:30 Berlin on 1 Mar renews for 1 Mar 2029 … 28 Feb 2030
    clock.set_now(at("2029-02-28T23:30:00"))
    assert invoke("billing_run", timeout_s=900)["done"] is True
    renewal = _invoices(api, p)[-1]
    assert _line(renewal) == ("2029-03-01", "2030-02-28", "490.00", "147.00", "343.00")
    assert _issue_date(renewal["number"]) == "20290301"


def test_a_period_stored_as_utc_midnight_is_renewed_by_the_first_run_of_the_berlin_day(api):
    """Periods written before business dates were Berlin dates end at 00:00 UTC (01:00 CET)."""
    from chalicelib.billing.models import Subscription

    clock.set_now(at("2026-11-15T09:00:00"))
    p = new_partner(api)
    c = new_customer(api, p)
    assert order(api, p.token, c, key="k1").status == 201
    sub = Subscription.get(*Subscription.key(c))
    sub.update(actions=[Subscription.current_period_end.set(at("2026-12-01T00:00:00"))])
    # the run at 00:30 Berlin on 1 Dec (before 00:00 UTC) renews it, for the whole of December
    clock.set_now(at("2026-11-30T23:30:00"))
    assert invoke("billing_run", timeout_s=900)["done"] is True
    assert _line(_invoices(api, p)[-1]) == ("2026-12-01", "2026-12-31", "49.00", "14.70", "34.30")
    assert api.get(f"/orgs/{c}/subscription", p.token).json["current_period_end"] == "2026-12-31T23:00:00Z"
