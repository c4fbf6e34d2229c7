"""The partner overview: every linked customer with plan, state counters, revenue and health.

``GET /orgs/{partner}/customers`` answers from three kinds of items, read without a Scan and
without a call per customer:

| what | key | call |
|---|---|---|
| the partner's customers, by name (``?q=`` is a prefix of the key) | GSI `by_partner`: gsi1pk=`PARTNER#<partner>`, gsi1sk begins_with `<q>` | Query (one call per MB, about 2,000 customers) |
| each customer's subscription (`billing`) and counters item (`core`) | pk=`ORG#<customer>`, sk=`SUBSCRIPTION` / `COUNTERS` | one BatchGetItem across both tables per 50 customers |

Sorting (``?sort=incidents|name|trial_end|mrr``) and the status filter (``?status=``) are applied
to the whole list in memory and the page is cut from the sorted list (the cursor carries the
offset, signed for this partner and these parameters). A sorted index per order was considered
and rejected: the sort keys (open incidents, revenue) change with every incident and order, so
each change would rewrite an index entry, and a partner's list is small enough to read whole —
50 customers cost 2 DynamoDB calls, 500 cost 11.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib import clock, db, errors
from chalicelib.billing.models import Subscription
from chalicelib.orgs import counters
from chalicelib.orgs.models import Org

SORTS = ("incidents", "name", "trial_end", "mrr")
STATUSES = {
    "trialing": frozenset({"trialing"}),
    "active": frozenset({"active", "canceled"}),  # canceled = runs until the period ends
    "expired": frozenset({"expired", "ended"}),
}
TRIAL_SOON = timedelta(days=7)


@dataclass
class Row:
    org: Org
    sub: Subscription | None
    item: counters.Counters | None
    now: datetime

    @property
    def status(self) -> str | None:
        return self.sub.status if self.sub is not None else None

    @property
    def monitoring_active(self) -> bool:
        from chalicelib.billing.plans import MONITORING_STATES

        return self.status in MONITORING_STATES

    @property
    def trial_ends_at(self) -> datetime | None:
        if self.sub is None or self.sub.status != "trialing":
            return None
        return self.sub.trial_ends_at

    @property
    def trial_days_left(self) -> int | None:
        ends = self.trial_ends_at
        if ends is None:
            return None
        return max(0, math.ceil((ends - self.now).total_seconds() / 86400))

    @property
    def mrr(self) -> Decimal:
        """Monthly recurring revenue after the partner discount; trials and ended plans bring 0."""
        from chalicelib.billing import plans, pricing, subscriptions

        sub = self.sub
        if sub is None or sub.status not in subscriptions.PAID_STATES or sub.plan not in plans.plans():
            return Decimal("0.00")
        price = pricing.period_price(sub.plan, sub.interval)
        if sub.interval == "year":
            price = price / Decimal(12)
        if sub.discount_percent:
            discount = Decimal(sub.discount_percent)
        else:
            discount = plans.discount_percent(self.org.linked, self.org.support_by)
        return pricing.cents(price * (Decimal(100) - discount) / Decimal(100))

    def figures(self) -> dict[str, int]:
        c = counters.counts_of(self.item)
        endpoints, down = c["endpoints"], min(c["endpoints_down"], c["endpoints"])
        paused = min(c["endpoints_paused"], endpoints)
        if not self.monitoring_active:  # an expired trial pauses every check
            paused, down = endpoints, 0
        hosts, offline = c["hosts"], min(c["hosts_down"], c["hosts"])
        return {
            **c,
            "endpoints_up": max(0, endpoints - down - paused),
            "endpoints_down": down,
            "endpoints_paused": paused,
            "hosts_online": hosts - offline,
            "hosts_offline": offline,
            "hosts_down": offline,
        }

    @property
    def oldest_incident_at(self) -> datetime | None:
        if self.item is None or not self.item.incidents_open or self.item.incidents_open <= 0:
            return None
        return self.item.oldest_incident_at

    def health(self, figures: dict[str, int]) -> str:
        """red: something is down or offline; amber: other open incidents, an expired plan or a
        trial ending within 7 days; green: all well."""
        if figures["endpoints_down"] or figures["hosts_offline"]:
            return "red"
        ends = self.trial_ends_at
        if figures["incidents_open"] or self.status in STATUSES["expired"]:
            return "amber"
        if ends is not None and ends - self.now <= TRIAL_SOON:
            return "amber"
        return "green"

    def view(self) -> dict[str, Any]:
        from chalicelib.billing import plans

        figures = self.figures()
        sub = self.sub
        return {
            "id": self.org.org_id,
            "name": self.org.name,
            "support_by": self.org.support_by,
            "language": self.org.language,
            "plan": sub.plan if sub else None,
            "interval": sub.interval if sub else None,
            "status": sub.status if sub else None,
            "trial_ends_at": clock.iso(sub.trial_ends_at) if sub and sub.trial_ends_at else None,
            "trial_days_left": self.trial_days_left,
            **figures,
            "oldest_incident_at": clock.iso(self.oldest_incident_at) if self.oldest_incident_at else None,
            "mrr_net": str(self.mrr),
            "currency": plans.catalog()["currency"],
            "health": self.health(figures),
        }


def _sort_key(sort: str) -> Any:
    far = datetime.max.replace(tzinfo=clock.now().tzinfo)

    def by_name(r: Row) -> tuple[str, str]:
        return (r.org.name.casefold(), r.org.org_id)

    if sort == "incidents":  # worst first: open incidents, the oldest first, then what is down
        return lambda r: (
            -counters.counts_of(r.item)["incidents_open"],
            r.oldest_incident_at or far,
            -r.figures()["endpoints_down"] - r.figures()["hosts_offline"],
            by_name(r),
        )
    if sort == "trial_end":  # running trials, the one ending first on top; then the others
        return lambda r: (r.trial_ends_at is None, r.trial_ends_at or far, by_name(r))
    if sort == "mrr":
        return lambda r: (-r.mrr, by_name(r))
    return by_name


def parse(params: dict[str, str]) -> tuple[str, str | None, str | None]:
    """``sort``, ``status`` and ``q`` from the query string (400 on anything else)."""
    sort = params.get("sort") or "name"
    status = params.get("status") or None
    q = params.get("q") or None
    problems: dict[str, errors.Text] = {}
    if sort not in SORTS:
        problems["sort"] = errors.M("field.one_of", expected=", ".join(SORTS))
    if status is not None and status not in STATUSES:
        problems["status"] = errors.M("field.one_of", expected=", ".join(STATUSES))
    if q is not None and (len(q) > 100 or "#" in q):
        problems["q"] = errors.M("field.name_prefix", max=100)
    if problems:
        raise errors.ValidationFailed(problems)
    return sort, status, q


def _customers(partner_id: str, q: str | None) -> list[Org]:
    """All active linked customers of the partner, by name (one Query per MB)."""
    condition = Org.gsi1sk.startswith(q.casefold()) if q else None
    query = Org.by_partner.query(Org.partner_partition(partner_id), condition)
    return [o for o in query if o.status == "active"]


def _rows(orgs: list[Org]) -> list[Row]:
    """Subscription (`billing` table) and counters item (`core`) of every customer: one
    BatchGetItem across both tables per 50 customers (100 keys)."""
    now = clock.now()
    wanted: list[tuple[Any, tuple[str, str]]] = []
    for o in orgs:
        wanted += [
            (Subscription, Subscription.key(o.org_id)),
            (counters.Counters, counters.Counters.key(o.org_id)),
        ]
    found = db.batch_get_across(wanted)
    rows = []
    for o in orgs:
        sub = found.get((Subscription, Subscription.key(o.org_id)))
        item = found.get((counters.Counters, counters.Counters.key(o.org_id)))
        rows.append(
            Row(
                o,
                sub if isinstance(sub, Subscription) else None,
                item if isinstance(item, counters.Counters) else None,
                now,
            )
        )
    return rows


def totals(rows: list[Row]) -> dict[str, Any]:
    from chalicelib.billing import plans

    soon = [r for r in rows if r.trial_ends_at is not None and r.trial_ends_at - r.now <= TRIAL_SOON]
    return {
        "customers": len(rows),
        "mrr_net": str(sum((r.mrr for r in rows), Decimal("0.00"))),
        "currency": plans.catalog()["currency"],
        "incidents_open": sum(counters.counts_of(r.item)["incidents_open"] for r in rows),
        "trials_ending_7d": len(soon),
        "red": sum(1 for r in rows if r.health(r.figures()) == "red"),
        "amber": sum(1 for r in rows if r.health(r.figures()) == "amber"),
    }


def listing(partner_id: str, params: dict[str, str], limit: int, cursor: str | None) -> dict[str, Any]:
    """One page of the overview plus the totals of the whole (filtered) list."""
    sort, status, q = parse(params)
    scope = f"customers/{partner_id}/{sort}/{status or ''}/{q or ''}"
    start = 0
    decoded = db.decode_cursor(cursor, scope)
    if decoded is not None:
        try:
            start = int(decoded["offset"]["N"])
        except (KeyError, TypeError, ValueError) as exc:
            raise errors.ValidationFailed({"next": errors.M("field.cursor_invalid")}) from exc
    rows = _rows(_customers(partner_id, q))
    if status is not None:
        rows = [r for r in rows if r.status in STATUSES[status]]
    rows.sort(key=_sort_key(sort))
    page = rows[start : start + limit]
    more = start + limit < len(rows)
    next_cursor = db.encode_cursor({"offset": {"N": str(start + limit)}}, scope) if more else None
    return {"items": [r.view() for r in page], "next": next_cursor, "totals": totals(rows)}
