"""What a German (public) buyer needs to file an invoice: XRechnung, its references, PDF/A-3b.

- every invoice passes the official EN 16931 and XRechnung 3.0 rules (here explicitly; every
  other billing test through the ``every_einvoice_is_valid`` fixture),
- the buyer reference (BT-10, Leitweg-ID checked strictly) and the purchase order number
  (BT-13) appear in the PDF and in both XMLs,
- a paying org without billing e-mail cannot order,
- the XRechnung XML is a second download next to the Factur-X PDF and its XML,
- the PDF is what its XMP claims: PDF/A-3b with an sRGB OutputIntent, embedded fonts, one set
  of metadata in Info and XMP, the XML attached as the invoice's ``/Alternative``.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from lxml import etree

from chalicelib import clock
from tests.billing import einvoice
from tests.billing.conftest import at, new_customer, new_partner
from tests.billing.conftest import stored as stored_or_none
from tests.billing.test_einvoice import _invoices
from tests.support import Api
from tests.support.api import error_fields, error_messages
from tests.support.pdf import pdf_text

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
BT10 = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference"
BT13 = (
    "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    "/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
)
BT24 = "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
XRECHNUNG_ID = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"


def stored(number: str, ext: str) -> bytes:
    data = stored_or_none(number, ext)
    assert data is not None, (number, ext)
    return data


def _xpath(xml: bytes, path: str) -> list[str]:
    return [str(x) for x in etree.fromstring(xml).xpath(path + "/text()", namespaces=NS)]


def _order(api: Api, token: str, org_id: str, key: str = "k-1", **extra: Any) -> Any:
    return api.post(
        f"/orgs/{org_id}/subscription/orders",
        token,
        {"plan": "basic", "interval": "month", **extra},
        headers={"Idempotency-Key": key, "Accept-Language": "en"},
    )


def _download(url: str) -> bytes:
    """The S3 object a presigned URL points to (in-process moto intercepts botocore only)."""
    from urllib.parse import parse_qs, unquote, urlparse

    from chalicelib import aws, settings

    parsed = urlparse(url)
    bucket = str(parsed.hostname).split(".")[0]
    assert bucket == settings.bucket_name("invoices")
    assert "attachment" in parse_qs(parsed.query)["response-content-disposition"][0]
    return bytes(
        aws.client("s3").get_object(Bucket=bucket, Key=unquote(parsed.path.lstrip("/")))["Body"].read()
    )


def _mod97_check_digits(body: str) -> str:
    """ISO 7064 MOD 97-10 check digits, computed here independently of the app (A=10 … Z=35)."""
    digits = "".join(str(int(ch, 36)) for ch in body.replace("-", "").upper())
    return f"{98 - int(digits + '00') % 97:02d}"


# --- the buyer reference (BT-10) --------------------------------------------------------------

BODY = "05315-ABC12"  # Nordrhein-Westfalen (05), Feinadressierung with letters
GOOD = f"{BODY}-{_mod97_check_digits(BODY)}"
BAD = f"{BODY}-{(int(_mod97_check_digits(BODY)) + 1) % 100:02d}"


@pytest.mark.parametrize(
    "value,stored_as",
    [
        ("991-33333TEST-33", "991-33333TEST-33"),  # the Bund's published test Leitweg-ID
        ("04011000-1234512345-06", "04011000-1234512345-06"),  # the format specification's example
        ("991-33333test-33", "991-33333TEST-33"),  # letters are case-insensitive, stored upper-case
        (GOOD, GOOD),
        ("Projekt Stein 7 / KSt 4711", "Projekt Stein 7 / KSt 4711"),  # free text, not Leitweg-shaped
        ("x" * 100, "x" * 100),
    ],
)
def test_buyer_reference_accepted(api, partner, value, stored_as):
    from chalicelib.orgs.models import Org

    r = api.patch(f"/orgs/{partner.org_id}", partner.token, {"buyer_reference": value})
    assert r.status == 200, r
    assert r.json["buyer_reference"] == stored_as
    assert Org.get(*Org.key(partner.org_id)).buyer_reference == stored_as


@pytest.mark.parametrize(
    "value,message",
    [
        (BAD, "check digits"),
        ("991-33333TEST-34", "check digits"),
        ("04011000-1234512345-60", "check digits"),
        ("17-12345-06", "state code"),  # no Bundesland 17
        ("2024-Projekt", "Leitweg-ID"),  # Leitweg-shaped, but no check digits
        ("991-" + "A" * 31 + "-12", "Leitweg-ID"),  # Feinadressierung longer than 30
        ("x" * 101, "100"),
        ("Zeile 1\nZeile 2", "line breaks"),
        ("", "at least 1"),
    ],
)
def test_buyer_reference_refused_naming_the_field(api, partner, value, message):
    from chalicelib.orgs.models import Org

    r = api.patch(
        f"/orgs/{partner.org_id}",
        partner.token,
        {"buyer_reference": value},
        headers={"Accept-Language": "en"},
    )
    assert r.status == 400, r
    assert message in error_messages(r.json)["buyer_reference"], r.json
    assert Org.get(*Org.key(partner.org_id)).buyer_reference is None


def test_buyer_reference_null_clears(api, partner):
    api.patch(f"/orgs/{partner.org_id}", partner.token, {"buyer_reference": "991-33333TEST-33"})
    r = api.patch(f"/orgs/{partner.org_id}", partner.token, {"buyer_reference": None})
    assert r.status == 200 and r.json["buyer_reference"] is None


# --- references on the invoice ----------------------------------------------------------------


def test_buyer_reference_and_purchase_order_in_pdf_and_both_xmls(api, partner):
    clock.set_now(at("2026-11-01T10:00:00"))
    customer = new_customer(api, partner)
    r = api.patch(f"/orgs/{partner.org_id}", partner.token, {"buyer_reference": "991-33333test-33"})
    assert r.status == 200, r
    po = "PO 2026/4711 – Müller & Söhne"
    r = _order(api, partner.token, customer, purchase_order=po)
    assert r.status == 201, r
    invoice = r.json["invoice"]
    assert invoice["purchase_order"] == po
    assert invoice["buyer"]["buyer_reference"] == "991-33333TEST-33"
    number = invoice["number"]

    xml, xrechnung, pdf = stored(number, "xml"), stored(number, "xrechnung.xml"), stored(number, "pdf")
    assert xml and xrechnung and pdf
    for doc in (xml, xrechnung):
        assert _xpath(doc, BT10) == ["991-33333TEST-33"]
        assert _xpath(doc, BT13) == [po]
    assert _xpath(xml, BT24) == ["urn:cen.eu:en16931:2017"]
    assert _xpath(xrechnung, BT24) == [XRECHNUNG_ID]
    # the two differ in the specification identifier only
    assert xml.replace(b"urn:cen.eu:en16931:2017<", XRECHNUNG_ID.encode() + b"<") == xrechnung
    text = " ".join(pdf_text(pdf).split())
    assert "Ihre Referenz / Leitweg-ID: 991-33333TEST-33" in text
    assert f"Ihre Bestellnummer: {po}" in text

    # the detail offers the XRechnung as a second download, the stored object
    detail = api.get(f"/orgs/{partner.org_id}/invoices/{number}", partner.token).json
    assert detail["purchase_order"] == po
    assert _download(detail["xrechnung_url"]) == xrechnung
    assert f"{number}-xrechnung.xml" in detail["xrechnung_url"]
    assert _download(detail["xml_url"]) == xml
    assert _download(detail["pdf_url"]) == pdf

    # the renewal has no purchase order of its own; the buyer reference stays
    clock.set_now(at("2026-12-01T00:30:00"))
    from chalicelib.billing.jobs import billing_run

    assert billing_run.func({})["invoices"] == 1
    items = api.get(f"/orgs/{partner.org_id}/invoices", partner.token).json["items"]
    renewal = items[0]["number"]
    assert renewal != number and items[0]["purchase_order"] is None
    assert _xpath(stored(renewal, "xml"), BT13) == []
    assert _xpath(stored(renewal, "xrechnung.xml"), BT10) == ["991-33333TEST-33"]


def test_without_references_the_org_id_is_the_buyer_reference(api, partner):
    clock.set_now(at("2026-11-01T10:00:00"))
    customer = new_customer(api, partner)
    number = _order(api, partner.token, customer).json["invoice"]["number"]
    xml = stored(number, "xml")
    assert _xpath(xml, BT10) == [partner.org_id]
    assert _xpath(xml, BT13) == []
    text = pdf_text(stored(number, "pdf"))
    assert "Leitweg-ID" not in text and "Bestellnummer" not in text


@pytest.mark.parametrize(
    "value,message", [("x" * 101, "100"), ("PO\n1", "line breaks"), ("", "at least 1"), (42, "string")]
)
def test_purchase_order_refused_naming_the_field(api, partner, value, message):
    customer = new_customer(api, partner)
    r = _order(api, partner.token, customer, purchase_order=value)
    assert r.status == 400, r
    assert message in error_messages(r.json)["purchase_order"], r.json
    assert api.get(f"/orgs/{partner.org_id}/invoices", partner.token).json["items"] == []


# --- the paying org must be invoiceable ---------------------------------------------------------


def test_order_without_billing_email_is_refused_naming_it(api, partner):
    clock.set_now(at("2026-11-01T10:00:00"))
    customer = new_customer(api, partner)  # the customer has no billing e-mail of its own: fine
    assert api.patch(f"/orgs/{partner.org_id}", partner.token, {"billing_email": None}).status == 200
    r = _order(api, partner.token, customer)
    assert r.status == 422, r
    assert "billing_email" in error_fields(r.json) and sorted(error_fields(r.json)) == ["billing_email"]
    assert api.get(f"/orgs/{partner.org_id}/invoices", partner.token).json["items"] == []
    assert api.get(f"/orgs/{customer}/subscription", partner.token).json["status"] == "trialing"
    # with one, the same request goes through
    api.patch(f"/orgs/{partner.org_id}", partner.token, {"billing_email": "rechnung@steine.example"})
    assert _order(api, partner.token, customer, key="k-2").status == 201


def test_order_without_post_code_is_refused_naming_it(api):
    p = new_partner(api, address={"street": "Ring 1", "city": "Berlin", "country": "DE"})
    customer = new_customer(api, p)
    r = _order(api, p.token, customer)
    assert r.status == 422 and sorted(error_fields(r.json)) == ["address.postal_code"], r


def test_renewal_after_the_billing_email_was_cleared_is_held_until_it_is_back(api, partner):
    """BT-49 is required (PEPPOL-EN16931-R010) and a paying org must have a billing e-mail: the
    run holds the renewal (same rules as an order, #15 §5) and issues it once the address is back."""
    clock.set_now(at("2026-11-01T10:00:00"))
    customer = new_customer(api, partner)
    assert _order(api, partner.token, customer).status == 201
    api.patch(f"/orgs/{partner.org_id}", partner.token, {"billing_email": None})
    clock.set_now(at("2026-12-01T00:30:00"))
    from chalicelib.billing.jobs import billing_run

    assert billing_run.func({})["invoices"] == 0
    hold = api.get(f"/orgs/{customer}/subscription", partner.token).json["billing_hold"]
    assert hold["reason_code"] == "billing_email_missing"

    api.patch(f"/orgs/{partner.org_id}", partner.token, {"billing_email": "rechnung@steine.example"})
    clock.set_now(at("2026-12-02T00:30:00"))
    assert billing_run.func({})["invoices"] == 1
    renewal = api.get(f"/orgs/{partner.org_id}/invoices", partner.token).json["items"][0]
    assert renewal["mail_status"] in ("sent", "queued")
    path = (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
        "/ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID"
    )
    assert _xpath(stored(renewal["number"], "xml"), path) == ["rechnung@steine.example"]


# --- the official rules -------------------------------------------------------------------------


def test_every_kind_of_invoice_passes_en16931_and_xrechnung(api):
    """DE, upgrade with a credit line, run with two lines, AT reverse charge, US not taxable:
    both XMLs of each pass both rule sets with 0 errors, and the PDF carries the Factur-X XML."""
    einvoice.require_validators()
    from facturx import get_xml_from_pdf

    documents = 0
    for invoice in _invoices(api):
        number = invoice["number"]
        xml = stored(number, "xml")
        _, embedded = get_xml_from_pdf(stored(number, "pdf"), check_xsd=False)
        assert embedded == xml
        assert einvoice.official_failures(xml) == {"en16931": [], "xrechnung": []}, number
        # the XRechnung flavor not even with a warning; the Factur-X one has BR-DE-21 only (its
        # BT-24 names the Factur-X profile, as Factur-X requires)
        both = einvoice.official_failures(stored(number, "xrechnung.xml"), warnings=True)
        assert both == {"en16931": [], "xrechnung": []}, number
        assert [
            f.split(":")[0] for f in einvoice.official_failures(xml, count=False, warnings=True)["xrechnung"]
        ] == ["BR-DE-21"]
        documents += 2
    assert documents == 12


def test_the_official_rules_really_check(api, partner):
    """Negative controls: a wrong total fails EN 16931, a missing buyer reference XRechnung."""
    einvoice.require_validators()
    clock.set_now(at("2026-11-01T10:00:00"))
    customer = new_customer(api, partner)
    number = _order(api, partner.token, customer).json["invoice"]["number"]
    xml = stored(number, "xrechnung.xml")
    assert xml is not None
    wrong_total = xml.replace(b"<ram:GrandTotalAmount>40.82<", b"<ram:GrandTotalAmount>40.83<")
    no_reference = xml.replace(f"<ram:BuyerReference>{partner.org_id}</ram:BuyerReference>".encode(), b"")
    assert wrong_total != xml and no_reference != xml
    failures = einvoice.official_failures(wrong_total, count=False)
    assert any(f.startswith("BR-CO-15") for f in failures["en16931"]), failures
    failures = einvoice.official_failures(no_reference, count=False)
    assert any(f.startswith("BR-DE-15") for f in failures["xrechnung"]), failures


# --- PDF/A-3b -----------------------------------------------------------------------------------


def _xmp(reader: Any) -> Any:
    root: Any = reader.trailer["/Root"]
    return etree.fromstring(root["/Metadata"].get_object().get_data())


XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


def _one(xmp: Any, path: str) -> str:
    values = xmp.xpath(path + "/text()", namespaces=XMP_NS)
    assert len(values) == 1, (path, values)
    return str(values[0])


def _pdf_date_as_xmp(value: str) -> str:
    """D:20261115100000+00'00' → 2026-11-15T10:00:00+00:00"""
    v = value[2:]
    return f"{v[0:4]}-{v[4:6]}-{v[6:8]}T{v[8:10]}:{v[10:12]}:{v[12:14]}{v[14:17]}:{v[18:20]}"


def _fonts(resources: Any) -> list[Any]:
    """Every font of a resource dictionary, descending into form XObjects."""
    out = []
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        out.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            out.extend(_fonts(xobject.get("/Resources")))
    return out


def test_pdf_is_pdf_a_3b(api):
    checked = 0
    for invoice in _invoices(api):
        number = invoice["number"]
        check_pdf_a_3b(stored(number, "pdf"), number, invoice["issued_at"], stored(number, "xml"))
        checked += 1
    assert checked == 6


def check_pdf_a_3b(pdf: bytes, number: str, issued_at: str, xml: bytes) -> None:
    """The PDF/A-3b properties of an invoice or credit note PDF (also used by other tests)."""
    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF-1.7\n%") and all(b > 127 for b in pdf[10:14])
    reader = PdfReader(io.BytesIO(pdf))
    root: Any = reader.trailer["/Root"]
    assert "/Encrypt" not in reader.trailer and "/ID" in reader.trailer

    # an sRGB OutputIntent with its ICC profile embedded
    intents = [i.get_object() for i in root["/OutputIntents"]]
    assert len(intents) == 1
    intent = intents[0]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    icc = intent["/DestOutputProfile"].get_object()
    assert icc["/N"] == 3
    profile = icc.get_data()
    assert profile[36:40] == b"acsp"  # ICC signature
    assert profile[12:16] in (b"mntr", b"prtr") and profile[16:20] == b"RGB "
    assert profile[8] < 5  # major version (PDF/A-3: below 5)

    # every font embedded as a font program
    fonts = [f for page in reader.pages for f in _fonts(page.get("/Resources"))]
    assert fonts, number
    for font in fonts:
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, (number, font["/BaseFont"])

    # XMP: PDF/A-3B, and the same metadata as the Info dictionary
    xmp = _xmp(reader)
    info: Any = reader.metadata
    assert info is not None
    assert _one(xmp, "//pdfaid:part") == "3" and _one(xmp, "//pdfaid:conformance") == "B"
    assert _one(xmp, "//pdf:Producer") == info["/Producer"] == "Vigil billing (ReportLab, factur-x, pypdf)"
    assert _one(xmp, "//xmp:CreatorTool") == info["/Creator"]
    assert _one(xmp, "//dc:title/rdf:Alt/rdf:li") == info["/Title"]
    assert info["/Title"].endswith(number)
    assert _one(xmp, "//dc:creator/rdf:Seq/rdf:li") == info["/Author"]
    assert _one(xmp, "//dc:description/rdf:Alt/rdf:li") == info["/Subject"]
    assert _one(xmp, "//pdf:Keywords") == info["/Keywords"]
    assert _one(xmp, "//xmp:CreateDate") == _pdf_date_as_xmp(info["/CreationDate"])
    assert _one(xmp, "//xmp:ModifyDate") == _pdf_date_as_xmp(info["/ModDate"])
    assert _one(xmp, "//xmp:CreateDate").startswith(issued_at[:19])
    assert set(info) <= {
        "/Title",
        "/Author",
        "/Subject",
        "/Keywords",
        "/Creator",
        "/Producer",
        "/CreationDate",
        "/ModDate",
    }

    # the XML attached as the invoice's alternative form, referenced from the catalog's /AF
    specs = [s.get_object() for s in root["/AF"]]
    assert len(specs) == 1
    spec = specs[0]
    assert spec["/F"] == spec["/UF"] == "factur-x.xml"
    assert spec["/AFRelationship"] == "/Alternative"
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[0] == "factur-x.xml" and names[1].get_object() == spec
    embedded = spec["/EF"]["/F"].get_object()
    assert embedded["/Subtype"] == "/text/xml"
    assert embedded.get_data() == xml
    assert reader.attachments == {"factur-x.xml": [xml]}
