"""Subscription records and their public shape."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib import clock, settings
from chalicelib.billing.models import Subscription, org_pk, payer_partition, trial_shard

PAID_STATES = frozenset({"active", "canceled"})


def new_trial(org_id: str, payer_org_id: str, now: datetime) -> Subscription:
    """The subscription every org starts with: the trial plan for ``trial_days()`` days."""
    ends = now + timedelta(days=settings.trial_days())
    pk, sk = Subscription.key(org_id)
    return Subscription(
        pk,
        sk,
        gsi1pk=payer_partition(payer_org_id),
        gsi1sk=org_pk(org_id),
        gsi2pk=trial_shard(org_id),
        gsi2sk=f"{clock.iso(ends)}#{org_id}",
        org_id=org_id,
        payer_org_id=payer_org_id,
        plan="trial",
        interval="month",
        status="trialing",
        trial_ends_at=ends,
        current_period_start=now,
        current_period_end=ends,
        cancel_at_period_end=False,
        created_at=now,
    )


def copy(sub: Subscription) -> Subscription:
    """A detached copy to change and save conditionally on the original's version."""
    return Subscription.from_raw_data(sub.serialize())


def pending_change(sub: Subscription) -> dict[str, Any] | None:
    """What takes effect at the period end: a plan/interval change or the cancellation.

    ``{"plan", "interval", "effective_at", "type": "change"|"cancellation"}``; for a
    cancellation plan and interval are null (the subscription ends).
    """
    if sub.status not in PAID_STATES:
        return None
    effective = clock.iso(sub.current_period_end)
    if sub.cancel_at_period_end or sub.status == "canceled":
        return {"plan": None, "interval": None, "effective_at": effective, "type": "cancellation"}
    if sub.pending_plan or sub.pending_interval:
        return {
            "plan": sub.pending_plan or sub.plan,
            "interval": sub.pending_interval or sub.interval,
            "effective_at": effective,
            "type": "change",
        }
    return None


def view(sub: Subscription, billing_hold: dict[str, Any] | None = None) -> dict[str, Any]:
    from chalicelib.billing import plans, pricing

    out: dict[str, Any] = {
        "plan": sub.plan,
        "interval": sub.interval,
        "status": sub.status,
        "trial_ends_at": clock.iso(sub.trial_ends_at),
        "current_period_start": clock.iso(sub.current_period_start),
        "current_period_end": clock.iso(sub.current_period_end),
        "cancel_at_period_end": bool(sub.cancel_at_period_end),
        "pending_plan": sub.pending_plan,
        "pending_interval": sub.pending_interval,
        "pending_change": pending_change(sub),
        "monitoring_active": sub.status in plans.MONITORING_STATES,
    }
    if sub.plan in plans.plans():
        out["price"] = {
            "list": pricing.money(pricing.period_price(sub.plan, sub.interval)),
            "currency": plans.catalog()["currency"],
        }
    out["discount_percent"] = str(Decimal(sub.discount_percent)) if sub.discount_percent else None
    # the paying org's held invoice (billing.holds); filled in by GET …/subscription
    out["billing_hold"] = billing_hold
    return out
