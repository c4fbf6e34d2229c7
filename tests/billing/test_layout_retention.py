"""Invoice documents as a German partner files them: locked for 8 years, written once, a DIN 5008
letter with the seller's footer and "Seite x von y" on every page.

Retention (§ 147 Abs. 3/4 AO): 8 years counted from the end of the issue year — an invoice of
2 Nov 2026 is locked until 31 Dec 2034.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from pypdf import PdfReader

from chalicelib import clock
from tests.billing.conftest import at, new_customer, new_partner
from tests.billing.test_xrechnung import stored
from tests.support import mails
from tests.support.pdf import pdf_text, render_png
from tests.support.world import order


def _versions(key: str) -> list[dict]:
    from chalicelib import aws, settings

    listed = aws.client("s3").list_object_versions(Bucket=settings.bucket_name("invoices"), Prefix=key)
    return [v for v in listed.get("Versions", []) if v["Key"] == key]


def test_invoice_objects_are_locked_until_the_end_of_year_plus_eight_and_written_once(api):
    import pytest
    from botocore.exceptions import ClientError

    from chalicelib import aws, settings, storage
    from chalicelib.billing import invoices

    # GIVEN an invoice issued on 2 Nov 2026
    clock.set_now(at("2026-11-02T10:00:00"))
    partner = new_partner(api)
    number = order(api, partner.token, new_customer(api, partner)).json["invoice"]["number"]
    s3 = aws.client("s3")
    bucket = settings.bucket_name("invoices")

    # THEN each of its three objects is locked (COMPLIANCE) until 31 Dec 2034
    for ext in ("pdf", "xml", "xrechnung.xml"):
        key = storage.invoice_key(number, ext)
        head = s3.head_object(Bucket=bucket, Key=key)
        assert head["ObjectLockMode"] == "COMPLIANCE", ext
        assert head["ObjectLockRetainUntilDate"] == datetime(2034, 12, 31, 23, 59, 59, tzinfo=UTC), ext
        assert len(_versions(key)) == 1
    pdf_before = stored(number, "pdf")

    # WHEN the documents are rendered again (a crash after storing, before clearing the work item)
    clock.set_now(at("2026-11-02T11:00:00"))
    invoice = invoices.get(partner.org_id, number)
    assert invoice is not None
    returned = invoices.store_documents(invoice)

    # THEN no second version was written, and the stored PDF is the one returned
    for ext in ("pdf", "xml", "xrechnung.xml"):
        assert len(_versions(storage.invoice_key(number, ext))) == 1, ext
    assert returned == pdf_before

    # AND a locked version cannot be deleted
    key = storage.invoice_key(number, "pdf")
    version = _versions(key)[0]["VersionId"]
    with pytest.raises(ClientError):
        s3.delete_object(Bucket=bucket, Key=key, VersionId=version)


def test_retention_counts_from_the_end_of_the_issue_year():
    from chalicelib import storage

    assert storage.retain_until(2026) == datetime(2034, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert storage.retain_until(2027).date() == date(2035, 12, 31)


def _invoice_with(lines: int, language: str = "de"):
    from chalicelib.billing import invoices, pricing
    from chalicelib.orgs.models import Address, Org

    payer = Org(*Org.key("o-layout"), org_id="o-layout", name="SteineundUnkraut GmbH", language=language)
    payer.address = Address(street="Gartenweg 1", postal_code="1010", city="Wien", country="AT")
    payer.vat_id = "ATU13585627"
    payer.billing_email = "rechnung@steine.example"
    items = [
        pricing.Line(
            f"o-{i}",
            f"Kunde {i:02d}",
            "professional",
            "month",
            date(2026, 12, 1),
            date(2026, 12, 31),
            Decimal("149.00"),
            Decimal("30"),
        )
        for i in range(1, lines + 1)
    ]
    return invoices.build(payer, items, "renewal", at("2026-12-01T06:00:00"), "VIG-2026-000045")


def test_a_45_line_invoice_carries_number_page_and_footer_on_every_page(aws):
    from chalicelib.billing import invoices

    invoice = _invoice_with(45)
    pdf = invoices.store_documents(invoice)  # stored: the XML is checked by the official rules
    render_png(pdf, "invoice-45-lines")
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages >= 2
    # 45 × 104.30 = 4,693.50 net; reverse charge: no VAT
    for index, page in enumerate(reader.pages, start=1):
        text = " ".join((page.extract_text() or "").split())
        assert f"Rechnung VIG-2026-000045 · Seite {index} von {pages}" in text, index
        for field in (
            "Geschäftsführer:",
            "Erika Mustermann, Max Mustermann",
            "Sitz: Berlin",
            "Amtsgericht Charlottenburg, HRB 123456 B",
            "USt-IdNr.: DE136695976",
            "Steuernummer: 30/123/45678",
            "IBAN DE02120300000000202051",
            "BIC BYLADEM1001",
        ):
            assert field in text, (index, field)
    text = pdf_text(pdf)
    assert all(f"Kunde {i:02d}" in text for i in range(1, 46))
    assert "Summe netto 4.693,50 €" in text
    assert "Umsatzsteuer: Steuerschuldnerschaft des Leistungsempfängers 0,00 €" in text
    assert "Gesamtbetrag (brutto) 4.693,50 €" in text
    assert "Zahlbar bis 15.12.2026" in text
    assert "Umsatzsteuer 0 %" not in text and "EUR" not in text
    # the country by name, in capitals, on the address's last line; the PDF's title in German
    assert "1010 Wien ÖSTERREICH" in text
    info = reader.metadata
    assert info is not None and info.title == "Rechnung VIG-2026-000045"
    assert str(info.subject).startswith("Rechnung VIG-2026-000045: Vigil Monitoring GmbH")


def test_the_address_sits_in_the_din_5008_window(aws):
    """Form B: the address zone is 20–105 mm from the left and 62.7–90 mm from the top."""
    from reportlab.lib.units import mm

    from chalicelib.billing import pdf as invoice_pdf

    data = invoice_pdf.render(_invoice_with(1))
    page = PdfReader(io.BytesIO(data)).pages[0]
    height = float(page.mediabox.height)
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font, size):
        for wanted in ("SteineundUnkraut GmbH", "Gartenweg 1", "1010 Wien", "ÖSTERREICH"):
            if text.strip() == wanted:
                found[wanted] = (tm[4] / mm, (height - tm[5]) / mm)

    page.extract_text(visitor_text=visit)
    assert set(found) == {"SteineundUnkraut GmbH", "Gartenweg 1", "1010 Wien", "ÖSTERREICH"}
    for name, (left, from_top) in found.items():
        assert 20 <= left <= 105 and 62.7 <= from_top <= 90, (name, left, from_top)


def test_english_invoice_and_mail_use_english_words_and_euro_amounts(api):
    # GIVEN an English partner orders Basic monthly on 1 Nov: 49.00 − 14.70 = 34.30 + 6.52 = 40.82
    clock.set_now(at("2026-11-01T09:00:00"))
    partner = new_partner(
        api, "en@example.com", "Stone Ltd", billing_email="bills@stone.example", language="en"
    )
    number = order(api, partner.token, new_customer(api, partner)).json["invoice"]["number"]
    text = pdf_text(stored(number, "pdf"))
    assert f"Invoice {number} · Page 1 of 1" in text
    assert "VAT 19 % €6.52" in text and "Total (gross) €40.82" in text
    assert "Payable by 2026-11-15" in text
    info = PdfReader(io.BytesIO(stored(number, "pdf"))).metadata
    assert info is not None and info.title == f"Invoice {number}"
    mail = next(m for m in mails("bills@stone.example") if number in m.subject)
    assert "for €40.82 (gross), payable by 2026-11-15" in mail.text


def test_german_invoice_mail_shows_euro_amount_and_due_date(api):
    # one Basic month from 1 Nov, as above: 40,82 €
    clock.set_now(at("2026-11-01T09:00:00"))
    partner = new_partner(api)
    number = order(api, partner.token, new_customer(api, partner)).json["invoice"]["number"]
    mail = next(m for m in mails("rechnung@steine.example") if number in m.subject)
    assert f"die Rechnung {number} über 40,82 € (brutto), zahlbar bis 15.11.2026" in mail.text
    assert "EUR" not in mail.text
