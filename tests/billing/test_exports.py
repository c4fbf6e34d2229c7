"""Exports for the accountant: the paying org's documents of a period (ZIP with index, or DATEV
Buchungsstapel) and the operator's monthly sales ledger and document archive.

By hand (partner discount 30 %, German VAT 19 %, ordered on 1 Nov for the whole month):
- VIG-2026-000001 Basic: 49.00 − 14.70 = 34.30 net, 6.52 VAT, 40.82 gross
- VIG-2026-000002 Professional: 149.00 − 44.70 = 104.30 net, 19.817 → 19.82 VAT, 124.12 gross
- VIG-2026-000003 credit note (3 Nov) cancelling 000001: 40.82 gross
Ledger total for November: 40.82 + 124.12 − 40.82 = 124.12 gross.
"""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from chalicelib import admin, clock
from tests.billing.conftest import at, new_customer, new_partner
from tests.billing.test_xrechnung import stored
from tests.support.api import error_fields
from tests.support.world import order


def _download(url: str) -> tuple[bytes, str]:
    from chalicelib import aws, settings

    parsed = urlparse(url)
    bucket = str(parsed.hostname).split(".")[0]
    assert bucket == settings.bucket_name("files")
    disposition = parse_qs(parsed.query)["response-content-disposition"][0]
    body = aws.client("s3").get_object(Bucket=bucket, Key=unquote(parsed.path.lstrip("/")))["Body"].read()
    return bytes(body), disposition


@pytest.fixture
def november(api):
    clock.set_now(at("2026-11-01T09:00:00"))
    partner = new_partner(api)
    a = new_customer(api, partner, "Kunde A")
    b = new_customer(api, partner, "Kunde B")
    assert order(api, partner.token, a, key="a").status == 201
    assert order(api, partner.token, b, plan="professional", key="b").status == 201
    clock.set_now(at("2026-11-03T12:00:00"))
    assert admin.main(["cancel-invoice", "VIG-2026-000001"]) == 0
    clock.set_now(at("2026-12-02T08:00:00"))
    return partner


def test_zip_export_holds_every_document_of_the_period_and_an_index(api, november):
    partner = november
    r = api.get(f"/orgs/{partner.org_id}/invoices/export?from=2026-11-01&to=2026-11-30", partner.token)
    assert r.status == 200, r
    assert (r.json["documents"], r.json["invoices"], r.json["credit_notes"]) == (3, 2, 1)
    data, disposition = _download(r.json["url"])
    assert disposition == 'attachment; filename="vigil-rechnungen-2026-11-01-2026-11-30.zip"'
    archive = zipfile.ZipFile(io.BytesIO(data))
    numbers = ["VIG-2026-000001", "VIG-2026-000002", "VIG-2026-000003"]
    expected = {f"{n}.{ext}" for n in numbers for ext in ("pdf", "xml", "xrechnung.xml")} | {"index.csv"}
    assert set(archive.namelist()) == expected
    for n in numbers:  # the files are the stored legal originals
        assert archive.read(f"{n}.pdf") == stored(n, "pdf")
        assert archive.read(f"{n}.xml") == stored(n, "xml")
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig")), delimiter=";"))
    assert [(x["type"], x["number"], x["corrects"], x["net"], x["vat"], x["gross"]) for x in rows] == [
        ("invoice", "VIG-2026-000001", "", "34.30", "6.52", "40.82"),
        ("invoice", "VIG-2026-000002", "", "104.30", "19.82", "124.12"),
        ("credit_note", "VIG-2026-000003", "VIG-2026-000001", "34.30", "6.52", "40.82"),
    ]
    assert rows[2]["issued_on"] == "2026-11-03" and rows[0]["service_end"] == "2026-11-30"

    # a later start leaves the invoices of 1 Nov out
    r = api.get(f"/orgs/{partner.org_id}/invoices/export?from=2026-11-02&to=2026-11-30", partner.token)
    assert r.json["documents"] == 1
    names = zipfile.ZipFile(io.BytesIO(_download(r.json["url"])[0])).namelist()
    assert sorted(names) == [
        "VIG-2026-000003.pdf",
        "VIG-2026-000003.xml",
        "VIG-2026-000003.xrechnung.xml",
        "index.csv",
    ]


def test_datev_export_books_one_line_per_document(api, november):
    partner = november
    r = api.get(
        f"/orgs/{partner.org_id}/invoices/export?from=2026-11-01&to=2026-11-30&format=datev", partner.token
    )
    assert r.status == 200, r
    data, disposition = _download(r.json["url"])
    assert "EXTF_Buchungsstapel_Vigil_2026-11-01_2026-11-30.csv" in disposition
    lines = data.decode("cp1252").split("\r\n")
    header = lines[0].split(";")
    assert header[:5] == ['"EXTF"', "700", "21", '"Buchungsstapel"', "13"]
    assert header[5] == "20261202080000000"  # created
    assert header[10:16] == ["1001", "1", "20260101", "4", "20261101", "20261130"]
    assert header[21] == '"EUR"'
    assert lines[1].startswith("Umsatz (ohne Soll/Haben-Kz);Soll/Haben-Kennzeichen;WKZ Umsatz;")
    assert lines[2:] == [
        '40,82;"S";"EUR";;;;4964;70000;"9";0111;"VIG-2026-000001";"";;"Vigil Rechnung VIG-2026-000001"',
        '124,12;"S";"EUR";;;;4964;70000;"9";0111;"VIG-2026-000002";"";;"Vigil Rechnung VIG-2026-000002"',
        '40,82;"H";"EUR";;;;4964;70000;"9";0311;"VIG-2026-000003";"";;'
        '"Vigil Rechnungskorrektur VIG-2026-000003 zu VIG-2026-000001"',
        "",
    ]
    # own accounts
    r = api.get(
        f"/orgs/{partner.org_id}/invoices/export?from=2026-11-01&to=2026-11-30&format=datev"
        "&account=4806&counter_account=70010&consultant=29098&client=55",
        partner.token,
    )
    lines = _download(r.json["url"])[0].decode("cp1252").split("\r\n")
    assert lines[0].split(";")[10:12] == ["29098", "55"]
    assert lines[2].split(";")[6:8] == ["4806", "70010"]


def test_export_parameters_and_access(api, november):
    partner = november
    base = f"/orgs/{partner.org_id}/invoices/export"
    for query, field in (
        ("to=2026-11-30", "from"),
        ("from=2026-11-30&to=2026-11-01", "from"),
        ("from=2026-13-01&to=2026-11-30", "from"),
        ("from=2025-01-01&to=2026-11-30", "to"),
        ("from=2026-11-01&to=2026-11-30&format=pdf", "format"),
        ("from=2025-12-01&to=2026-01-31&format=datev", "to"),
        ("from=2026-11-01&to=2026-11-30&format=datev&account=12", "account"),
    ):
        r = api.get(f"{base}?{query}", partner.token)
        assert r.status == 400, (query, r)
        assert field in error_fields(r.json), (query, r.json)
    # another partner: 404 (no leak); nothing in the period: an empty archive with the index only
    other = new_partner(api, "other@example.com", "Andere GmbH", billing_email="o@example.com")
    assert api.get(f"{base}?from=2026-11-01&to=2026-11-30", other.token).status == 404
    r = api.get(f"{base}?from=2026-10-01&to=2026-10-31", partner.token)
    assert r.status == 200 and r.json["documents"] == 0
    assert zipfile.ZipFile(io.BytesIO(_download(r.json["url"])[0])).namelist() == ["index.csv"]


def test_operator_exports_the_sales_ledger_and_the_documents_of_a_month(api, november, capsys, tmp_path):
    from chalicelib.billing import exports

    assert admin.main(["export-ledger", "--month", "2026-11"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out), delimiter=";"))
    assert [(x["number"], x["type"], x["gross"]) for x in rows] == [
        ("VIG-2026-000001", "invoice", "40.82"),
        ("VIG-2026-000002", "invoice", "124.12"),
        ("VIG-2026-000003", "credit_note", "-40.82"),
    ]
    assert sum(Decimal(x["gross"]) for x in rows) == Decimal("124.12")
    assert sum(Decimal(x["net"]) for x in rows) == Decimal("104.30")
    assert {x["payer_org_id"] for x in rows} == {november.org_id}

    target = tmp_path / "november.zip"
    assert admin.main(["export-documents", "--month", "2026-11", "--out", str(target)]) == 0
    names = zipfile.ZipFile(target).namelist()
    assert len(names) == 10 and "index.csv" in names
    assert "3 documents of 2026-11" in capsys.readouterr().out
    # an empty month, and a wrong one
    assert admin.main(["export-ledger", "--month", "2026-10"]) == 0
    assert capsys.readouterr().out.strip().splitlines() == [";".join(exports.LEDGER_COLUMNS)]
    assert admin.main(["export-ledger", "--month", "11/2026"]) == 1
