"""Who supports an org, and a partner's own support contact.

Resolution (``GET``): a linked customer with ``support_by: partner`` sees its partner's
contact; everyone else (``support_by: vendor``, independent orgs, partner orgs themselves) sees
the vendor's. A partner that has not entered a contact yet falls back to the vendor's, marked
``source: vendor`` — a customer is never left without a way to ask for help. The stored contact
lives on the partner's Org item (``support`` map), so resolving it is one GetItem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import db, errors, settings
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action
from chalicelib.orgs.models import Org, SupportData

if TYPE_CHECKING:  # request schemas (pydantic) stay off the cold-start path
    from chalicelib.support.schemas import SupportIn

FIELDS = ("name", "email", "phone", "hours", "url")


def _contact(data: SupportData | None) -> dict[str, str | None] | None:
    if data is None or not (data.name or data.email):
        return None
    return {f: getattr(data, f) for f in FIELDS}


def _vendor() -> dict[str, Any]:
    v = settings.vendor_support()
    return {
        "source": "vendor",
        "org_id": None,
        "name": v.name,
        "email": v.email,
        "phone": v.phone,
        "hours": v.hours,
        "url": v.url,
    }


def _partner_org(partner_id: str) -> Org | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        org = Org.get(*Org.key(partner_id))
    except DoesNotExist:
        return None
    return org if org.status == "active" else None


def effective(org: Org) -> dict[str, Any]:
    """The contact the org's users should call."""
    if org.linked and org.support_by == "partner" and org.partner_id:
        partner = _partner_org(org.partner_id)
        contact = _contact(partner.support) if partner is not None else None
        if contact is not None:
            return {"source": "partner", "org_id": org.partner_id, **contact}
    return _vendor()


def get(access: Access) -> dict[str, Any]:
    access.require(Action.READ)
    out = effective(access.org)
    out["support_by"] = access.org.support_by if access.org.linked else "vendor"
    if access.org.kind == "partner":
        # A partner org reads back what it offers its customers (null until entered).
        out["own"] = _contact(access.org.support)
    return out


def put(access: Access, body: SupportIn) -> dict[str, Any]:
    access.require(Action.SUPPORT_WRITE)
    org = access.org
    values = body.model_dump()
    before = _contact(org.support)
    entry = audit_log.entry(access, "support.updated", org.org_id, {"before": before, "after": values})
    try:
        with db.transaction() as tx:
            tx.update(org, actions=[Org.support.set(SupportData(**values))], condition=Org.status == "active")
            tx.save(entry)
    except Exception as exc:
        from pynamodb.exceptions import TransactWriteError

        if isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc):
            raise errors.NotFound(errors.M("not_found.org")) from exc
        raise
    org.support = SupportData(**values)
    return get(access)
