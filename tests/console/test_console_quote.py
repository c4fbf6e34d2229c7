"""The order confirmation shows the server's quote and the order bills exactly that (#15 §1);
the subscription page shows the pending change. Real time: the amounts come from the quote API."""

from __future__ import annotations

from decimal import Decimal

from tests.console.conftest import shot
from tests.console.helpers import api_call, login, token


def _de(amount: str) -> str:
    """ "1234.50" as the German console writes it: "1.234,50" (€ follows)."""
    text = f"{Decimal(amount):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def test_confirmation_shows_the_quote_and_the_order_bills_it(page, vigil):
    tok = token(vigil, "partner@example.com", vigil.password)
    status, created = api_call(
        vigil,
        "POST",
        "/orgs",
        tok,
        {"name": "Angebotsprobe GmbH", "linked": True, "support_by": "partner", "language": "de"},
    )
    assert status == 201, created
    customer = created["id"]

    login(page, vigil, "partner@example.com", vigil.password)
    page.get_by_test_id("current-role").wait_for()
    page.goto(f"{vigil.web}#/orgs/{customer}/subscription")
    page.locator('[data-screen="subscription"] h1').wait_for()

    # choose Professional yearly: the confirmation shows the quote, nothing is ordered yet
    form = page.get_by_test_id("order-form")
    form.get_by_label("Tarif").select_option("professional")
    form.get_by_label("Abrechnung").select_option("year")
    form.get_by_role("button", name="Weiter zur Bestätigung").click()
    shown = page.get_by_test_id("order-quote")
    shown.wait_for()
    status, quote = api_call(
        vigil,
        "POST",
        f"/orgs/{customer}/subscription/quote",
        tok,
        {"plan": "professional", "interval": "year"},
    )
    assert status == 200, quote
    inv = quote["invoice"]
    assert _de(inv["gross"]) in page.get_by_test_id("quote-gross").inner_text()
    assert _de(inv["net"]) in page.get_by_test_id("quote-net").inner_text()
    assert _de(inv["vat"]) in page.get_by_test_id("quote-vat").inner_text()
    text = shown.inner_text()
    assert "Umsatzsteuer 19 %" in text and "Leistungszeitraum" in text and "Professional" in text
    assert api_call(vigil, "GET", f"/orgs/{customer}/subscription", tok)[1]["status"] == "trialing"
    shot(page, "60-order-quote")

    page.get_by_role("button", name="Zahlungspflichtig bestellen").click()
    page.get_by_text("wurde erstellt").wait_for()
    invoices = api_call(vigil, "GET", f"/orgs/{created['partner_id']}/invoices", tok)[1]
    billed = next(i for i in invoices["items"] if i["lines"][0]["org_id"] == customer)
    assert (billed["net"], billed["vat"], billed["gross"]) == (inv["net"], inv["vat"], inv["gross"])

    # a downgrade: nothing charged now, the change and its date are shown, then pending
    form = page.get_by_test_id("order-form")
    form.get_by_label("Tarif").select_option("basic")
    form.get_by_label("Abrechnung").select_option("year")
    form.get_by_role("button", name="Weiter zur Bestätigung").click()
    page.get_by_test_id("quote-later").wait_for()
    assert "Jetzt wird nichts berechnet." in page.get_by_test_id("order-quote").inner_text()
    assert "Basic (jährlich) ab" in page.get_by_test_id("quote-later").inner_text()
    page.get_by_role("button", name="Zahlungspflichtig bestellen").click()
    page.get_by_test_id("pending-change").wait_for()
    assert "Basic (jährlich) ab" in page.get_by_test_id("pending-change").inner_text()
    sub = api_call(vigil, "GET", f"/orgs/{customer}/subscription", tok)[1]
    assert sub["pending_change"]["plan"] == "basic"
    shot(page, "61-subscription-pending-change")


def test_subscription_page_shows_a_held_invoice(page, vigil):
    """The run's hold (tests/billing/test_holds.py) as the console shows it: written straight
    into the local server's table (the run needs a clock the server does not let us move)."""
    import boto3

    from chalicelib.settings import DEFAULT_REGION

    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    partner = next(o for o in me["orgs"] if o["kind"] == "partner")
    table = boto3.resource(
        "dynamodb",
        endpoint_url=vigil.aws,
        region_name=DEFAULT_REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).Table("vigil-local-billing")
    key = {"pk": f"ORG#{partner['id']}", "sk": "BILLING_HOLD"}
    stamp = "2026-12-01T08:00:00.000000+0000"
    table.put_item(
        Item={
            **key,
            "payer_org_id": partner["id"],
            "reason_code": "vat_id_missing",
            "fields": '["vat_id"]',
            "since": stamp,
            "checked_at": stamp,
        }
    )
    try:
        assert api_call(vigil, "GET", f"/orgs/{partner['id']}/subscription", tok)[1]["billing_hold"]
        login(page, vigil, "partner@example.com", vigil.password)
        page.get_by_test_id("current-role").wait_for()
        page.goto(f"{vigil.web}#/orgs/{partner['id']}/subscription")
        hold = page.get_by_test_id("billing-hold")
        hold.wait_for()
        text = hold.inner_text()
        assert "Rechnung angehalten." in text and "USt-IdNr." in text and "01.12.2026" in text, text
        shot(page, "62-subscription-billing-hold")
    finally:
        table.delete_item(Key=key)
