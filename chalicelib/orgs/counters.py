"""Per-org counters on one item of the `core` table (partner overview without a query per org).

| pattern | key |
|---|---|
| counters of an org | pk=`ORG#<org>`, sk=`COUNTERS` (BatchGet for a page of customers) |

Names in use: ``endpoints``, ``endpoints_down``, ``endpoints_paused`` (monitoring), ``hosts``,
``hosts_down`` (hosts), ``incidents_open`` (incidents), ``status_pages`` (status pages). Beside
the counts the item keeps ``oldest_incident_at``, the start of the org's oldest open incident: set
with ``if_not_exists`` in the transaction that opens an incident
(``add_many_to(..., oldest_incident_at=...)``) and recomputed from the org's open-incident
pointers when an incident is resolved (``set_oldest_incident``). Together with the subscription
item these fields are the partner overview row of a customer (``chalicelib.orgs.overview``). A
counter is changed with an atomic ADD, either alone
(``increment``) or inside the transaction of the change it counts (``add_to``), so that
``limit`` can make a quota check part of the same transaction.

A transaction may contain only one operation per item (DynamoDB refuses "multiple operations
on one item"): when one change moves several counters of an org, ``add_many_to`` puts all the
ADDs into the single update of the counters item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core_table import TABLE, org_pk
from chalicelib.db import meta

SK = "COUNTERS"
NAMES = (
    "endpoints",
    "endpoints_down",
    "endpoints_paused",
    "hosts",
    "hosts_down",
    "incidents_open",
    "status_pages",
)


class Counters(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=SK)
    endpoints = NumberAttribute(null=True)
    endpoints_down = NumberAttribute(null=True)
    endpoints_paused = NumberAttribute(null=True)
    hosts = NumberAttribute(null=True)
    hosts_down = NumberAttribute(null=True)
    incidents_open = NumberAttribute(null=True)
    oldest_incident_at = UTCDateTimeAttribute(null=True)
    status_pages = NumberAttribute(null=True)

    @classmethod
    def key(cls, org_id: str) -> tuple[str, str]:
        return org_pk(org_id), SK


def _attr(name: str) -> Any:
    if name not in NAMES:
        raise ValueError(f"unknown counter {name!r}")
    return getattr(Counters, name)


def increment(org_id: str, name: str, delta: int = 1) -> None:
    """ADD ``delta`` to one counter of an org (creates the item on first use)."""
    Counters(*Counters.key(org_id)).update(actions=[_attr(name).add(delta)])


def add_to(
    tx: Any,
    org_id: str,
    name: str,
    delta: int,
    limit: int | None = None,
    also: Mapping[str, int] | None = None,
    oldest_incident_at: datetime | None = None,
) -> None:
    """The same ADD inside a ``db.transaction()``; with ``limit`` the transaction fails when
    the counter is already at or above it (a quota checked atomically with the change).
    ``also``: further counters changed in the same update (e.g. ``endpoints_paused``)."""
    condition = None
    if limit is not None:
        attr = _attr(name)
        condition = attr.does_not_exist() | (attr < limit)
    deltas = {**(also or {}), name: delta}
    add_many_to(tx, org_id, deltas, condition=condition, oldest_incident_at=oldest_incident_at)


def add_many_to(
    tx: Any,
    org_id: str,
    deltas: Mapping[str, int],
    condition: Any = None,
    oldest_incident_at: datetime | None = None,
) -> None:
    """Several ADDs on the org's counters item as ONE update of a ``db.transaction()``.

    Call it once per transaction: a second update of the same item would make DynamoDB refuse
    the whole transaction. Zero deltas are left out; ``condition`` guards the update.
    ``oldest_incident_at`` is set only when the item has none (an incident opened while none
    was open is the oldest).
    """
    actions = [_attr(name).add(delta) for name, delta in deltas.items() if delta]
    if oldest_incident_at is not None:
        actions.append(Counters.oldest_incident_at.set(Counters.oldest_incident_at | oldest_incident_at))
    if not actions:
        if condition is not None:
            tx.condition_check(Counters, *Counters.key(org_id), condition=condition)
        return
    tx.update(Counters(*Counters.key(org_id)), actions=actions, condition=condition)


def set_oldest_incident(org_id: str, at: datetime | None) -> None:
    """Store (or, with None, remove) the start of the org's oldest open incident; never creates
    the item (a purged org's counters stay gone)."""
    from pynamodb.exceptions import UpdateError

    item = Counters(*Counters.key(org_id))
    action = Counters.oldest_incident_at.remove() if at is None else Counters.oldest_incident_at.set(at)
    try:
        item.update(actions=[action], condition=Counters.pk.exists())
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


def get_items(org_ids: Iterable[str]) -> dict[str, Counters]:
    """The counters items of several orgs (BatchGetItem, 100 keys per call); absent ones left out."""
    wanted = list(dict.fromkeys(org_ids))
    out: dict[str, Counters] = {}
    for start in range(0, len(wanted), 100):
        keys = [Counters.key(o) for o in wanted[start : start + 100]]
        for item in Counters.batch_get(keys):
            out[item.pk.split("#", 1)[1]] = item
    return out


def counts_of(item: Counters | None) -> dict[str, int]:
    """The counts of one item; missing counters (and a missing item) are 0."""
    return {n: max(0, int(getattr(item, n) or 0)) if item is not None else 0 for n in NAMES}


def get_many(org_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """Counters of several orgs with BatchGetItem; missing counters are 0."""
    wanted = list(dict.fromkeys(org_ids))
    items = get_items(wanted)
    return {o: counts_of(items.get(o)) for o in wanted}


def get(org_id: str) -> dict[str, int]:
    return get_many([org_id])[org_id]


def delete(org_id: str) -> None:
    Counters(*Counters.key(org_id)).delete()
