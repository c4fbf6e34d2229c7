"""Quotes: the order's own computation without side effects; orders bill what was quoted.

Amounts by hand (list prices basic 49.00 / professional 149.00 per month, yearly = 10 ×,
partner discount 30 %, VAT 19 % on the net total, each line rounded half-up to the cent).
"""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from tests.billing.conftest import Partner, at, new_customer, new_partner, stored
from tests.support import Api, mails
from tests.support.api import error_fields
from tests.support.lambdas import invoke
from tests.support.pdf import pdf_text
from tests.support.world import order


def _quote(api: Api, token: str, org_id: str, **body: Any) -> Any:
    return api.post(f"/orgs/{org_id}/subscription/quote", token, body)


def _order(api: Api, token: str, org_id: str, key: str, **body: Any) -> Any:
    return api.post(f"/orgs/{org_id}/subscription/orders", token, body, headers={"Idempotency-Key": key})


def _invoices(api: Api, p: Partner) -> list[dict[str, Any]]:
    r = api.get(f"/orgs/{p.org_id}/invoices", p.token)
    assert r.status == 200, r
    return list(reversed(r.json["items"]))


def _amounts(lines: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return [(ln["kind"], ln["list_price"], ln["discount"], ln["net"]) for ln in lines]


def test_basic_yearly_to_professional_monthly_bills_what_the_quote_showed(api):
    """The issue's case: Basic (yearly) → Professional + monthly."""
    # GIVEN a customer on Basic yearly since 15 Nov 2026 (period to 14 Nov 2027, 365 days)
    clock.set_now(at("2026-11-15T09:00:00"))
    p = new_partner(api)
    c = new_customer(api, p)
    first = order(api, p.token, c, plan="basic", interval="year", key="k1")
    assert first.status == 201, first
    first_number = first.json["invoice"]["number"]
    mailed = len(mails())

    # WHEN the partner asks for Professional monthly on 15 May 2027 (184 of 365 days left)
    clock.set_now(at("2027-05-15T09:00:00"))
    q = _quote(api, p.token, c, plan="professional", interval="month")
    assert q.status == 200, q
    quote = q.json

    # THEN the quote says: Professional at once for the rest of the paid year, billed now;
    # monthly from the period end. 490 × 184/365 = 247.0137 → 247.01 (30 % = 74.10);
    # 1490 × 184/365 = 751.1233 → 751.12 (30 % = 225.336 → 225.34); net −172.91 + 525.78
    # = 352.87; VAT 67.0453 → 67.05; gross 419.92
    inv = quote["invoice"]
    assert quote["action"] == "upgraded"
    assert _amounts(inv["lines"]) == [
        ("credit", "-247.01", "-74.10", "-172.91"),
        ("charge", "751.12", "225.34", "525.78"),
    ]
    assert (inv["net"], inv["vat_rate"], inv["vat"], inv["gross"]) == ("352.87", "19", "67.05", "419.92")
    assert quote["gross"] == "419.92"
    assert inv["service_period"] == {"start": "2027-05-15", "end": "2027-11-14"}
    assert inv["invoice_date"] == "2027-05-15"
    assert inv["lines"][0]["offsets_invoice"] == first_number
    assert [ln["interval"] for ln in inv["lines"]] == ["year", "year"]
    # 15 Nov 2027 00:00 in Berlin (CET) is 14 Nov 23:00 UTC
    change = {
        "plan": "professional",
        "interval": "month",
        "effective_at": "2027-11-14T23:00:00Z",
        "type": "change",
    }
    assert quote["pending_change"] == change
    # … and nothing happened: no invoice, no mail, subscription unchanged
    assert len(_invoices(api, p)) == 1 and len(mails()) == mailed
    sub = api.get(f"/orgs/{c}/subscription", p.token).json
    assert (sub["plan"], sub["interval"], sub["pending_change"]) == ("basic", "year", None)

    # WHEN the order confirms that gross
    r = _order(api, p.token, c, "k2", plan="professional", interval="month", expected_gross="419.92")

    # THEN the invoice is exactly the quote, and the subscription shows the pending switch
    assert r.status == 201, r
    billed = r.json["invoice"]
    assert billed["lines"] == inv["lines"]
    assert (billed["net"], billed["vat"], billed["gross"]) == ("352.87", "67.05", "419.92")
    assert r.json["subscription"]["pending_change"] == change
    sub = api.get(f"/orgs/{c}/subscription", p.token).json
    assert (sub["plan"], sub["interval"], sub["pending_change"]) == ("professional", "year", change)
    # the credit line is an offset against the first invoice, not a "Gutschrift"
    data = stored(billed["number"], "xml")
    assert data is not None
    xml = data.decode()
    assert f"Verrechnung nicht genutzter Tage aus Rechnung {first_number}" in xml
    assert "Gutschrift" not in xml
    pdf = stored(billed["number"], "pdf")
    assert pdf is not None
    text = " ".join(pdf_text(pdf).split())
    assert f"Verrechnung nicht genutzter Tage aus Rechnung {first_number}" in text, text

    # WHEN the run of 15 Nov 2027 (00:30 Berlin) renews
    clock.set_now(at("2027-11-14T23:30:00"))
    assert invoke("billing_run", timeout_s=900)["done"] is True

    # THEN it bills Professional monthly for the rest of November: 16 of 30 days,
    # 149 × 16/30 = 79.4667 → 79.47 (30 % = 23.841 → 23.84) = 55.63; VAT 10.5697 → 10.57
    renewal = _invoices(api, p)[-1]
    assert _amounts(renewal["lines"]) == [("charge", "79.47", "23.84", "55.63")]
    assert (renewal["vat"], renewal["gross"]) == ("10.57", "66.20")
    assert renewal["service_period"] == {"start": "2027-11-15", "end": "2027-11-30"}
    sub = api.get(f"/orgs/{c}/subscription", p.token).json
    assert (sub["plan"], sub["interval"], sub["pending_change"]) == ("professional", "month", None)


def test_changed_quote_refuses_the_order_and_bills_nothing(api):
    from chalicelib.billing.models import InvoiceSequence

    # GIVEN a quote for Basic monthly on 15 Nov: 16 of 30 days, 26.13 − 7.84 = 18.29 + 3.48
    clock.set_now(at("2026-11-15T09:00:00"))
    p = new_partner(api)
    c = new_customer(api, p)
    q = _quote(api, p.token, c, plan="basic", interval="month")
    assert q.status == 200 and q.json["gross"] == "21.77", q

    # WHEN the order comes a day later (15 of 30 days now) with the quoted gross
    clock.set_now(at("2026-11-16T09:00:00"))
    mailed = len(mails())
    r = _order(api, p.token, c, "k1", plan="basic", interval="month", expected_gross="21.77")

    # THEN 409 with the new quote: 49 × 15/30 = 24.50, 30 % = 7.35 → 17.15; VAT 3.2585 → 3.26
    assert r.status == 409, r
    assert r.json["quote"]["gross"] == "20.41"
    assert r.json["quote"]["invoice"]["service_period"] == {"start": "2026-11-16", "end": "2026-11-30"}
    # … nothing billed: no invoice, no number consumed, no mail, still trialing
    assert _invoices(api, p) == []
    from pynamodb.exceptions import DoesNotExist

    try:
        InvoiceSequence.get(*InvoiceSequence.key(2026))
        raise AssertionError("an invoice number was consumed")
    except DoesNotExist:
        pass
    assert len(mails()) == mailed
    assert api.get(f"/orgs/{c}/subscription", p.token).json["status"] == "trialing"

    # WHEN the buyer confirms the new quote (same key: the refused attempt stored nothing)
    r = _order(api, p.token, c, "k1", plan="basic", interval="month", expected_gross="20.41")
    assert r.status == 201, r
    assert r.json["invoice"]["number"] == "VIG-2026-000001"
    assert r.json["invoice"]["gross"] == "20.41"


def test_quote_of_a_downgrade_and_of_a_cancellation_shows_the_period_end(api):
    clock.set_now(at("2026-11-01T09:00:00"))
    p = new_partner(api)
    c = new_customer(api, p)
    assert order(api, p.token, c, plan="professional", key="k1").status == 201

    clock.set_now(at("2026-11-20T09:00:00"))
    q = _quote(api, p.token, c, plan="basic", interval="month")
    assert q.status == 200, q
    # 1 Dec 2026 00:00 in Berlin is 30 Nov 23:00 UTC
    change = {"plan": "basic", "interval": "month", "effective_at": "2026-11-30T23:00:00Z", "type": "change"}
    assert (q.json["action"], q.json["invoice"], q.json["gross"]) == ("change_scheduled", None, "0.00")
    assert q.json["pending_change"] == change
    r = _order(api, p.token, c, "k2", plan="basic", interval="month", expected_gross="0.00")
    assert r.status == 202, r
    assert api.get(f"/orgs/{c}/subscription", p.token).json["pending_change"] == change

    assert api.delete(f"/orgs/{c}/subscription", p.token).status == 200
    assert api.get(f"/orgs/{c}/subscription", p.token).json["pending_change"] == {
        "plan": None,
        "interval": None,
        "effective_at": "2026-11-30T23:00:00Z",
        "type": "cancellation",
    }


def test_quote_has_the_orders_rules_and_roles(api):
    clock.set_now(at("2026-11-15T09:00:00"))
    p = new_partner(api)
    c = new_customer(api, p)
    stranger = new_partner(api, "fremd@example.com", "Fremd GmbH")
    # another tenant: 404; a body the order refuses: 400
    assert _quote(api, stranger.token, c, plan="basic").status == 404
    bad = _quote(api, p.token, c, plan="gold")
    assert bad.status == 400 and "plan" in error_fields(bad.json)
    bad = _order(api, p.token, c, "k0", plan="basic", expected_gross="viel")
    assert bad.status == 400 and "expected_gross" in error_fields(bad.json)
    # an Austrian payer without VAT ID: the same 422 as the order
    at_addr = {"street": "Ring 1", "postal_code": "1010", "city": "Wien", "country": "AT"}
    austrian = new_partner(api, "wien@example.com", "Wien GmbH", address=at_addr)
    c2 = new_customer(api, austrian, "Kunde in Wien")
    r = _quote(api, austrian.token, c2, plan="basic")
    assert r.status == 422 and "vat_id" in error_fields(r.json)
    # the current plan: 409 like the order
    assert order(api, p.token, c, key="k1").status == 201
    assert _quote(api, p.token, c, plan="basic", interval="month").status == 409
