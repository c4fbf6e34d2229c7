"""The one place that decides what a caller may do in an org.

The effective role is the caller's membership role (`guest`/`admin`) or `partner` when the
caller is an admin of the partner org a linked customer belongs to (partner wins: it carries
the billing rights a customer admin lacks). No role at all → 404 (existence does not leak);
a role too small for the action → 403.

The same read also brings the caller's ``AuthState``: a token of a session ended by a password
reset is refused here (401, ``auth/sessions.py``), and an org that requires two-factor
authentication (``Org.require_mfa``) refuses callers without it with 403 ``code: mfa_required``
— also a partner admin acting in a linked customer that requires it, or acting for a partner
org that requires it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from chalicelib import errors
from chalicelib.auth.models import AuthState
from chalicelib.auth.principal import Principal
from chalicelib.orgs.models import Org
from chalicelib.team.models import Membership

if TYPE_CHECKING:
    from chalice.app import Request
    from pynamodb.models import Model

M = TypeVar("M", bound="Model")


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
    #: the caller has two-factor authentication enabled
    mfa: bool = False
    #: items a route asked ``resolve`` to read in the same BatchGetItem as the role (by key;
    #: a key without an item is absent). Read before the role was checked: only for this org.
    prefetched: Mapping[tuple[str, str], Model] = field(default_factory=dict)
    #: every key asked for that way (found or not): a key in here but not in ``prefetched`` is
    #: known not to exist, no need to read it again
    asked: frozenset[tuple[str, str]] = frozenset()

    def found(self, key: tuple[str, str], model: type[M]) -> M | None:
        """A prefetched item typed as ``model`` (None when it does not exist)."""
        from chalicelib.db import found_as

        return found_as(self.prefetched, key, model)

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


def resolve(
    principal: Principal, org_id: str, also: Sequence[tuple[type[Model], tuple[str, str]]] = ()
) -> Access:
    """Effective role of the caller in ``org_id``; NotFound when there is none.

    ``also``: items of the org the route reads first (any table), fetched in the same
    BatchGetItem as the org, the membership and the caller's auth state (``Access.found``).
    """
    from chalicelib.auth import sessions

    if not _valid_id(org_id):
        raise errors.NotFound(errors.M("not_found.org"))
    org, member, state, extra = _load_all(org_id, principal.user_id, also)
    sessions.check(principal, state)
    if org is None or org.status != "active":
        raise errors.NotFound(errors.M("not_found.org"))
    role = member.role if member else None
    partner_requires_mfa = False
    if org.partner_id:
        partner_member, partner_org = _partner_side(org.partner_id, principal.user_id)
        if partner_member is not None and partner_member.role == "admin":
            role = "partner"
            partner_requires_mfa = bool(partner_org is not None and partner_org.require_mfa)
    if role is None:
        raise errors.NotFound(errors.M("not_found.org"))
    from chalicelib import i18n

    i18n.note_org_language(org.language)
    has_mfa = state is not None and state.mfa_enabled
    if (org.require_mfa or (role == "partner" and partner_requires_mfa)) and not has_mfa:
        raise errors.Forbidden(errors.M("auth.mfa_required"), extra={"code": "mfa_required"})
    return Access(
        org=org,
        role=role,
        principal=principal,
        mfa=has_mfa,
        prefetched=extra,
        asked=frozenset(k for _, k in also),
    )


def _valid_id(value: str) -> bool:
    return 0 < len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def _partner_side(partner_id: str, user_id: str) -> tuple[Membership | None, Org | None]:
    """The caller's membership in the partner org and that org, with one BatchGetItem."""
    from chalicelib.db import batch_get_mixed, found_as

    member_key = Membership.key(partner_id, user_id)
    org_key = Org.key(partner_id)
    found = batch_get_mixed([(Membership, member_key), (Org, org_key)])
    return found_as(found, member_key, Membership), found_as(found, org_key, Org)


def _load_all(
    org_id: str, user_id: str, also: Sequence[tuple[type[Model], tuple[str, str]]] = ()
) -> tuple[Org | None, Membership | None, AuthState | None, dict[tuple[str, str], Model]]:
    """Org + membership + the caller's auth state (+ ``also``) with a single BatchGetItem."""
    from chalicelib.db import batch_get_mixed, found_as

    org_key = Org.key(org_id)
    member_key = Membership.key(org_id, user_id)
    state_key = AuthState.key(user_id)
    found = batch_get_mixed([(Org, org_key), (Membership, member_key), (AuthState, state_key), *also])
    extra = {key: found[key] for _, key in also if key in found}
    return (
        found_as(found, org_key, Org),
        found_as(found, member_key, Membership),
        found_as(found, state_key, AuthState),
        extra,
    )


def for_request(
    request: Request, org_id: str, also: Sequence[tuple[type[Model], tuple[str, str]]] = ()
) -> Access:
    """Shortcut for routes: the caller's access to the org in the path (``also``: see resolve)."""
    from chalicelib.auth.principal import current

    return resolve(current(request), org_id, also)
