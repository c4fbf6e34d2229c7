"""The plan catalog (data in ``plans.json``, not code) and the limits other domains enforce."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

CATALOG_FILE = Path(__file__).with_name("plans.json")

#: Subscription states in which monitoring runs.
MONITORING_STATES = frozenset({"trialing", "active", "canceled"})


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    price_month: Decimal
    orderable: bool
    endpoints: int
    hosts: int
    min_interval_minutes: int


@dataclass(frozen=True)
class Limits:
    plan: str
    endpoints: int
    hosts: int
    min_interval_minutes: int
    monitoring_active: bool  # False once a trial expired or a subscription ended


@functools.lru_cache(maxsize=1)
def catalog() -> dict[str, Any]:
    return json.loads(CATALOG_FILE.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def plans() -> dict[str, Plan]:
    out = {}
    for p in catalog()["plans"]:
        lim = p["limits"]
        out[p["id"]] = Plan(
            p["id"],
            p["name"],
            Decimal(p["price_month"]),
            bool(p["orderable"]),
            int(lim["endpoints"]),
            int(lim["hosts"]),
            int(lim["min_interval_minutes"]),
        )
    return out


def plan(plan_id: str) -> Plan:
    return plans()[plan_id]


def discount_percent(linked: bool, support_by: str | None) -> Decimal:
    """Partner discount by who supports the customer; independent orgs get none."""
    if not linked:
        return Decimal("0")
    return Decimal(catalog()["partner_discount_percent"][support_by or "vendor"])


def limits_of(subscription: Any) -> Limits:
    p = plan(subscription.plan)
    return Limits(
        plan=p.id,
        endpoints=p.endpoints,
        hosts=p.hosts,
        min_interval_minutes=p.min_interval_minutes,
        monitoring_active=subscription.status in MONITORING_STATES,
    )


def limits_for(org_id: str) -> Limits:
    """Quotas and monitoring state of an org (one GetItem on its subscription)."""
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.billing.models import Subscription

    try:
        sub = Subscription.get(*Subscription.key(org_id))
    except DoesNotExist:
        p = plan("trial")
        return Limits(p.id, p.endpoints, p.hosts, p.min_interval_minutes, False)
    return limits_of(sub)
