"""The console and the accountant's documents: a paid customer's deletion warns and names the
subscription, the credit note shows in the invoice list, the exports (ZIP, DATEV) download."""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from datetime import UTC, datetime

from tests.console.conftest import shot
from tests.console.helpers import api_call, login, token


def _order(vigil, tok: str, org_id: str) -> dict:
    req = urllib.request.Request(
        f"{vigil.api}/orgs/{org_id}/subscription/orders",
        method="POST",
        data=json.dumps({"plan": "professional", "interval": "year"}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {tok}",
            "Idempotency-Key": "docs-1",
        },
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 201
        return json.loads(r.read())


def test_paid_customer_deletion_warns_and_credit_note_and_exports_show(page, vigil):
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    partner = next(o for o in me["orgs"] if o["role"] == "admin" and not o.get("partner_id"))["id"]
    profile = {
        "address": {"street": "Gartenweg 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
        "billing_email": "rechnung@example.com",
    }
    assert api_call(vigil, "PATCH", f"/orgs/{partner}", tok, profile)[0] == 200
    status, created = api_call(
        vigil, "POST", "/orgs", tok, {"name": "Jahreskunde Export GmbH", "partner_id": partner}
    )
    assert status == 201, created
    customer = created["id"]
    invoice = _order(vigil, tok, customer)["invoice"]["number"]

    # deleting the customer: the console names the paid subscription and asks once more
    login(page, vigil, "partner@example.com", vigil.password)
    page.get_by_test_id("current-role").wait_for()
    page.goto(f"{vigil.web}#/orgs/{customer}/settings")
    page.get_by_role("button", name="Kundenkonto löschen …").click()
    page.get_by_label("Zur Bestätigung den Namen eingeben").fill("Jahreskunde Export GmbH")
    page.get_by_role("button", name="Endgültig löschen").click()
    warning = page.get_by_test_id("delete-paid-warning")
    warning.wait_for()
    text = warning.inner_text()
    assert "„Jahreskunde Export GmbH“ hat einen bezahlten Tarif Professional (jährlich)" in text
    assert "nicht genutzten vollen Tage" in text
    last = datetime.fromisoformat(
        api_call(vigil, "DELETE", f"/orgs/{customer}", tok)[1]["subscription"]["last_paid_day"]
    )
    assert f"bis {last:%d.%m.%Y}." in text
    assert api_call(vigil, "GET", f"/orgs/{customer}", tok)[0] == 200  # nothing deleted yet
    shot(page, "60-delete-paid-customer-warning")
    page.get_by_test_id("delete-paid-confirm").click()
    page.wait_for_url(f"**#/orgs/{partner}/customers")
    assert api_call(vigil, "GET", f"/orgs/{customer}", tok)[0] == 404

    # the credit note is listed next to the invoice it corrects
    items = api_call(vigil, "GET", f"/orgs/{partner}/invoices", tok)[1]["items"]
    note = next(i for i in items if i.get("corrects") == invoice)
    page.goto(f"{vigil.web}#/orgs/{partner}/invoices")
    cell = page.get_by_test_id(f"type-{note['number']}")
    cell.wait_for()
    assert "Rechnungskorrektur" in cell.inner_text() and invoice in cell.inner_text()

    # the exports of today's documents: a ZIP with both and the index, a DATEV batch
    today = datetime.now(UTC).date().isoformat()
    page.get_by_label("Von").fill(today)
    page.get_by_label("Bis").fill(today)
    page.get_by_test_id("export-zip").click()
    link = page.get_by_test_id("export-link")
    link.wait_for()
    assert "Rechnungskorrekturen" in page.get_by_test_id("export-result").inner_text()
    shot(page, "61-invoices-credit-note-export")
    with urllib.request.urlopen(link.get_attribute("href"), timeout=30) as r:
        names = zipfile.ZipFile(io.BytesIO(r.read())).namelist()
    assert f"{invoice}.pdf" in names and f"{note['number']}.xml" in names and "index.csv" in names
    page.get_by_test_id("export-datev").click()
    page.wait_for_function(
        "document.querySelector('[data-testid=export-link]')?.textContent.startsWith('EXTF_')"
    )
    with urllib.request.urlopen(page.get_by_test_id("export-link").get_attribute("href"), timeout=30) as r:
        assert r.read().startswith(b'"EXTF";700;21;"Buchungsstapel"')
