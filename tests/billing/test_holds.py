"""The billing run re-checks the payer (issue #15 §5): a failing profile holds the invoice.

Amounts by hand: Basic 49.00 per month, partner discount 30 % = 14.70 → 34.30 net.
"""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from tests.billing.conftest import Partner, at, new_customer, new_partner
from tests.support import Api, mails
from tests.support.lambdas import invoke
from tests.support.world import DE_ADDRESS, order

AT_ADDR = {"street": "Ring 1", "postal_code": "1010", "city": "Wien", "country": "AT"}
AT_VAT = "ATU13585627"


def _invoices(api: Api, p: Partner) -> list[dict[str, Any]]:
    r = api.get(f"/orgs/{p.org_id}/invoices", p.token)
    assert r.status == 200, r
    return list(reversed(r.json["items"]))


def _last_number(year: int) -> int:
    from chalicelib.billing.models import InvoiceSequence

    return int(InvoiceSequence.get(*InvoiceSequence.key(year)).last)


def _run(day: str) -> dict[str, Any]:
    clock.set_now(at(day))
    result = invoke("billing_run", timeout_s=900)
    assert result["done"] is True, result
    return result


def _hold_mails(to: str) -> list[Any]:
    return [m for m in mails(to) if "angehalten" in m.subject or "on hold" in m.subject]


def test_austrian_partner_without_vat_id_is_held_not_billed_german_vat(api):
    # GIVEN an Austrian partner (reverse charge) whose customer is on Basic since 15 Nov
    clock.set_now(at("2026-11-15T09:00:00"))
    p = new_partner(api, "wien@example.com", "Wiener Partner GmbH", AT_ADDR, vat_id=AT_VAT)
    c = new_customer(api, p, "Kunde Wien")
    first = order(api, p.token, c, key="k1")
    assert first.status == 201 and first.json["invoice"]["tax_category"] == "AE", first
    # … which then removes its VAT ID
    assert api.patch(f"/orgs/{p.org_id}", p.token, {"vat_id": None}).status == 200

    # WHEN the December run comes (1 Dec 00:30 Berlin)
    _run("2026-11-30T23:30:00")

    # THEN no invoice (not one with 19 % German VAT), no number used, the hold is shown
    assert len(_invoices(api, p)) == 1
    assert _last_number(2026) == 1
    hold = api.get(f"/orgs/{c}/subscription", p.token).json["billing_hold"]
    assert hold == {
        "reason_code": "vat_id_missing",
        "fields": ["vat_id"],
        "since": "2026-11-30T23:30:00Z",
        "checked_at": "2026-11-30T23:30:00Z",
    }
    # … and the admins got one mail, in German, naming the reason
    (mail,) = _hold_mails(p.email)
    assert "Kunde Wien" in mail.text and "USt-IdNr." in mail.text and "AT" in mail.text

    # the next day's run holds again, without a second mail
    _run("2026-12-02T08:00:00")
    assert len(_invoices(api, p)) == 1 and len(_hold_mails(p.email)) == 1
    held = api.get(f"/orgs/{c}/subscription", p.token).json["billing_hold"]
    assert held["since"] == "2026-11-30T23:30:00Z" and held["checked_at"] == "2026-12-02T08:00:00Z"

    # WHEN the VAT ID is back, the next run issues the December invoice (reverse charge)
    assert api.patch(f"/orgs/{p.org_id}", p.token, {"vat_id": AT_VAT}).status == 200
    _run("2026-12-03T08:00:00")
    invoices = _invoices(api, p)
    assert len(invoices) == 2
    december = invoices[-1]
    assert december["number"] == "VIG-2026-000002"
    assert [(ln["period_start"], ln["period_end"], ln["net"]) for ln in december["lines"]] == [
        ("2026-12-01", "2026-12-31", "34.30")
    ]
    assert (december["tax_category"], december["vat"], december["gross"]) == ("AE", "0.00", "34.30")
    assert december["buyer"]["vat_id"] == AT_VAT
    assert api.get(f"/orgs/{c}/subscription", p.token).json["billing_hold"] is None


def test_payer_that_cleared_its_address_is_held_until_it_is_back(api):
    # GIVEN an English partner in Germany with a customer on Basic since 1 Nov
    clock.set_now(at("2026-11-01T09:00:00"))
    p = new_partner(api, language="en")
    c = new_customer(api, p)
    assert order(api, p.token, c, key="k1").status == 201
    # … which cleared its address
    assert api.patch(f"/orgs/{p.org_id}", p.token, {"address": None}).status == 200

    # WHEN the December run comes
    _run("2026-11-30T23:30:00")

    # THEN held (no invoice without buyer address, no invented "DE"), mailed in English
    assert len(_invoices(api, p)) == 1 and _last_number(2026) == 1
    hold = api.get(f"/orgs/{c}/subscription", p.token).json["billing_hold"]
    assert (hold["reason_code"], hold["fields"]) == ("address_country_missing", ["address.country"])
    (mail,) = _hold_mails(p.email)
    assert mail.subject.startswith("Vigil: invoice for") and "no country" in mail.text
    # the customer's monitoring goes on: the subscription is still active and due
    sub = api.get(f"/orgs/{c}/subscription", p.token).json
    assert sub["status"] == "active" and sub["current_period_end"] == "2026-11-30T23:00:00Z"

    # WHEN the address is back, the next run issues December: 34.30 + 19 % (6.517 → 6.52)
    assert api.patch(f"/orgs/{p.org_id}", p.token, {"address": DE_ADDRESS}).status == 200
    _run("2026-12-02T08:00:00")
    december = _invoices(api, p)[-1]
    assert december["number"] == "VIG-2026-000002"
    assert (december["net"], december["vat"], december["gross"]) == ("34.30", "6.52", "40.82")
    assert december["buyer"]["address"]["postal_code"] == DE_ADDRESS["postal_code"]
    sub = api.get(f"/orgs/{c}/subscription", p.token).json
    assert sub["billing_hold"] is None and sub["current_period_end"] == "2026-12-31T23:00:00Z"
