"""Exports for the accountant: a paying org's documents of a period, the vendor's sales ledger.

``GET /orgs/{id}/invoices/export?from&to[&format=zip|datev]`` (the paying org's admins):

- ``zip`` (default): every invoice and credit note issued from ``from`` to ``to`` (inclusive,
  issue dates) — ``<number>.pdf`` (Factur-X), ``<number>.xml`` (EN 16931 CII),
  ``<number>.xrechnung.xml`` — plus ``index.csv`` (one row per document);
- ``datev``: a DATEV Buchungsstapel (``datev.py``), one booking per document; both dates in one
  calendar year (a batch belongs to one fiscal year).

The file is written to ``files`` under ``orgs/<org>/exports/`` (removed with the org) and the
answer is a presigned download URL (15 minutes), as for single invoices. Documents are read
with a Query on the payer's invoice partition, restricted to the years of the period by the
sort key (numbers start with ``VIG-<year>-``) — no Scan.

The operator's ledger (``python -m chalicelib.admin export-ledger --month YYYY-MM``) walks the
gapless number sequence of the year (one BatchGetItem per 100 numbers for the payers, one per
100 documents) and keeps those issued in the month.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib import clock, errors, ids, storage
from chalicelib.billing import invoices
from chalicelib.billing.models import Invoice, InvoiceNumber, InvoiceSequence
from chalicelib.billing.pricing import business_date

#: longest period one export covers
MAX_DAYS = 366
FORMATS = ("zip", "datev")
INDEX_COLUMNS = [
    "type",
    "number",
    "issued_on",
    "corrects",
    "buyer",
    "buyer_vat_id",
    "service_start",
    "service_end",
    "net",
    "vat_rate",
    "vat",
    "gross",
    "currency",
    "tax_category",
    "files",
]
LEDGER_COLUMNS = [
    "type",
    "number",
    "issued_on",
    "corrects",
    "payer_org_id",
    "buyer",
    "country",
    "buyer_vat_id",
    "tax_category",
    "net",
    "vat_rate",
    "vat",
    "gross",
    "currency",
]


def _date(params: dict[str, str], field: str) -> date:
    value = params.get(field)
    if not value:
        raise errors.ValidationFailed({field: errors.M("field.date_required")})
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise errors.ValidationFailed({field: errors.M("field.date_expected")}) from exc


def _digits(params: dict[str, str], field: str, default: str, lengths: range) -> str:
    value = params.get(field) or default
    if not value.isdigit() or len(value) not in lengths:
        raise errors.ValidationFailed(
            {field: errors.M("field.digits_range", min=lengths.start, max=lengths.stop - 1)}
        )
    return value


def period(params: dict[str, str]) -> tuple[date, date]:
    start, end = _date(params, "from"), _date(params, "to")
    if start > end:
        raise errors.ValidationFailed({"from": errors.M("field.from_not_after_to")})
    if (end - start).days >= MAX_DAYS:
        raise errors.ValidationFailed({"to": errors.M("field.range_max_days", days=MAX_DAYS)})
    return start, end


def documents_of(payer_org_id: str, start: date, end: date) -> list[Invoice]:
    """Invoices and credit notes of a payer issued from ``start`` to ``end`` (oldest first)."""
    low = f"{invoices.NUMBER_PREFIX}-{start.year}-"
    high = f"{invoices.NUMBER_PREFIX}-{end.year}-\uffff"
    found = Invoice.query(Invoice.partition(payer_org_id), Invoice.sk.between(low, high))
    return [doc for doc in found if start <= business_date(doc.issued_at) <= end]


def sign(invoice: Invoice, value: str) -> Decimal:
    """Signed for a ledger: credit notes reduce revenue."""
    amount = Decimal(value)
    return -amount if invoices.doc_type(invoice) == invoices.CREDIT_NOTE else amount


def _files(doc: Invoice) -> list[tuple[str, str]]:
    """(name in the ZIP, S3 extension) of a document's files."""
    return [
        (f"{doc.number}.pdf", "pdf"),
        (f"{doc.number}.xml", "xml"),
        (f"{doc.number}.xrechnung.xml", invoices.XRECHNUNG_EXT),
    ]


def index_csv(docs: Iterable[Invoice]) -> bytes:
    """One row per document: ``;``-separated, UTF-8 with BOM (opens in a German Excel), amounts
    with a decimal point as in the e-invoice."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(INDEX_COLUMNS)
    for doc in docs:
        period = invoices.service_period(doc)
        writer.writerow(
            [
                invoices.doc_type(doc),
                doc.number,
                business_date(doc.issued_at).isoformat(),
                doc.corrects or "",
                doc.buyer.get("name", ""),
                doc.buyer.get("vat_id") or "",
                period["start"] or "",
                period["end"] or "",
                doc.net,
                doc.vat_rate,
                doc.vat,
                doc.gross,
                doc.currency,
                doc.tax_category,
                " ".join(name for name, _ in _files(doc)),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def ledger_csv(docs: Iterable[Invoice]) -> bytes:
    """The vendor's sales ledger: one row per document, credit notes negative."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(LEDGER_COLUMNS)
    for doc in docs:
        writer.writerow(
            [
                invoices.doc_type(doc),
                doc.number,
                business_date(doc.issued_at).isoformat(),
                doc.corrects or "",
                doc.payer_org_id,
                doc.buyer.get("name", ""),
                (doc.buyer.get("address") or {}).get("country") or "",
                doc.buyer.get("vat_id") or "",
                doc.tax_category,
                f"{sign(doc, doc.net):.2f}",
                doc.vat_rate,
                f"{sign(doc, doc.vat):.2f}",
                f"{sign(doc, doc.gross):.2f}",
                doc.currency,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def zip_of(docs: list[Invoice]) -> bytes:
    """PDF, XML and XRechnung XML of every document (rendered and stored first if missing) and
    ``index.csv``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for doc in docs:
            if doc.documents != "stored":
                invoices.store_documents(doc)
            for name, ext in _files(doc):
                data = storage.get("invoices", storage.invoice_key(doc.number, ext))
                if data is None:
                    invoices.store_documents(doc)
                    data = storage.get("invoices", storage.invoice_key(doc.number, ext))
                if data is not None:
                    info = zipfile.ZipInfo(name, date_time=doc.issued_at.timetuple()[:6])
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, data)
        archive.writestr("index.csv", index_csv(docs))
    return out.getvalue()


def export(payer_org_id: str, params: dict[str, str]) -> dict[str, Any]:
    """``GET …/invoices/export``: build the file, store it, answer its download URL."""
    from chalicelib.billing import datev

    fmt = params.get("format") or "zip"
    if fmt not in FORMATS:
        raise errors.ValidationFailed({"format": errors.M("field.one_of", expected=", ".join(FORMATS))})
    start, end = period(params)
    if fmt == "datev":
        if start.year != end.year:
            raise errors.ValidationFailed({"to": errors.M("field.datev_one_year")})
        account = _digits(params, "account", datev.DEFAULT_ACCOUNT, range(4, 9))
        counter = _digits(params, "counter_account", datev.DEFAULT_COUNTER_ACCOUNT, range(4, 10))
        consultant = _digits(params, "consultant", datev.DEFAULT_CONSULTANT, range(4, 8))
        client = _digits(params, "client", datev.DEFAULT_CLIENT, range(1, 6))
    docs = documents_of(payer_org_id, start, end)
    now = clock.now()
    export_id = ids.new_id("x")
    if fmt == "datev":
        body = datev.buchungsstapel(
            docs,
            start,
            end,
            now,
            account=account,
            counter_account=counter,
            consultant=consultant,
            client=client,
        )
        ext, content_type = "csv", "text/csv; charset=windows-1252"
        filename = f"EXTF_Buchungsstapel_Vigil_{start.isoformat()}_{end.isoformat()}.csv"
    else:
        body = zip_of(docs)
        ext, content_type = "zip", "application/zip"
        filename = f"vigil-rechnungen-{start.isoformat()}-{end.isoformat()}.zip"
    key = storage.export_key(payer_org_id, export_id, ext)
    storage.put("files", key, body, content_type)
    return {
        "format": fmt,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "documents": len(docs),
        "invoices": sum(1 for d in docs if invoices.doc_type(d) == invoices.INVOICE),
        "credit_notes": sum(1 for d in docs if invoices.doc_type(d) == invoices.CREDIT_NOTE),
        "filename": filename,
        "url": storage.presigned_get("files", key, filename),
        "expires_in": storage.DOWNLOAD_TTL_S,
    }


# --- the operator's ledger ------------------------------------------------------------------


def documents_of_month(year: int, month: int) -> list[Invoice]:
    """Every invoice and credit note (all payers) issued in the month, in number order."""
    from pynamodb.exceptions import DoesNotExist

    try:
        last = int(InvoiceSequence.get(*InvoiceSequence.key(year), consistent_read=True).last)
    except DoesNotExist:
        return []
    numbers = [invoices.format_number(year, n) for n in range(1, last + 1)]
    payers: dict[str, str] = {}
    for claim in InvoiceNumber.batch_get([InvoiceNumber.key(n) for n in numbers]):
        payers[claim.pk.removeprefix("INVOICE_NO#")] = claim.payer_org_id
    keys = [Invoice.key(payers[n], n) for n in numbers if n in payers]
    docs = list(Invoice.batch_get(keys))
    docs.sort(key=lambda d: d.number)
    return [d for d in docs if (d.issued_at.year, d.issued_at.month) == (year, month)]


def month_of(text: str) -> tuple[int, int]:
    try:
        parsed = datetime.strptime(text, "%Y-%m")
    except ValueError as exc:
        raise errors.BadRequest(errors.M("billing.month_format")) from exc
    return parsed.year, parsed.month
