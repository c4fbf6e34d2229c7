"""Billing scenarios with amounts computed by hand (not by the code under test).

Prices: basic 49.00, professional 149.00, enterprise 399.00 EUR net per month; yearly = 10 ×.
Discount: 30 % (support_by partner), 20 % (vendor), 0 % (independent org).
Proration by days of the calendar month (yearly: days of the 12-month period); each line is
rounded half-up to the cent; discount = round(list × %); VAT = round(net total × 19 %).

Each scenario lists the steps and every invoice the paying org must end up with, oldest first:
(lines as (list price, discount, net)), net, VAT, gross, EN 16931 VAT category.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import clock
from tests.billing.conftest import at, new_customer, new_partner
from tests.support import PASSWORD, Api, make_org
from tests.support.api import error_fields
from tests.support.lambdas import invoke
from tests.support.world import DE_ADDRESS, order

AT_ADDR = {"street": "Ring 1", "postal_code": "1010", "city": "Wien", "country": "AT"}
CH_ADDR = {"street": "Bahnhofstr. 1", "postal_code": "8001", "city": "Zürich", "country": "CH"}
US_ADDR = {"street": "1 Main St", "postal_code": "10001", "city": "New York", "country": "US"}
AT_VAT = "ATU13585627"

BASIC_MONTH_P30 = ([("49.00", "14.70", "34.30")], "34.30", "6.52", "40.82", "S")

SCENARIOS: list[dict[str, Any]] = [
    dict(
        id="de-partner-basic-month-on-1st",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2026-11-01", "basic", "month")],
        invoices=[BASIC_MONTH_P30],
    ),
    dict(
        id="de-vendor-basic-month-on-1st",
        addr=DE_ADDRESS,
        support="vendor",
        steps=[("order", "2026-11-01", "basic", "month")],
        invoices=[([("49.00", "9.80", "39.20")], "39.20", "7.45", "46.65", "S")],
    ),
    # 16 of 30 days: 49 × 16/30 = 26.1333 → 26.13; 30 % = 7.839 → 7.84
    dict(
        id="de-partner-basic-month-on-15th",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2026-11-15", "basic", "month")],
        invoices=[([("26.13", "7.84", "18.29")], "18.29", "3.48", "21.77", "S")],
    ),
    # 1 of 31 days: 49/31 = 1.5806 → 1.58; 30 % = 0.474 → 0.47
    dict(
        id="de-partner-basic-month-on-31st",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2026-12-31", "basic", "month")],
        invoices=[([("1.58", "0.47", "1.11")], "1.11", "0.21", "1.32", "S")],
    ),
    # 399/31 = 12.8710 → 12.87; 20 % = 2.574 → 2.57
    dict(
        id="de-vendor-enterprise-month-on-31st-march",
        addr=DE_ADDRESS,
        support="vendor",
        steps=[("order", "2026-03-31", "enterprise", "month")],
        invoices=[([("12.87", "2.57", "10.30")], "10.30", "1.96", "12.26", "S")],
    ),
    # leap February 2028: 20 of 29 days: 49 × 20/29 = 33.7931 → 33.79; 30 % = 10.137 → 10.14
    dict(
        id="de-partner-basic-leap-february-10th",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2028-02-10", "basic", "month")],
        invoices=[([("33.79", "10.14", "23.65")], "23.65", "4.49", "28.14", "S")],
    ),
    # 29 Feb 2028, 1 of 29 days: 1.6897 → 1.69; 30 % = 0.507 → 0.51
    dict(
        id="de-partner-basic-leap-day",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2028-02-29", "basic", "month")],
        invoices=[([("1.69", "0.51", "1.18")], "1.18", "0.22", "1.40", "S")],
    ),
    # common February 2027: 14 of 28 days = 24.50
    dict(
        id="de-partner-basic-february-15th",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2027-02-15", "basic", "month")],
        invoices=[([("24.50", "7.35", "17.15")], "17.15", "3.26", "20.41", "S")],
    ),
    dict(
        id="de-partner-basic-year-mid-month",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2026-11-15", "basic", "year")],
        invoices=[([("490.00", "147.00", "343.00")], "343.00", "65.17", "408.17", "S")],
    ),
    dict(
        id="de-vendor-enterprise-year",
        addr=DE_ADDRESS,
        support="vendor",
        steps=[("order", "2026-11-01", "enterprise", "year")],
        invoices=[([("3990.00", "798.00", "3192.00")], "3192.00", "606.48", "3798.48", "S")],
    ),
    dict(
        id="at-vat-id-partner-pro-month",
        addr=AT_ADDR,
        vat=AT_VAT,
        support="partner",
        steps=[("order", "2026-11-01", "professional", "month")],
        invoices=[([("149.00", "44.70", "104.30")], "104.30", "0.00", "104.30", "AE")],
    ),
    dict(
        id="at-vat-id-vendor-basic-month-15th",
        addr=AT_ADDR,
        vat=AT_VAT,
        support="vendor",
        steps=[("order", "2026-11-15", "basic", "month")],
        invoices=[([("26.13", "5.23", "20.90")], "20.90", "0.00", "20.90", "AE")],
    ),
    dict(
        id="at-without-vat-id-refused",
        addr=AT_ADDR,
        support="partner",
        steps=[("order", "2026-11-01", "basic", "month")],
        refused="vat_id",
        invoices=[],
    ),
    dict(
        id="ch-partner-basic-month",
        addr=CH_ADDR,
        support="partner",
        steps=[("order", "2026-11-01", "basic", "month")],
        invoices=[([("49.00", "14.70", "34.30")], "34.30", "0.00", "34.30", "O")],
    ),
    dict(
        id="us-vendor-pro-year",
        addr=US_ADDR,
        support="vendor",
        steps=[("order", "2026-11-15", "professional", "year")],
        invoices=[([("1490.00", "298.00", "1192.00")], "1192.00", "0.00", "1192.00", "O")],
    ),
    dict(
        id="independent-de-basic-month",
        addr=DE_ADDRESS,
        support=None,
        steps=[("order", "2026-11-01", "basic", "month")],
        invoices=[([("49.00", "0.00", "49.00")], "49.00", "9.31", "58.31", "S")],
    ),
    # upgrade on 16 Nov: 15 of 30 days left. Credit basic 24.50 (30 % 7.35), charge pro 74.50
    dict(
        id="de-partner-upgrade-mid-month",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2026-11-01", "basic", "month"), ("order", "2026-11-16", "professional", "month")],
        invoices=[
            BASIC_MONTH_P30,
            ([("-24.50", "-7.35", "-17.15"), ("74.50", "22.35", "52.15")], "35.00", "6.65", "41.65", "S"),
        ],
    ),
    # yearly upgrade on 1 May 2027: 184 of 365 days left. 490 × 184/365 = 247.0137 → 247.01
    # (20 % = 49.40); 3990 × 184/365 = 2011.3973 → 2011.40 (20 % = 402.28); VAT 268.1869
    dict(
        id="de-vendor-yearly-upgrade",
        addr=DE_ADDRESS,
        support="vendor",
        steps=[("order", "2026-11-01", "basic", "year"), ("order", "2027-05-01", "enterprise", "year")],
        invoices=[
            ([("490.00", "98.00", "392.00")], "392.00", "74.48", "466.48", "S"),
            (
                [("-247.01", "-49.40", "-197.61"), ("2011.40", "402.28", "1609.12")],
                "1411.51",
                "268.19",
                "1679.70",
                "S",
            ),
        ],
    ),
    # downgrade: no invoice now (202), December billed as basic by the run
    dict(
        id="de-partner-downgrade-at-period-end",
        addr=DE_ADDRESS,
        support="partner",
        steps=[
            ("order", "2026-11-01", "professional", "month"),
            ("order", "2026-11-20", "basic", "month"),
            ("run", "2026-12-01"),
        ],
        invoices=[([("149.00", "44.70", "104.30")], "104.30", "19.82", "124.12", "S"), BASIC_MONTH_P30],
        final_plan="basic",
        final_status="active",
    ),
    dict(
        id="de-partner-cancel-at-period-end",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2026-11-01", "basic", "month"), ("cancel", "2026-11-10"), ("run", "2026-12-01")],
        invoices=[BASIC_MONTH_P30],
        final_status="ended",
    ),
    dict(
        id="de-partner-monthly-run-bills-december",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2026-11-15", "basic", "month"), ("run", "2026-12-01")],
        invoices=[([("26.13", "7.84", "18.29")], "18.29", "3.48", "21.77", "S"), BASIC_MONTH_P30],
        final_status="active",
    ),
    dict(
        id="de-partner-yearly-anniversary",
        addr=DE_ADDRESS,
        support="partner",
        steps=[("order", "2026-11-15", "basic", "year"), ("run", "2026-12-01"), ("run", "2027-11-15")],
        invoices=[
            ([("490.00", "147.00", "343.00")], "343.00", "65.17", "408.17", "S"),
            ([("490.00", "147.00", "343.00")], "343.00", "65.17", "408.17", "S"),
        ],
    ),
]


def _setup(api: Api, scenario: dict[str, Any]) -> tuple[str, str, str]:
    clock.set_now(at(scenario["steps"][0][1] + "T08:00:00"))
    if scenario["support"] is None:
        org_id = make_org(
            "Unabhängig GmbH",
            "solo@example.com",
            address=scenario["addr"],
            billing_email="solo-billing@example.com",
        )
        return org_id, org_id, api.login("solo@example.com", PASSWORD)
    p = new_partner(api, address=scenario["addr"], vat_id=scenario.get("vat"))
    customer = new_customer(api, p, support_by=scenario["support"])
    return p.org_id, customer, p.token


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_billing_scenario(api, scenario):
    payer, customer, token = _setup(api, scenario)
    for index, (action, day, *args) in enumerate(scenario["steps"]):
        clock.set_now(at(day + "T08:00:00"))
        if action == "order":
            r = order(api, token, customer, plan=args[0], interval=args[1], key=f"k{index}")
            if scenario.get("refused"):
                assert r.status == 422, r
                assert scenario["refused"] in error_fields(r.json), r
                assert r.json["code"] == "billing.vat_required" and "Reverse-Charge" in r.json["detail"]
            else:
                assert r.status in (201, 202), r
        elif action == "cancel":
            assert api.delete(f"/orgs/{customer}/subscription", token).status == 200
        else:
            result = invoke("billing_run", timeout_s=900)
            assert result["done"] is True, result

    listed = api.get(f"/orgs/{payer}/invoices", token)
    assert listed.status == 200, listed
    got = [
        (
            tuple((ln["list_price"], ln["discount"], ln["net"]) for ln in inv["lines"]),
            inv["net"],
            inv["vat"],
            inv["gross"],
            inv["tax_category"],
        )
        for inv in reversed(listed.json["items"])
    ]
    want = [(tuple(lines), net, vat, gross, cat) for lines, net, vat, gross, cat in scenario["invoices"]]
    assert got == want
    sub = api.get(f"/orgs/{customer}/subscription", token).json
    if "final_status" in scenario:
        assert sub["status"] == scenario["final_status"]
    if "final_plan" in scenario:
        assert sub["plan"] == scenario["final_plan"]
    if scenario.get("refused"):
        assert sub["status"] == "trialing"  # nothing half-written
