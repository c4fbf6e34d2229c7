"""Access patterns of org profiles (the `core` table) for every domain; key shapes on ``Org``."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib import db
from chalicelib.orgs.models import Org


def get(org_id: str) -> Org | None:
    """The org profile, or None when there is none (whatever its status)."""
    from pynamodb.exceptions import DoesNotExist

    try:
        return Org.get(*Org.key(org_id))
    except DoesNotExist:
        return None


def batch_get(org_ids: Iterable[str]) -> dict[str, Org]:
    """Orgs by id with BatchGetItem (100 keys per call); absent ones are left out."""
    out: dict[str, Org] = {}
    keys = [Org.key(o) for o in dict.fromkeys(org_ids)]
    for start in range(0, len(keys), 100):
        for org in Org.batch_get(keys[start : start + 100]):
            out[org.org_id] = org
    return out


def customers_page(partner_id: str, limit: int, cursor: str | None) -> tuple[list[Org], str | None]:
    """One page of the partner's linked customers, by name."""
    scope = f"customers/{partner_id}"
    query = Org.by_partner.query(
        Org.partner_partition(partner_id), limit=limit, last_evaluated_key=db.decode_cursor(cursor, scope)
    )
    return db.page(query, limit, scope)


def customers_of(partner_id: str) -> list[Org]:
    return list(Org.by_partner.query(Org.partner_partition(partner_id)))


def has_customers(partner_id: str) -> bool:
    return next(iter(Org.by_partner.query(Org.partner_partition(partner_id), limit=1)), None) is not None
