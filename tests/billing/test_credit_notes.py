"""Credit notes (type 381): the operator cancels or corrects an invoice from the admin CLI.

Amounts by hand — Basic 49.00 €/month, partner discount 30 %, German VAT 19 %, ordered on the
1st (full month): list 49.00, discount 14.70, net 34.30, VAT 6.517 → 6.52, gross 40.82.
Every XML the tests store passes both official rule sets (``every_einvoice_is_valid``).
"""

from __future__ import annotations

from lxml import etree

from chalicelib import admin, clock
from tests.billing.conftest import at, new_customer, new_partner
from tests.billing.test_xrechnung import check_pdf_a_3b, stored
from tests.support import mails
from tests.support.pdf import pdf_text
from tests.support.world import order

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
REF = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument"


def _x(xml: bytes, path: str) -> list[str]:
    return [str(v) for v in etree.fromstring(xml).xpath(path, namespaces=NS)]


def _listed(api, token, org_id):
    r = api.get(f"/orgs/{org_id}/invoices", token)
    assert r.status == 200, r
    return {i["number"]: i for i in r.json["items"]}


def test_operator_cancels_an_invoice_with_a_full_credit_note(api, capsys):
    # GIVEN a partner's customer ordered Basic monthly on 1 Nov (invoice 1: 40.82 € gross)
    clock.set_now(at("2026-11-01T09:00:00"))
    partner = new_partner(api)
    customer = new_customer(api, partner)
    r = order(api, partner.token, customer)
    assert r.status == 201, r
    number = r.json["invoice"]["number"]
    assert number == "VIG-2026-000001"

    # WHEN the operator cancels it on 3 Nov
    clock.set_now(at("2026-11-03T12:00:00"))
    assert admin.main(["cancel-invoice", number]) == 0
    assert "VIG-2026-000002" in capsys.readouterr().out

    # THEN a credit note with the next number of the same sequence mirrors the invoice
    listed = _listed(api, partner.token, partner.org_id)
    note, original = listed["VIG-2026-000002"], listed[number]
    assert note["type"] == "credit_note" and note["corrects"] == number
    assert original["type"] == "invoice" and original["cancelled_by"] == "VIG-2026-000002"
    assert (note["net"], note["vat"], note["gross"]) == ("34.30", "6.52", "40.82")
    assert note["lines"] == original["lines"]
    assert note["buyer"] == original["buyer"]
    # newest first: the credit note heads the list
    assert list(listed) == ["VIG-2026-000002", number]

    # the XML: type code 381, the corrected invoice and its date (BT-25/BT-26), same totals
    xml = stored("VIG-2026-000002", "xml")
    assert _x(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert _x(xml, REF + "/ram:IssuerAssignedID/text()") == [number]
    assert _x(xml, REF + "/ram:FormattedIssueDateTime/qdt:DateTimeString/text()") == ["20261101"]
    assert _x(xml, "//ram:GrandTotalAmount/text()") == ["40.82"]
    assert _x(stored(number, "xml"), "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["380"]
    xr = stored("VIG-2026-000002", "xrechnung.xml")
    assert _x(xr, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]

    # the PDF says what it is (never "Gutschrift": that is self-billing) and what it corrects
    text = pdf_text(stored("VIG-2026-000002", "pdf"))
    assert "Rechnungskorrektur (Stornorechnung) VIG-2026-000002" in text
    assert "Korrektur zu Rechnung VIG-2026-000001 vom 01.11.2026" in text
    assert "40,82 €" in text and "Gutschrift" not in text
    # and it is PDF/A-3b like every invoice (OutputIntent, embedded fonts, XMP = Info, the XML
    # attached as its /Alternative)
    check_pdf_a_3b(stored("VIG-2026-000002", "pdf"), "VIG-2026-000002", note["issued_at"], xml)

    # and it was mailed to the partner's billing address
    sent = [m for m in mails("rechnung@steine.example") if "VIG-2026-000002" in m.subject]
    assert len(sent) == 1
    assert sent[0].subject.startswith("Ihre Rechnungskorrektur VIG-2026-000002")
    assert "zu Rechnung VIG-2026-000001 über 40,82 € (brutto)" in sent[0].text

    # AND a second cancellation is refused, nothing new is numbered
    assert admin.main(["cancel-invoice", number]) == 1
    assert "already cancelled by VIG-2026-000002" in capsys.readouterr().err
    assert admin.main(["cancel-invoice", "VIG-2026-000002"]) == 1
    assert admin.main(["cancel-invoice", "VIG-2026-000099"]) == 1
    assert len(_listed(api, partner.token, partner.org_id)) == 2


def test_credit_note_passes_the_official_command_line_validator(api, tmp_path):
    """``validate-einvoice`` (the shared script, both rule sets) on the credit note's PDF and XMLs."""
    import subprocess
    import sys

    from tests.billing import einvoice

    einvoice.require_validators()
    script = einvoice.validators_dir() / "validate-einvoice"
    clock.set_now(at("2026-11-01T09:00:00"))
    partner = new_partner(api)
    number = order(api, partner.token, new_customer(api, partner)).json["invoice"]["number"]
    clock.set_now(at("2026-11-02T09:00:00"))
    assert admin.main(["cancel-invoice", number]) == 0
    files = []
    for ext in ("pdf", "xml", "xrechnung.xml"):
        path = tmp_path / f"VIG-2026-000002.{ext}"
        path.write_bytes(stored("VIG-2026-000002", ext))
        files.append(str(path))
    done = subprocess.run([sys.executable, str(script), *files], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert done.stdout.count("VIG-2026-000002") >= 3, done.stdout


def test_operator_corrects_an_invoice_after_the_buyer_fixed_its_address(api):
    # GIVEN an invoice issued to the old address
    clock.set_now(at("2026-11-01T09:00:00"))
    partner = new_partner(api)
    customer = new_customer(api, partner)
    number = order(api, partner.token, customer).json["invoice"]["number"]
    fixed = {"street": "Neue Straße 5", "postal_code": "10117", "city": "Berlin", "country": "DE"}
    r = api.patch(f"/orgs/{partner.org_id}", partner.token, {"address": fixed})
    assert r.status == 200, r

    # WHEN the operator cancels and reissues it
    clock.set_now(at("2026-11-02T08:00:00"))
    assert admin.main(["cancel-invoice", number, "--reissue"]) == 0

    # THEN: credit note 000002 with the old address, corrected invoice 000003 with the new one
    listed = _listed(api, partner.token, partner.org_id)
    note, corrected = listed["VIG-2026-000002"], listed["VIG-2026-000003"]
    assert note["type"] == "credit_note" and note["buyer"]["address"]["street"] == "Gartenweg 1"
    assert corrected["type"] == "invoice" and corrected["corrects"] == number
    assert corrected["buyer"]["address"]["street"] == "Neue Straße 5"
    assert (corrected["net"], corrected["vat"], corrected["gross"]) == ("34.30", "6.52", "40.82")
    xml = stored("VIG-2026-000003", "xml")
    assert _x(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["380"]
    assert _x(xml, REF + "/ram:IssuerAssignedID/text()") == [number]
    assert "Rechnung (Korrektur) VIG-2026-000003" in pdf_text(stored("VIG-2026-000003", "pdf"))


def test_every_kind_of_invoice_can_be_cancelled_and_its_credit_note_passes_both_rule_sets(api):
    """Order, upgrade (with its credit line), monthly run, reverse charge (AT, English) and not
    taxable (US, yearly): each cancelled; the credit note mirrors its amounts and tax category,
    and its XML passes EN 16931 and XRechnung 3.0 (checked here and by the fixture)."""
    from tests.billing import einvoice
    from tests.billing.test_einvoice import _invoices

    originals = _invoices(api)
    clock.set_now(at("2026-12-05T10:00:00"))
    for original in originals:
        assert admin.main(["cancel-invoice", original["number"]]) == 0, original["number"]
    notes = {}
    for payer in {o["buyer"]["org_id"] for o in originals}:
        notes.update({n.number: n for n in _credit_notes(payer)})
    assert len(notes) == len(originals) == 6
    by_original = {n.corrects: n for n in notes.values()}
    for original in originals:
        note = by_original[original["number"]]
        assert (note.net, note.vat, note.gross) == (original["net"], original["vat"], original["gross"])
        assert note.tax_category == original["tax_category"] and note.language in ("de", "en")
        xml = stored(note.number, "xml")
        assert _x(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
        if einvoice.validators_present():
            for flavor in ("xml", "xrechnung.xml"):
                assert einvoice.official_failures(stored(note.number, flavor)) == {
                    "en16931": [],
                    "xrechnung": [],
                }, (note.number, flavor)
    kinds = {o["tax_category"] for o in originals}
    assert kinds == {"S", "AE", "O"}
    assert any(line["kind"] == "credit" for o in originals for line in o["lines"])  # the upgrade


def _credit_notes(payer_org_id: str) -> list:
    from chalicelib.billing.models import Invoice

    return [i for i in Invoice.query(Invoice.partition(payer_org_id)) if i.doc_type == "credit_note"]
