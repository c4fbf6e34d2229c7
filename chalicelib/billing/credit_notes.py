"""Credit notes (EN 16931 type code 381): cancelling or correcting an invoice, refunding days.

A credit note is an ``Invoice`` item with ``doc_type = "credit_note"``. It takes its number from
the invoice sequence (``VIG-<year>-<6 digits>``): one gapless range for every outgoing document,
so the list, the exports and an auditor see a single uninterrupted series, sorted by date. It
names the invoice it corrects (``corrects``: BT-25, with that invoice's date as BT-26). Amounts
are positive — they are what is credited (EN 16931 credit note semantics).

Wording: the PDF calls it "Rechnungskorrektur" / "Stornorechnung", never "Gutschrift" (in VAT
law a Gutschrift is self-billing by the buyer, § 14 Abs. 2 Satz 2 UStG).

Three ways one is issued:

- ``cancel`` (operator, ``python -m chalicelib.admin cancel-invoice``): full cancellation — the
  original's lines, buyer, seller and tax treatment, mirrored; the original gets
  ``cancelled_by`` in the same transaction (condition: not cancelled yet, so at most once).
  With ``reissue`` a corrected invoice follows with the same lines and the payer's *current*
  data (fixed address, VAT ID, reference), naming the original in ``corrects``.
- ``for_deleted_customer`` (``DELETE /orgs/{id}`` with ``confirm_paid_subscription``): the unused
  whole days of a linked customer's paid period, credited to the payer; written in the same
  transaction as the deletion (the org is gone exactly when its credit note exists).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib import errors
from chalicelib.billing import invoices, pricing
from chalicelib.billing.models import Invoice, InvoiceNumber, Subscription
from chalicelib.orgs.models import Org

#: invoices of a payer looked at (newest first) to find the one that billed a period
ORIGINAL_LOOKBACK = 60


def line_of(data: dict[str, Any]) -> pricing.Line:
    """A stored invoice line back as a ``pricing.Line`` (same amounts when re-serialized)."""
    return pricing.Line(
        data["org_id"],
        data["org_name"],
        data["plan"],
        data["interval"],
        datetime.fromisoformat(data["period_start"]).date(),
        datetime.fromisoformat(data["period_end"]).date(),
        Decimal(data["list_price"]),
        Decimal(data["discount_percent"]),
        kind=data.get("kind", "charge"),
    )


def find(number: str) -> Invoice:
    """An invoice or credit note by number alone (operator tools): 404 if unknown."""
    from pynamodb.exceptions import DoesNotExist

    try:
        claim = InvoiceNumber.get(*InvoiceNumber.key(number))
    except DoesNotExist as exc:
        raise errors.NotFound(errors.M("not_found.invoice_number", number=number)) from exc
    invoice = invoices.get(claim.payer_org_id, number)
    if invoice is None:
        raise errors.NotFound(errors.M("not_found.invoice_number", number=number))
    return invoice


def _payer(org_id: str) -> Org:
    from pynamodb.exceptions import DoesNotExist

    try:
        return Org.get(*Org.key(org_id))
    except DoesNotExist as exc:
        raise errors.NotFound(errors.M("not_found.payer", org_id=org_id)) from exc


def _operator_entry(org_id: str, action: str, target: str, details: dict[str, Any]) -> Any:
    from chalicelib.audit import service as audit_log

    return audit_log.build(
        org_id=org_id,
        actor_id="operator",
        actor_email=None,
        actor_role="operator",
        actor_org_id="operator",
        action=action,
        target=target,
        details=details,
    )


def cancel(
    number: str, now: datetime, reissue: bool = False, deliver: bool = True
) -> tuple[Invoice, Invoice | None]:
    """Cancel an invoice with a full credit note; with ``reissue`` issue the corrected invoice.

    409 if it is a credit note or already cancelled. Returns (credit note, corrected invoice).
    """
    original = find(number)
    if invoices.doc_type(original) != invoices.INVOICE:
        raise errors.Conflict(errors.M("billing.credit_note_not_cancellable", number=number))
    if original.cancelled_by:
        raise errors.Conflict(
            errors.M("billing.already_cancelled", number=number, cancelled_by=original.cancelled_by)
        )
    payer = _payer(original.payer_org_id)
    lines = [line_of(x) for x in original.lines]

    def writes(tx: Any, note: Invoice) -> None:
        tx.update(
            original,
            actions=[Invoice.cancelled_by.set(note.number)],
            condition=Invoice.cancelled_by.does_not_exist() & Invoice.pk.exists(),
        )
        tx.save(
            _operator_entry(
                payer.org_id, "invoice.cancelled", number, {"number": number, "credit_note": note.number}
            )
        )

    try:
        note = invoices.finalize(
            payer,
            lines,
            "cancellation",
            now,
            writes,
            correction=invoices.Correction(original, credit_note=True, reuse_parties=True),
        )
    except invoices.StaleState as exc:
        raise errors.Conflict(errors.M("billing.cancelled_concurrently", number=number)) from exc
    if deliver:
        note = invoices.deliver(note)
    corrected = None
    if reissue:

        def audit(tx: Any, invoice: Invoice) -> None:
            tx.save(
                _operator_entry(
                    payer.org_id,
                    "invoice.corrected",
                    number,
                    {"number": number, "credit_note": note.number, "corrected": invoice.number},
                )
            )

        corrected = invoices.finalize(
            payer,
            lines,
            "correction",
            now,
            audit,
            purchase_order=original.purchase_order,
            correction=invoices.Correction(original),
        )
        if deliver:
            corrected = invoices.deliver(corrected)
    return note, corrected


# --- a deleted customer's unused days ---------------------------------------------------------


def unused_days(sub: Subscription, now: datetime) -> tuple[datetime, int]:
    """(first unused day, number of whole unused days) of a paid period: the day of the deletion
    counts as used, every later day up to the period end is returned."""
    first = pricing.day_start(now) + timedelta(days=1)
    end = sub.current_period_end
    if end is None or sub.status not in ("active", "canceled") or sub.plan not in _paid_plans():
        return first, 0
    return first, max(0, pricing.days_between(first, end))  # calendar days: DST-proof


def _paid_plans() -> set[str]:
    from chalicelib.billing import plans

    return set(plans.plans())


def original_of(payer_org_id: str, sub: Subscription) -> Invoice | None:
    """The newest uncancelled invoice with a charge for the subscription's current period."""
    assert sub.current_period_end is not None
    last = pricing.last_day(sub.current_period_end).isoformat()
    for invoice in Invoice.query(
        Invoice.partition(payer_org_id), scan_index_forward=False, limit=ORIGINAL_LOOKBACK
    ):
        if invoices.doc_type(invoice) != invoices.INVOICE or invoice.cancelled_by:
            continue
        for line in invoice.lines:
            if (
                line.get("org_id") == sub.org_id
                and line.get("kind", "charge") == "charge"
                and line["period_end"] == last
                and line["plan"] == sub.plan
            ):
                return invoice
    return None


def refund_line(org: Org, sub: Subscription, now: datetime, original: Invoice | None) -> pricing.Line | None:
    first, days = unused_days(sub, now)
    if days <= 0:
        return None
    assert sub.current_period_start is not None and sub.current_period_end is not None
    percent = Decimal(sub.discount_percent or "0")
    if original is not None:
        for line in original.lines:
            if line.get("org_id") == sub.org_id and line.get("kind", "charge") == "charge":
                percent = Decimal(line["discount_percent"])
    price = pricing.prorated_list_price(
        sub.plan, sub.interval, sub.current_period_start, sub.current_period_end, first
    )
    return pricing.Line(
        org.org_id,
        org.name,
        sub.plan,
        sub.interval,
        pricing.business_date(first),
        pricing.last_day(sub.current_period_end),
        price,
        percent,
        kind="unused",
    )


def for_deleted_customer(
    org: Org, sub: Subscription, now: datetime, writes: Callable[[Any, Invoice], None]
) -> Invoice | None:
    """Finalize the credit note for the unused days together with ``writes`` (the deletion).

    None (nothing written) when no whole day is left; the caller then deletes on its own."""
    payer = _payer(sub.payer_org_id)
    original = original_of(payer.org_id, sub)
    line = refund_line(org, sub, now, original)
    if line is None:
        return None
    return invoices.finalize(
        payer,
        [line],
        "customer_deleted",
        now,
        writes,
        correction=invoices.Correction(original, credit_note=True, reuse_parties=original is not None),
    )
