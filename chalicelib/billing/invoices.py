"""Invoices: finalization with a gapless number, public shape, documents and mail.

Finalizing writes, in one transaction: the year's sequence advanced by one (conditional on
its old value), the number claim, the invoice, a work item for its documents, and whatever the
caller adds (subscription changes, idempotency record, audit entry). A number is therefore
used exactly when an invoice exists — no gaps, no duplicates. PDF/XML rendering and the mail
happen after the commit (``deliver``); the work item keeps them from being lost.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib import clock, db, storage
from chalicelib.billing import pricing
from chalicelib.billing.models import (
    DOCS_SHARDS,
    Invoice,
    InvoiceNumber,
    InvoiceSequence,
    PendingDocuments,
    docs_pk,
    docs_shard,
)
from chalicelib.billing.seller import seller
from chalicelib.orgs.models import Org

if TYPE_CHECKING:
    from chalicelib.auth.access import Access

log = logging.getLogger("vigil.billing")

NUMBER_PREFIX = "VIG"
#: S3 key suffix of the pure XRechnung XML, next to ``.pdf`` (Factur-X) and ``.xml`` (its XML)
XRECHNUNG_EXT = "xrechnung.xml"
MAX_NUMBER_ATTEMPTS = 200
INVOICE = "invoice"
CREDIT_NOTE = "credit_note"


class StaleState(Exception):
    """A condition of the caller's part of the transaction failed (not the numbering)."""


def format_number(year: int, seq: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{seq:06d}"


def buyer_of(payer: Org) -> dict[str, Any]:
    buyer: dict[str, Any] = {
        "org_id": payer.org_id,
        "name": payer.name,
        "address": payer.address_dict(),
        "vat_id": payer.vat_id,
        "billing_email": payer.billing_email,
        "buyer_reference": payer.buyer_reference,
    }
    if not payer.billing_email:
        # orders need a billing e-mail, but it can be cleared before a renewal: the e-invoice
        # still needs the buyer's electronic address (BT-49), the one the invoice is mailed to
        buyer["electronic_address"] = next(iter(recipients(payer.org_id, None)), None)
    return buyer


@dataclass(frozen=True)
class Correction:
    """What makes a document a credit note or a corrected invoice (all optional for invoices).

    ``original``: the invoice corrected (BT-25/BT-26, and its frozen buyer, seller and tax for a
    cancellation); ``credit_note``: type code 381; ``reuse_parties``: the document copies the
    original's buyer/seller/tax instead of the payer's current data (a cancellation must mirror
    what it cancels; a corrected invoice takes the current, fixed data).
    """

    original: Invoice | None = None
    credit_note: bool = False
    reuse_parties: bool = False


def build(
    payer: Org,
    lines: list[pricing.Line],
    reason: str,
    now: datetime,
    number: str,
    purchase_order: str | None = None,
    correction: Correction | None = None,
) -> Invoice:
    fix = correction or Correction()
    original = fix.original
    if original is not None and fix.reuse_parties:
        tax = pricing.Tax(
            original.tax_category, Decimal(original.vat_rate), reverse_charge=bool(original.reverse_charge)
        )
        buyer, seller_data, language = dict(original.buyer), dict(original.seller), original.language
        purchase_order = purchase_order or original.purchase_order
    else:
        addr = payer.address_dict()
        tax = pricing.tax_for(addr.get("country"), payer.vat_id)
        buyer, seller_data, language = buyer_of(payer), seller().as_dict(), payer.language or "de"
    total = pricing.totals(lines, tax)
    pk, sk = Invoice.key(payer.org_id, number)
    return Invoice(
        pk,
        sk,
        number=number,
        payer_org_id=payer.org_id,
        issued_at=now,
        language=language,
        reason=reason,
        doc_type=CREDIT_NOTE if fix.credit_note else INVOICE,
        corrects=original.number if original is not None else None,
        corrects_issued_on=pricing.business_date(original.issued_at).isoformat()
        if original is not None
        else None,
        buyer=buyer,
        seller=seller_data,
        lines=[line.as_dict() for line in lines],
        purchase_order=purchase_order,
        net=pricing.money(total.net),
        vat_rate=str(tax.rate),
        vat=pricing.money(total.vat),
        gross=pricing.money(total.gross),
        currency="EUR",
        tax_category=tax.category,
        reverse_charge=tax.reverse_charge,
        documents="pending",
        mail_status="pending",
    )


def _read_sequence(year: int) -> InvoiceSequence | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return InvoiceSequence.get(*InvoiceSequence.key(year), consistent_read=True)
    except DoesNotExist:
        return None


def finalize(
    payer: Org,
    lines: list[pricing.Line],
    reason: str,
    now: datetime,
    extra: Callable[[Any, Invoice], None],
    purchase_order: str | None = None,
    correction: Correction | None = None,
) -> Invoice:
    """Number and store an invoice together with the caller's writes (``extra(tx, invoice)``).

    Credit notes (``correction.credit_note``) take their number from the same sequence.

    Raises ``StaleState`` when the caller's conditions failed; retries when only the number
    was taken by a concurrent finalization.
    """
    from pynamodb.exceptions import TransactWriteError

    year = pricing.business_date(now).year  # the year of the invoice date (Europe/Berlin)
    for attempt in range(MAX_NUMBER_ATTEMPTS):
        seq = _read_sequence(year)
        last = int(seq.last) if seq is not None else 0
        number = format_number(year, last + 1)
        invoice = build(payer, lines, reason, now, number, purchase_order, correction)
        try:
            with db.transaction() as tx:
                if seq is None:
                    tx.save(
                        InvoiceSequence(*InvoiceSequence.key(year), last=1),
                        condition=InvoiceSequence.pk.does_not_exist(),
                    )
                else:
                    tx.update(
                        seq,
                        actions=[InvoiceSequence.last.set(last + 1)],
                        condition=InvoiceSequence.last == last,
                    )
                tx.save(
                    InvoiceNumber(*InvoiceNumber.key(number), payer_org_id=payer.org_id),
                    condition=InvoiceNumber.pk.does_not_exist(),
                )
                tx.save(invoice, condition=Invoice.pk.does_not_exist())
                tx.save(
                    PendingDocuments(docs_shard(number), number, number=number, payer_org_id=payer.org_id)
                )
                extra(tx, invoice)
        except TransactWriteError as exc:
            if not db.cancelled_by_condition(exc):
                raise
            current = _read_sequence(year)
            if (int(current.last) if current is not None else 0) != last:
                time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 20)))
                continue  # someone else took this number: take the next one
            raise StaleState(str(exc)) from exc
        return invoice
    raise RuntimeError("could not obtain an invoice number")


# --- public shape ---------------------------------------------------------------------------


def service_period(invoice: Invoice) -> dict[str, str | None]:
    lines = list(invoice.lines or [])
    if not lines:
        return {"start": None, "end": None}
    return {
        "start": min(line["period_start"] for line in lines),
        "end": max(line["period_end"] for line in lines),
    }


def doc_type(invoice: Invoice) -> str:
    return invoice.doc_type or INVOICE


def view(invoice: Invoice, with_urls: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": invoice.number,
        "type": doc_type(invoice),
        "corrects": invoice.corrects,
        "cancelled_by": invoice.cancelled_by,
        "issued_at": clock.iso(invoice.issued_at),
        "reason": invoice.reason,
        "buyer": {
            k: invoice.buyer.get(k) for k in ("org_id", "name", "address", "vat_id", "buyer_reference")
        },
        "purchase_order": invoice.purchase_order,
        "service_period": service_period(invoice),
        "lines": [dict(line) for line in invoice.lines],
        "net": invoice.net,
        "vat_rate": invoice.vat_rate,
        "vat": invoice.vat,
        "gross": invoice.gross,
        "currency": invoice.currency,
        "tax_category": invoice.tax_category,
        "reverse_charge": bool(invoice.reverse_charge),
        "mail_status": invoice.mail_status,
        "documents": invoice.documents,
    }
    if with_urls and invoice.documents == "stored":
        out["pdf_url"] = storage.presigned_get(
            "invoices", storage.invoice_key(invoice.number, "pdf"), f"{invoice.number}.pdf"
        )
        out["xml_url"] = storage.presigned_get(
            "invoices", storage.invoice_key(invoice.number, "xml"), f"{invoice.number}.xml"
        )
        out["xrechnung_url"] = storage.presigned_get(
            "invoices",
            storage.invoice_key(invoice.number, XRECHNUNG_EXT),
            f"{invoice.number}-xrechnung.xml",
        )
    elif with_urls:
        out["pdf_url"] = out["xml_url"] = out["xrechnung_url"] = None
    return out


def get(payer_org_id: str, number: str) -> Invoice | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return Invoice.get(*Invoice.key(payer_org_id, number))
    except DoesNotExist:
        return None


def list_page(payer_org_id: str, limit: int, cursor: str | None) -> tuple[list[Invoice], str | None]:
    results = Invoice.query(
        Invoice.partition(payer_org_id),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"invoices/{payer_org_id}"),
    )
    return db.page(results, limit, scope)


# --- documents and mail ---------------------------------------------------------------------


def render(invoice: Invoice) -> tuple[bytes, bytes, bytes]:
    """(Factur-X PDF with the XML embedded, that EN 16931 XML, the same invoice as XRechnung)."""
    from chalicelib.billing import cii, pdf

    xml = cii.build_xml(invoice, cii.FACTURX)
    xrechnung = cii.build_xml(invoice, cii.XRECHNUNG)
    return pdf.factur_x(pdf.render(invoice), xml, invoice), xml, xrechnung


def recipients(payer_org_id: str, billing_email: str | None) -> list[str]:
    """The paying org's billing e-mail once it is a member's or confirmed (issue 14 §4: no mail
    to strangers), else its administrators."""
    if billing_email:
        from chalicelib.mail import recipients as external

        if external.deliverable(payer_org_id, [billing_email]):
            return [billing_email]
    from chalicelib.team import queries as team

    return sorted(set(team.admin_emails(payer_org_id)))


def store_documents(invoice: Invoice) -> bytes:
    """Render and store PDF, XML and XRechnung XML, each written once and locked until 31 Dec of
    (issue year + 8) (``storage.put_once``). A re-render after a crash writes only what is
    missing and never a second version; the PDF returned is the stored one."""
    pdf_bytes, xml, xrechnung = render(invoice)
    until = storage.retain_until(invoice.issued_at.year)
    stored = {}
    for ext, body, content_type in (
        ("xml", xml, "application/xml"),
        (XRECHNUNG_EXT, xrechnung, "application/xml"),
        ("pdf", pdf_bytes, "application/pdf"),
    ):
        key = storage.invoice_key(invoice.number, ext)
        stored[ext] = storage.put_once("invoices", key, body, content_type, until)
    if not stored["pdf"]:
        pdf_bytes = storage.get("invoices", storage.invoice_key(invoice.number, "pdf")) or pdf_bytes
    return pdf_bytes


def mail(invoice: Invoice, pdf_bytes: bytes, to: list[str]) -> bool:
    """Queue the invoice mail durably (outbox first). True if SES accepted it at once."""
    from chalicelib.billing import texts
    from chalicelib.mail.service import Attachment, Message, send

    subject, text = texts.invoice_mail(invoice)
    return send(
        Message(
            to=to,
            subject=subject,
            text=text,
            attachments=[Attachment(f"{invoice.number}.pdf", pdf_bytes, "application/pdf")],
        ),
        durable=True,
    )


def deliver(invoice: Invoice) -> Invoice:
    """Store the documents and queue the mail, then clear the work item."""
    pdf_bytes = store_documents(invoice)
    to = recipients(invoice.payer_org_id, invoice.buyer.get("billing_email"))
    status = "none"
    if to:
        status = "sent" if mail(invoice, pdf_bytes, to) else "queued"
    now = clock.now()
    with db.transaction() as tx:
        tx.update(
            invoice,
            actions=[
                Invoice.documents.set("stored"),
                Invoice.mail_status.set(status),
                Invoice.mail_to.set(",".join(to)) if to else Invoice.mail_to.remove(),
                Invoice.mailed_at.set(now),
            ],
        )
        tx.delete(
            PendingDocuments(
                docs_shard(invoice.number),
                invoice.number,
                number=invoice.number,
                payer_org_id=invoice.payer_org_id,
            )
        )
    invoice.documents, invoice.mail_status, invoice.mailed_at = "stored", status, now
    invoice.mail_to = ",".join(to) or None
    return invoice


def deliver_pending(deadline: float, limit: int = 100) -> dict[str, int]:
    """Documents and mail of finalized invoices not yet delivered (Query per shard)."""
    done = failed = 0
    for shard in range(DOCS_SHARDS):
        for item in PendingDocuments.query(docs_pk(shard), limit=limit):
            if time.monotonic() > deadline:
                return {"delivered": done, "failed": failed}
            invoice = get(item.payer_org_id, item.number)
            if invoice is None:
                item.delete()
                continue
            try:
                deliver(invoice)
                done += 1
            except Exception:
                log.exception("documents of invoice %s not delivered", item.number)
                failed += 1
    return {"delivered": done, "failed": failed}


def send_again(access: Access, invoice: Invoice, idem_key: str | None) -> tuple[int, dict[str, Any]]:
    """``POST …/invoices/{number}/send``: audit entry, then the mail (once per Idempotency-Key).

    The mail cannot be part of a transaction, so the key's in-flight marker is written with the
    audit entry and replaced by the answer after the mail (``idempotency.run``).
    """
    from chalicelib import idempotency
    from chalicelib.audit import service as audit_log

    number = invoice.number

    def work(claim: idempotency.Claim | None) -> tuple[int, dict[str, Any]]:
        with db.transaction() as tx:
            tx.save(audit_log.entry(access, "invoice.resent", number, {"number": number}))
            if claim is not None:
                claim.reserve_in(tx)
        result = resend(invoice)
        return 202, {"number": number, "status": result["status"], "to": result["to"]}

    return idempotency.run(f"{access.org_id}:invoice-send", idem_key, {"number": number}, work)


def resend(invoice: Invoice) -> dict[str, Any]:
    """Mail an invoice again (documents re-read from S3, rendered if missing)."""
    pdf_bytes = storage.get("invoices", storage.invoice_key(invoice.number, "pdf"))
    if pdf_bytes is None:
        pdf_bytes = store_documents(invoice)
    to = recipients(invoice.payer_org_id, invoice.buyer.get("billing_email"))
    sent = mail(invoice, pdf_bytes, to) if to else False
    return {"number": invoice.number, "to": to, "status": "sent" if sent else "queued"}


def decimal(value: str) -> Decimal:
    return Decimal(value)
