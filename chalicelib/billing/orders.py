"""Orders ("Zahlungspflichtig bestellen"), plan changes and cancellation.

| situation | effect | invoice |
|---|---|---|
| trialing / expired / ended → order | active at once, period starts today | prorated rest of the month, or 12 months |
| active, more expensive plan | upgrade at once (same interval) | credit unused days of the old plan, charge the new one |
| active, cheaper plan or other interval | scheduled for the period end (202) | none now |
| canceled → any order | cancellation withdrawn (and change handled as above) | as above |
| `DELETE …/subscription` | canceled at the period end, then ended by the billing run | none |

Every change is one transaction: subscription (conditional on its version), invoice (with its
number), payer work-list item, audit entry and Idempotency-Key record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from chalicelib import clock, db, errors, idempotency
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action
from chalicelib.billing import invoices, plans, pricing, subscriptions
from chalicelib.billing.models import PayerEntry, Subscription
from chalicelib.billing.schemas import OrderIn
from chalicelib.orgs.models import Org

log = logging.getLogger("vigil.billing")


def load_subscription(org_id: str) -> Subscription:
    from pynamodb.exceptions import DoesNotExist

    try:
        return Subscription.get(*Subscription.key(org_id), consistent_read=True)
    except DoesNotExist as exc:
        raise errors.NotFound(errors.M("not_found.subscription")) from exc


def paying_org(org: Org) -> Org:
    """The org that is invoiced: the partner for a linked customer, else the org itself."""
    if not org.partner_id:
        return org
    from pynamodb.exceptions import DoesNotExist

    try:
        return Org.get(*Org.key(org.partner_id))
    except DoesNotExist as exc:
        raise errors.Conflict(errors.M("conflict.partner_gone")) from exc


def _payer_entry(payer_org_id: str) -> PayerEntry:
    return PayerEntry(
        *PayerEntry.key(payer_org_id),
        payer_org_id=payer_org_id,
        since=clock.now(),
    )


def _order_response(sub: Subscription, invoice: Any | None) -> dict[str, Any]:
    body: dict[str, Any] = {"subscription": subscriptions.view(sub), "invoice": None}
    if invoice is not None:
        body["invoice"] = _invoice_body(invoice)
    return body


def _invoice_body(invoice: Any) -> dict[str, Any]:
    inv = invoices.view(invoice)
    inv.pop("mail_status", None)
    inv.pop("documents", None)
    return inv


@dataclass
class Outcome:
    """What an order would do: the quote, and what the order persists. Reads only."""

    org: Org
    payer: Org
    sub: Subscription
    new: Subscription
    lines: list[pricing.Line]
    action: str
    discount: Decimal
    now: datetime
    purchase_order: str | None

    @property
    def reason(self) -> str:
        return "upgrade" if self.action == "subscription.upgraded" else "order"

    def draft(self) -> Any | None:
        """The invoice the order would finalize, without a number (same builder as the order)."""
        if not self.lines:
            return None
        return invoices.build(self.payer, self.lines, self.reason, self.now, "", self.purchase_order)

    def quote(self) -> dict[str, Any]:
        """``POST …/subscription/quote``: exactly what an order now would bill and change."""
        draft = self.draft()
        invoice = None
        if draft is not None:
            invoice = _invoice_body(draft)
            for key in ("number", "issued_at"):
                invoice.pop(key, None)
            invoice["invoice_date"] = pricing.business_date(self.now).isoformat()
        view = subscriptions.view(self.new)
        return {
            "plan": self.new.plan,
            "interval": self.new.interval,
            "action": self.action.removeprefix("subscription."),
            "effective_at": clock.iso(self.now),
            "invoice": invoice,
            "gross": invoice["gross"] if invoice else "0.00",
            "currency": plans.catalog()["currency"],
            "pending_change": view["pending_change"],
            "subscription": view,
        }


def plan_order(org: Org, body: OrderIn, now: datetime) -> Outcome:
    """The one computation behind quotes and orders (the order persists what this returns).

    Raises the same 4xx an order would (buyer data, nothing to change).
    """
    payer = paying_org(org)
    addr = payer.address_dict()
    pricing.require_orderable_buyer(addr, payer.vat_id, payer.billing_email)
    sub = load_subscription(org.org_id)
    discount = plans.discount_percent(org.linked, org.support_by)
    new = subscriptions.copy(sub)
    new.version = int(sub.version or 1) + 1
    new.discount_percent = str(discount)
    new.cancel_at_period_end = False
    lines: list[pricing.Line] = []
    action = "subscription.ordered"

    if sub.status not in subscriptions.PAID_STATES:
        start, end = pricing.period_for(body.interval, now)
        lines.append(
            pricing.charge(org.org_id, org.name, body.plan, body.interval, start, end, now, discount)
        )
        new.plan, new.interval, new.status = body.plan, body.interval, "active"
        new.current_period_start, new.current_period_end = start, end
        new.pending_plan = new.pending_interval = None
        new.gsi2pk = new.gsi2sk = None  # off the trial index
    else:
        old_price = plans.plan(sub.plan).price_month
        new_price = plans.plan(body.plan).price_month
        new.status = "active"
        if new_price > old_price:
            # the better plan at once for the rest of the paid period (in its interval); a
            # different interval starts with the next period and is shown as pending_change
            action = "subscription.upgraded"
            old_discount = Decimal(sub.discount_percent or discount)
            lines.append(
                pricing.credit(
                    org.org_id,
                    org.name,
                    sub.plan,
                    sub.interval,
                    sub.current_period_start,
                    sub.current_period_end,
                    now,
                    old_discount,
                    offsets=sub.period_invoice,
                )
            )
            lines.append(
                pricing.charge(
                    org.org_id,
                    org.name,
                    body.plan,
                    sub.interval,
                    sub.current_period_start,
                    sub.current_period_end,
                    now,
                    discount,
                )
            )
            new.plan = body.plan
            new.pending_plan = None
            new.pending_interval = body.interval if body.interval != sub.interval else None
        elif body.plan == sub.plan and body.interval == sub.interval:
            if sub.status == "active" and not sub.pending_plan and not sub.pending_interval:
                raise errors.Conflict(
                    errors.M(
                        "conflict.same_plan", plan=body.plan, interval=errors.M(f"word.{body.interval}ly")
                    )
                )
            action = "subscription.change_withdrawn"
            new.pending_plan = new.pending_interval = None
        else:
            action = "subscription.change_scheduled"
            new.pending_plan = body.plan if body.plan != sub.plan else None
            new.pending_interval = body.interval if body.interval != sub.interval else None
    return Outcome(org, payer, sub, new, lines, action, discount, now, body.purchase_order)


def quote(access: Access, body: OrderIn) -> dict[str, Any]:
    """The quote of an order (no side effects; same roles and body as the order)."""
    access.require(Action.BILLING)
    return plan_order(access.org, body, clock.now()).quote()


def order(access: Access, body: OrderIn, idem_key: str | None) -> tuple[int, dict[str, Any]]:
    access.require(Action.BILLING)
    key = idempotency.validate_key(idem_key, required=True)
    # exclude_none: a body without purchase_order keeps the fingerprint it had before the field
    return idempotency.run(
        f"{access.org_id}:orders",
        key,
        body.model_dump(exclude_none=True),
        lambda claim: _order(access, body, claim),
    )


def _order(access: Access, body: OrderIn, claim: idempotency.Claim | None) -> tuple[int, dict[str, Any]]:
    """The order itself; ``claim`` (the Idempotency-Key record) is written in its transaction."""
    org = access.org
    outcome = plan_order(org, body, clock.now())
    if body.expected_gross is not None:
        quoted = outcome.quote()
        if Decimal(quoted["gross"]) != Decimal(body.expected_gross):
            raise errors.Conflict(
                errors.M(
                    "billing.quote_changed",
                    gross=quoted["gross"],
                    currency=quoted["currency"],
                    expected=body.expected_gross,
                ),
                extra={"quote": quoted},
            )
    sub, new, lines, action, now = outcome.sub, outcome.new, outcome.lines, outcome.action, outcome.now
    payer, discount = outcome.payer, outcome.discount

    details = {
        "plan": body.plan,
        "interval": body.interval,
        "previous_plan": sub.plan,
        "previous_status": sub.status,
        "discount_percent": str(discount),
    }
    status = 201 if lines else 202
    holder: dict[str, Any] = {}

    def writes(tx: Any, invoice: Any | None) -> None:
        if invoice is not None:
            new.period_invoice = invoice.number
        response = _order_response(new, invoice)
        holder["body"] = response
        tx.save(
            new,
            condition=Subscription.version == sub.version
            if sub.version is not None
            else Subscription.version.does_not_exist(),
        )
        tx.save(_payer_entry(payer.org_id))
        entry_details = dict(details)
        if invoice is not None:
            entry_details["invoice"] = invoice.number
        tx.save(audit_log.entry(access, action, org.org_id, entry_details))
        if claim is not None:
            claim.save_in(tx, status, response)

    from pynamodb.exceptions import TransactWriteError

    invoice = None
    try:
        if lines:
            invoice = invoices.finalize(payer, lines, outcome.reason, now, writes, body.purchase_order)
        else:
            with db.transaction() as tx:
                writes(tx, None)
    except (invoices.StaleState, TransactWriteError) as exc:
        if isinstance(exc, TransactWriteError) and not db.cancelled_by_condition(exc):
            raise
        # idempotency.run answers instead when a request with the same key won the race
        raise errors.Conflict(errors.M("conflict.order_raced")) from exc
    if invoice is not None:
        _deliver_quietly(invoice)
    return status, holder["body"]


def _deliver_quietly(invoice: Any) -> None:
    """Documents and mail right away; on failure the work list retries (billing job)."""
    try:
        invoices.deliver(invoice)
    except Exception:
        log.exception("invoice %s: documents/mail deferred to the billing job", invoice.number)


def cancel(access: Access, idem_key: str | None) -> tuple[int, dict[str, Any]]:
    """Cancel at the end of the paid period; monitoring runs until then."""
    access.require(Action.BILLING)
    key = idempotency.validate_key(idem_key, required=False)
    return idempotency.run(
        f"{access.org_id}:cancel", key, {"cancel": True}, lambda claim: _cancel(access, claim)
    )


def _cancel(access: Access, claim: idempotency.Claim | None) -> tuple[int, dict[str, Any]]:
    sub = load_subscription(access.org_id)
    if sub.status not in subscriptions.PAID_STATES:
        raise errors.Conflict(errors.M("conflict.nothing_to_cancel", status=sub.status))
    if sub.status == "canceled":
        return 200, subscriptions.view(sub)
    new = subscriptions.copy(sub)
    new.version = int(sub.version or 1) + 1
    new.status, new.cancel_at_period_end = "canceled", True
    new.pending_plan = new.pending_interval = None
    body = subscriptions.view(new)
    from pynamodb.exceptions import TransactWriteError

    try:
        with db.transaction() as tx:
            tx.save(new, condition=Subscription.version == sub.version)
            tx.save(
                audit_log.entry(
                    access,
                    "subscription.canceled",
                    access.org_id,
                    {"plan": sub.plan, "ends_at": clock.iso(sub.current_period_end)},
                )
            )
            if claim is not None:
                claim.save_in(tx, 200, body)
    except TransactWriteError as exc:
        if not db.cancelled_by_condition(exc):
            raise
        raise errors.Conflict(errors.M("conflict.subscription_changed")) from exc
    return 200, body
