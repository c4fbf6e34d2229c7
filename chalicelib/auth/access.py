"""The one place that decides what a caller may do in an org.

The effective role is the caller's membership role (`guest`/`admin`) or `partner` when the
caller is an admin of the partner org a linked customer belongs to (partner wins: it carries
the billing rights a customer admin lacks). No role at all → 404 (existence does not leak);
a role too small for the action → 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib import errors
from chalicelib.auth.principal import Principal
from chalicelib.orgs.models import Org
from chalicelib.team.models import Membership

if TYPE_CHECKING:
    from chalice.app import Request


class Action(StrEnum):
    READ = "read"  # any data of the org
    WRITE = "write"  # any change in the org
    BILLING = "billing"  # subscription, orders
    INVOICES = "invoices"  # invoices of the paying org
    AUDIT = "audit"  # audit log
    CREATE_CUSTOMER = "create_customer"
    DELETE_ORG = "delete_org"
    SUPPORT_WRITE = "support_write"  # a partner's own support contact
    SUPPORT_BY = "support_by"  # who supports a linked customer


@dataclass(frozen=True)
class Access:
    org: Org
    role: str  # guest | admin | partner
    principal: Principal

    @property
    def org_id(self) -> str:
        return self.org.org_id

    @property
    def acting_org_id(self) -> str:
        """The org the caller acts from: the partner org when the role is `partner`."""
        return self.org.partner_id if self.role == "partner" and self.org.partner_id else self.org.org_id

    def allows(self, action: Action) -> bool:
        return _allowed(self.org, self.role, action)

    def require(self, action: Action) -> Access:
        if not self.allows(action):
            raise errors.Forbidden(_denial(self.role, action))
        return self


def _allowed(org: Org, role: str, action: Action) -> bool:
    if action is Action.READ:
        return True
    if role == "guest":
        return False
    if action in (Action.WRITE, Action.AUDIT):
        return role in ("admin", "partner")
    if action is Action.BILLING:
        return role == "partner" if org.linked else role == "admin"
    if action is Action.INVOICES:
        return role == "admin" and not org.linked
    if action is Action.CREATE_CUSTOMER:
        return role == "admin" and org.kind == "partner"
    if action is Action.DELETE_ORG:
        if org.linked:
            return role == "partner"
        return role == "admin" and org.kind != "partner"
    if action is Action.SUPPORT_WRITE:
        return role == "admin" and org.kind == "partner"
    if action is Action.SUPPORT_BY:
        return role == "partner"
    return False


def _denial(role: str, action: Action) -> errors.M:
    reasons = {
        Action.WRITE: "access.read_only",
        Action.BILLING: "access.billing",
        Action.INVOICES: "access.invoices",
        Action.CREATE_CUSTOMER: "access.create_customer",
        Action.DELETE_ORG: "access.delete_org",
        Action.SUPPORT_WRITE: "access.support_write",
        Action.SUPPORT_BY: "access.support_by",
        Action.AUDIT: "access.audit",
    }
    key = reasons.get(action)
    return errors.M(key) if key else errors.M("access.role", role=role)


def resolve(principal: Principal, org_id: str) -> Access:
    """Effective role of the caller in ``org_id``; NotFound when there is none."""
    if not _valid_id(org_id):
        raise errors.NotFound(errors.M("not_found.org"))
    org, member = _load_both(org_id, principal.user_id)
    if org is None or org.status != "active":
        raise errors.NotFound(errors.M("not_found.org"))
    role = member.role if member else None
    if org.partner_id:
        partner_member = _membership(org.partner_id, principal.user_id)
        if partner_member is not None and partner_member.role == "admin":
            role = "partner"
    if role is None:
        raise errors.NotFound(errors.M("not_found.org"))
    from chalicelib import i18n

    i18n.note_org_language(org.language)
    return Access(org=org, role=role, principal=principal)


def _valid_id(value: str) -> bool:
    return 0 < len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def _membership(org_id: str, user_id: str) -> Membership | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return Membership.get(*Membership.key(org_id, user_id))
    except DoesNotExist:
        return None


def _load_both(org_id: str, user_id: str) -> tuple[Org | None, Membership | None]:
    """Org + membership with a single BatchGetItem on the core table."""
    from chalicelib.db import batch_get_mixed, found_as

    org_key = Org.key(org_id)
    member_key = Membership.key(org_id, user_id)
    found = batch_get_mixed([(Org, org_key), (Membership, member_key)])
    return found_as(found, org_key, Org), found_as(found, member_key, Membership)


def for_request(request: Request, org_id: str) -> Access:
    """Shortcut for routes: the caller's access to the org in the path."""
    from chalicelib.auth.principal import current

    return resolve(current(request), org_id)
