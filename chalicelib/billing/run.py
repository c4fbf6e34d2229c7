"""The billing run: one invoice per paying org for every subscription period that is due.

Runs hourly; the first run of a day does the work, later ones find the day's run marked done
(one GetItem). Input is the payer work list (``PAYERS#<shard>``, Query per shard), then per payer
its subscriptions (GSI ``by_payer``) and the orgs named on the lines (one BatchGetItem).

Never twice: a subscription's ``current_period_end`` is the end of what is billed; the invoice
and the advanced period are written in one transaction conditional on the subscription's
version, so a repeated or concurrent run cannot bill the same period again. Resumable: the run
item keeps a cursor (shard, last payer) and stops before the deadline; the next call goes on.
A subscription deleted meanwhile (org purge) fails its condition or is missing from the
BatchGet; the payer is re-read once and billed without it.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from chalicelib import clock, db
from chalicelib.billing import holds, invoices, plans, pricing, subscriptions
from chalicelib.billing.models import (
    PAYER_SHARDS,
    BillingRun,
    PayerEntry,
    Subscription,
    org_pk,
    payer_partition,
    payers_pk,
)
from chalicelib.orgs.models import Org

log = logging.getLogger("vigil.billing")

#: Subscriptions per invoice transaction: DynamoDB allows 100 items; each subscription brings
#: its audit entry, and 5 items are the invoice's own (with the release of a billing hold).
MAX_LINES_PER_INVOICE = 45
SYSTEM = "system"


def _run_item(now: datetime) -> BillingRun:
    from pynamodb.exceptions import DoesNotExist

    pk, sk = BillingRun.key(pricing.business_date(now))
    try:
        return BillingRun.get(pk, sk, consistent_read=True)
    except DoesNotExist:
        return BillingRun(pk, sk, started_at=now, done=False, invoices=0)


def run(now: datetime | None = None, deadline: float | None = None, force: bool = False) -> dict[str, Any]:
    """Bill everything due at ``now``; returns counts. ``force`` ignores the day's done mark."""
    now = now or clock.now()
    deadline = deadline or time.monotonic() + 600
    state = _run_item(now)
    if state.done and not force:
        return {"invoices": 0, "payers": 0, "done": True, "skipped": True}
    start_shard, after = 0, ""
    if state.cursor and not force:
        shard_text, _, after = state.cursor.partition("|")
        start_shard = int(shard_text)
    made = payers = 0
    for shard in range(start_shard, PAYER_SHARDS):
        condition = PayerEntry.sk > org_pk(after) if after and shard == start_shard else None
        for entry in PayerEntry.query(payers_pk(shard), condition):
            made += bill_payer(entry.payer_org_id, now)
            payers += 1
            if time.monotonic() > deadline:
                state.cursor = f"{shard}|{entry.payer_org_id}"
                state.invoices = int(state.invoices or 0) + made
                state.save()
                return {"invoices": made, "payers": payers, "done": False}
        after = ""
    state.cursor, state.done = None, True
    state.invoices = int(state.invoices or 0) + made
    state.save()
    return {"invoices": made, "payers": payers, "done": True}


def bill_payer(payer_org_id: str, now: datetime, retry: bool = True) -> int:
    """Invoice the due periods of one paying org; returns the number of invoices made."""
    subs = [
        s
        for s in Subscription.by_payer.query(payer_partition(payer_org_id))
        if s.status in subscriptions.PAID_STATES
        and s.current_period_end is not None
        # a period ends at a Berlin midnight; periods stored before that was so end at a UTC
        # midnight and count as ending at the start of that Berlin day
        and pricing.day_start(s.current_period_end) <= now
    ]
    if not subs:
        return 0
    orgs = _orgs([payer_org_id] + [s.org_id for s in subs])
    payer = orgs.get(payer_org_id)
    if payer is None:
        log.warning("billing: paying org %s is gone; %d subscription(s) skipped", payer_org_id, len(subs))
        return 0
    made = 0
    problem = holds.problem_of(payer)  # the order's rules, re-checked before every invoice
    for start in range(0, len(subs), MAX_LINES_PER_INVOICE):
        chunk = subs[start : start + MAX_LINES_PER_INVOICE]
        lines: list[pricing.Line] = []
        updates: list[tuple[Subscription, Subscription]] = []
        for sub in chunk:
            org = orgs.get(sub.org_id)
            if org is None or org.status != "active":
                continue  # the org is being deleted; its purge removes the subscription
            new, sub_lines = _advance(sub, org, now)
            lines.extend(sub_lines)
            updates.append((sub, new))
        if not updates:
            continue
        if lines and problem is not None:
            # held: no invoice, no number; the billed subscriptions stay due for the next run
            holds.hold(payer, problem, now, sorted({ln.org_name for ln in lines}))
            updates = [(old, new) for old, new in updates if new.status == "ended"]
            lines = []
            if not updates:
                continue

        def writes(tx: Any, invoice: Any | None, updates: list = updates) -> None:
            if invoice is not None:
                holds.release_in(tx, payer_org_id)
            for old, new in updates:
                if invoice is not None and new.status != "ended":
                    new.period_invoice = invoice.number
                tx.save(new, condition=Subscription.version == old.version)
                tx.save(_audit(new, invoice))

        try:
            if lines:
                invoices.finalize(payer, lines, "renewal", now, writes)
                made += 1
            else:
                with db.transaction() as tx:
                    writes(tx, None)
        except Exception as exc:
            from pynamodb.exceptions import TransactWriteError

            stale = isinstance(exc, invoices.StaleState) or (
                isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc)
            )
            if not stale:
                raise
            if retry:
                log.info("billing: payer %s changed during the run; re-reading", payer_org_id)
                return made + bill_payer(payer_org_id, now, retry=False)
            log.warning("billing: payer %s still changing; left for the next run", payer_org_id)
    return made


def _audit(new: Subscription, invoice: Any | None) -> Any:
    """The customer org's audit entry for what the run did to its subscription."""
    from chalicelib.audit import service as audit_log

    ended = new.status == "ended"
    details = {
        "plan": new.plan,
        "interval": new.interval,
        "period_end": clock.iso(new.current_period_end),
        "invoice": invoice.number if invoice is not None and not ended else None,
    }
    return audit_log.build(
        org_id=new.org_id,
        actor_id=SYSTEM,
        actor_email=None,
        actor_role=SYSTEM,
        actor_org_id=SYSTEM,
        action="subscription.ended" if ended else "subscription.renewed",
        target=new.org_id,
        details=details,
    )


def _advance(sub: Subscription, org: Org, now: datetime) -> tuple[Subscription, list[pricing.Line]]:
    """The subscription after its due periods, and the lines billing them."""
    new = subscriptions.copy(sub)
    new.version = int(sub.version or 1) + 1
    if sub.cancel_at_period_end or sub.status == "canceled":
        new.status = "ended"
        new.cancel_at_period_end = False
        return new, []
    discount = plans.discount_percent(org.linked, org.support_by)
    new.plan = sub.pending_plan or sub.plan
    new.interval = sub.pending_interval or sub.interval
    new.pending_plan = new.pending_interval = None
    new.discount_percent = str(discount)
    lines = []
    end = pricing.day_start(sub.current_period_end)
    while end <= now:  # a late run bills every missed period, each on its own line
        period_start, period_end = pricing.period_for(new.interval, end)
        lines.append(
            pricing.charge(
                org.org_id, org.name, new.plan, new.interval, period_start, period_end, period_start, discount
            )
        )
        new.current_period_start, end = period_start, period_end
    new.current_period_end = end
    return new, lines


def _orgs(org_ids: list[str]) -> dict[str, Org]:
    """Orgs by id with BatchGetItem (100 keys per call)."""
    from chalicelib.orgs import queries as orgs

    return orgs.batch_get(org_ids)
