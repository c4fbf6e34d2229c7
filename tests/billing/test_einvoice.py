"""Every generated invoice is a valid EN 16931 e-invoice, embedded in a readable PDF."""

from __future__ import annotations

import io
from typing import Any

import pytest

from chalicelib import clock
from tests.billing.conftest import at, new_customer, new_partner, stored
from tests.billing.einvoice import schematron_failures, xsd_valid
from tests.support import Api
from tests.support.api import error_fields
from tests.support.lambdas import invoke
from tests.support.pdf import pdf_text
from tests.support.world import order

AT_ADDR = {"street": "Ring 1", "postal_code": "1010", "city": "Wien", "country": "AT"}
US_ADDR = {"street": "1 Main St", "postal_code": "10001", "city": "New York", "country": "US"}


def _invoices(api: Api) -> list[dict]:
    """Invoices of every kind: DE order, upgrade with credit line, run with two lines,
    AT reverse charge (English), US not taxable."""
    clock.set_now(at("2026-11-15T10:00:00"))
    de = new_partner(api)
    c1 = new_customer(api, de, "Kunde Eins", support_by="partner")
    c2 = new_customer(api, de, "Kunde Zwei", support_by="vendor")
    assert order(api, de.token, c1, key="a").status == 201
    assert order(api, de.token, c2, key="b").status == 201
    clock.set_now(at("2026-11-20T10:00:00"))
    assert order(api, de.token, c1, plan="enterprise", key="c").status == 201
    clock.set_now(at("2026-12-01T00:30:00"))
    assert invoke("billing_run", timeout_s=900)["invoices"] == 1
    at_partner = new_partner(
        api,
        "at@example.com",
        "Wiener Partner GmbH",
        AT_ADDR,
        vat_id="ATU13585627",
        billing_email="at-billing@example.com",
        language="en",
    )
    c3 = new_customer(api, at_partner, "Kunde Wien")
    assert order(api, at_partner.token, c3, plan="professional", key="d").status == 201
    us = new_partner(api, "us@example.com", "NY Partner Inc", US_ADDR, billing_email=None, language="en")
    c4 = new_customer(api, us, "Customer NY", support_by="vendor")
    assert order(api, us.token, c4, interval="year", key="e").status == 201
    out = []
    for p in (de, at_partner, us):
        items = api.get(f"/orgs/{p.org_id}/invoices", p.token).json["items"]
        out.extend(items)
    assert len(out) == 6
    return out


def test_every_invoice_is_valid_and_complete(api):
    from facturx import get_xml_from_pdf
    from pypdf import PdfReader

    for invoice in _invoices(api):
        number = invoice["number"]
        xml, pdf = stored(number, "xml"), stored(number, "pdf")
        assert xml and pdf, number
        # the legal original validates against the XSD and the EN 16931 Schematron
        assert xsd_valid(xml), number
        assert schematron_failures(xml) == [], number
        # the XML in the PDF is the stored XML
        filename, embedded = get_xml_from_pdf(pdf, check_xsd=True)
        assert filename == "factur-x.xml"
        assert embedded == xml, number
        # every § 14 UStG field is printed
        text = " ".join(pdf_text(pdf).split())
        de = invoice["buyer"]["address"]["country"] == "DE"
        seller = [
            "Vigil Monitoring GmbH",
            "Friedrichstraße 123",
            "10117 Berlin",
            "DE136695976",
            "30/123/45678",
            "DE02120300000000202051",
        ]
        buyer = [
            invoice["buyer"]["name"],
            invoice["buyer"]["address"]["street"],
            invoice["buyer"]["address"]["city"],
        ]
        for field in seller + buyer + [number]:
            assert field in text, (number, field)
        issued = invoice["issued_at"][:10]
        start, end = invoice["service_period"]["start"], invoice["service_period"]["end"]
        if de:
            d = lambda s: f"{s[8:10]}.{s[5:7]}.{s[0:4]}"  # noqa: E731
            money = lambda s: s.replace(".", ",") + " €"  # noqa: E731
            assert "Rechnung" in text and "Leistungszeitraum" in text
        else:
            d = lambda s: s  # noqa: E731
            money = lambda s: "€" + s  # noqa: E731
            assert "Invoice" in text and "Service period" in text
        assert d(issued) in text and f"{d(start)} – {d(end)}" in text, number
        for line in invoice["lines"]:
            assert money(line["net"]) in text, (number, line)
            assert line["org_name"] in text
        assert money(invoice["net"]) in text and money(invoice["vat"]) in text
        assert money(invoice["gross"]) in text
        if invoice["tax_category"] == "S":
            assert f"{invoice['vat_rate']} %" in text
        else:  # 0 %: the reason instead of the rate
            assert "Umsatzsteuer 0 %" not in text and "VAT 0 %" not in text
            assert ("Umsatzsteuer: " if de else "VAT: ") in text
        if invoice["reverse_charge"]:
            assert "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge" in text
            assert "ATU13585627" in text
        if invoice["tax_category"] == "O":
            assert "Not taxable in Germany" in text
        # fonts are embedded (TrueType font files inside the PDF)
        reader = PdfReader(io.BytesIO(pdf))
        resources: list[Any] = [page["/Resources"] for page in reader.pages]
        fonts = [f for res in resources for f in res["/Font"].values()]
        assert fonts
        for font in fonts:
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), font


def test_schematron_catches_a_wrong_total(api):
    """Negative control: the validator really checks (a gross that does not add up fails)."""
    clock.set_now(at("2026-11-01T10:00:00"))
    p = new_partner(api)
    c = new_customer(api, p)
    number = order(api, p.token, c).json["invoice"]["number"]
    xml = stored(number, "xml")
    assert xml is not None
    assert schematron_failures(xml) == []
    broken = xml.replace(b"<ram:GrandTotalAmount>40.82<", b"<ram:GrandTotalAmount>40.83<")
    assert broken != xml
    failures = schematron_failures(broken)
    assert any(f.startswith("BR-CO-15") for f in failures), failures


@pytest.mark.parametrize("country,vat_id", [("AT", None), ("FR", None)])
def test_eu_buyer_without_vat_id_cannot_order(api, country, vat_id):
    clock.set_now(at("2026-11-01T10:00:00"))
    p = new_partner(
        api, address={"street": "x", "postal_code": "1", "city": "y", "country": country}, vat_id=vat_id
    )
    c = new_customer(api, p)
    r = order(api, p.token, c)
    assert r.status == 422 and "vat_id" in error_fields(r.json)
    assert api.get(f"/orgs/{p.org_id}/invoices", p.token).json["items"] == []
