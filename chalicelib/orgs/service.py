"""Organisation logic: create (linked, independent; signup in ``signup.py``), read, change, list customers."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import clock, db, errors, ids
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action, resolve
from chalicelib.auth.principal import Principal
from chalicelib.billing import subscriptions
from chalicelib.billing.models import Subscription
from chalicelib.core_table import org_pk
from chalicelib.orgs import queries as orgs_q
from chalicelib.orgs.models import Address, Org
from chalicelib.team import queries as team
from chalicelib.team.models import Membership

if TYPE_CHECKING:  # pydantic stays off the cold-start path
    from chalicelib.orgs.schemas import OrgCreate, OrgPatch

log = logging.getLogger("vigil.orgs")


def _new_org(
    name: str,
    kind: str,
    partner_id: str | None,
    support_by: str,
    language: str,
    address: Any,
    billing_email: str | None,
    vat_id: str | None,
    now: datetime,
    created_by: str | None,
    admin_count: int,
    time_zone: str | None = None,
) -> Org:
    org_id = ids.new_id("o")
    org = Org(
        org_pk(org_id),
        "ORG",
        org_id=org_id,
        name=name,
        kind=kind,
        partner_id=partner_id,
        support_by=support_by if partner_id else "vendor",
        language=language,
        time_zone=time_zone,
        address=Address(**address.model_dump()) if address is not None else None,
        billing_email=billing_email,
        vat_id=vat_id,
        status="active",
        admin_count=admin_count,
        created_at=now,
        created_by=created_by,
    )
    if partner_id:
        org.gsi1pk = Org.partner_partition(partner_id)
        org.gsi1sk = Org.partner_sort_key(name, org_id)
    return org


def view(org: Org, access: Access | None = None, subscription: Subscription | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": org.org_id,
        "name": org.name,
        "kind": org.kind,
        "partner_id": org.partner_id,
        "linked": org.linked,
        "support_by": org.support_by if org.linked else "vendor",
        "language": org.language,
        "time_zone": org.zone,
        "address": org.address_dict(),
        "billing_email": org.billing_email,
        "vat_id": org.vat_id,
        "buyer_reference": org.buyer_reference,
        "require_mfa": bool(org.require_mfa),
        "created_at": clock.iso(org.created_at),
    }
    if access is not None:
        out["role"] = access.role
    show_subscription = access is None or access.allows(Action.BILLING)
    if subscription is not None and show_subscription:
        out["subscription"] = subscriptions.view(subscription)
    return out


def _partner_access(principal: Principal, partner_id: str | None) -> Access:
    """The partner org the caller creates a customer from (explicit, or the only one)."""
    if partner_id:
        return resolve(principal, partner_id).require(Action.CREATE_CUSTOMER)
    candidates = [m.org_id for m in team.memberships_of_user(principal.user_id) if m.role == "admin"]
    partner_accesses = []
    for org in orgs_q.batch_get(candidates).values():
        if org.kind == "partner" and org.status == "active":
            partner_accesses.append(org)
    if len(partner_accesses) != 1:
        if not partner_accesses:
            raise errors.Forbidden(errors.M("access.create_customer"))
        raise errors.ValidationFailed({"partner_id": errors.M("field.partner_ambiguous")})
    return resolve(principal, partner_accesses[0].org_id).require(Action.CREATE_CUSTOMER)


def creating_partner(principal: Principal, partner_id: Any) -> Access:
    """The partner org a customer would be created from, decided before the body is validated
    (so that a caller who may not create customers learns nothing about the schema): the
    body's ``partner_id`` when it is a string, else the caller's only partner org."""
    return _partner_access(principal, partner_id if isinstance(partner_id, str) else None)


def create_customer(principal: Principal, body: OrgCreate, partner: Access | None = None) -> dict[str, Any]:
    """A partner creates a linked customer (default) or an independent trial org."""
    if partner is None:
        partner = _partner_access(principal, body.partner_id)
    now = clock.now()
    if body.linked:
        org = _new_org(
            body.name,
            "customer",
            partner.org_id,
            body.support_by,
            body.language,
            body.address,
            body.billing_email,
            body.vat_id,
            now,
            principal.user_id,
            0,
            time_zone=body.time_zone,
        )
        member = None
        role = "partner"
    else:
        # Independent: no partner access, no discount; the creator administers it.
        org = _new_org(
            body.name,
            "customer",
            None,
            "vendor",
            body.language,
            body.address,
            body.billing_email,
            body.vat_id,
            now,
            principal.user_id,
            1,
            time_zone=body.time_zone,
        )
        member = Membership.build(
            org.org_id, principal.user_id, principal.email or "", "admin", now, principal.user_id
        )
        if not member.email:
            member.email = _email_of(principal)
        role = "admin"
    sub = subscriptions.new_trial(org.org_id, org.paying_org_id, now)
    entry = audit_log.build(
        org_id=org.org_id,
        actor_id=principal.user_id,
        actor_email=principal.email,
        actor_role=role,
        actor_org_id=partner.org_id,
        action="org.created",
        target=org.org_id,
        details={"name": org.name, "linked": org.linked, "support_by": org.support_by, "plan": "trial"},
    )
    with db.transaction() as tx:
        tx.save(org, condition=Org.pk.does_not_exist())
        tx.save(sub, condition=Subscription.pk.does_not_exist())
        if member is not None:
            tx.save(member, condition=Membership.pk.does_not_exist())
        tx.save(entry)
    log.info("org %s created by %s (linked=%s)", org.org_id, principal.user_id, org.linked)
    _ask_billing_email(org, body.billing_email)
    out = view(org, None, sub)
    out["role"] = role
    return out


def _ask_billing_email(org: Org, billing_email: str | None) -> None:
    """A billing address outside the org gets invoices only once it confirmed (a link is mailed)."""
    if billing_email:
        from chalicelib.mail import recipients

        recipients.ask(org.org_id, org.name, org.language or "de", [billing_email])


def _email_of(principal: Principal) -> str:
    if principal.email:
        return principal.email
    return team.user_email(principal.user_id)


def _subscription(org_id: str) -> Subscription | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return Subscription.get(*Subscription.key(org_id))
    except DoesNotExist:
        return None


def get(access: Access) -> dict[str, Any]:
    sub = _subscription(access.org_id) if access.allows(Action.BILLING) else None
    return view(access.org, access, sub)


#: Fields that can be cleared with ``null``; the others always need a value.
_CLEARABLE = {"billing_email", "vat_id", "buyer_reference", "address"}


def patch(access: Access, body: OrgPatch) -> dict[str, Any]:
    """Change profile fields (JSON merge-patch: ``null`` clears, ``address`` merges per field).

    The update is conditioned on the version read by the access check, so a concurrent change
    (or a deletion) answers 409/404 instead of silently overwriting it.
    """
    access.require(Action.WRITE)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise errors.ValidationFailed({"body": errors.M("field.no_change")})
    refused: dict[str, errors.Text] = {
        f: errors.M("field.not_null") for f, v in changes.items() if v is None and f not in _CLEARABLE
    }
    if refused:
        raise errors.ValidationFailed(refused)
    org = access.org
    if "support_by" in changes:
        if not org.linked:
            raise errors.Unprocessable(
                errors.M("orgs.support_by_linked_only"),
                {"support_by": errors.M("field.linked_only")},
            )
        access.require(Action.SUPPORT_BY)
    if changes.get("require_mfa") and not access.mfa:
        # Whoever switches it on must not lock themselves out.
        raise errors.Unprocessable(
            errors.M("orgs.mfa_self_first"),
            {"require_mfa": errors.M("field.mfa_self_first")},
        )
    if "address" in changes:
        merged = org.address_dict() | (changes["address"] or dict.fromkeys(org.address_dict()))
        changes["address"] = merged if any(v is not None for v in merged.values()) else None
    changes = {f: v for f, v in changes.items() if _current(org, f) != v}
    if not changes:
        return get(access)  # nothing differs: no write, no audit entry
    actions = []
    for field, value in changes.items():
        attr = getattr(Org, field)
        if value is None or (field == "require_mfa" and value is False):
            actions.append(attr.remove())  # require_mfa is stored only while it is on
        elif field == "address":
            actions.append(attr.set(Address(**value)))
        else:
            actions.append(attr.set(value))
    if "name" in changes and org.partner_id:
        actions.append(Org.gsi1sk.set(Org.partner_sort_key(changes["name"], org.org_id)))
    actions.append(Org.version.add(1))
    before = {f: _current(org, f) for f in changes}
    action = {"support_by": "org.support_by_changed", "require_mfa": "org.mfa_policy_changed"}.get(
        next(iter(changes)) if len(changes) == 1 else "", "org.updated"
    )
    entry = audit_log.entry(
        access,
        action,
        org.org_id,
        {"changed": sorted(changes), "before": _jsonable(before), "after": _jsonable(changes)},
    )
    try:
        with db.transaction() as tx:
            tx.update(org, actions=actions, condition=(Org.status == "active") & (Org.version == org.version))
            tx.save(entry)
    except Exception as exc:
        from pynamodb.exceptions import TransactWriteError

        if isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc):
            raise errors.Conflict(errors.M("conflict.org_changed")) from exc
        raise
    for field, value in changes.items():
        setattr(org, field, Address(**value) if field == "address" and value else value)
    org.version += 1
    _ask_billing_email(org, changes.get("billing_email"))
    return get(Access(org=org, role=access.role, principal=access.principal))


def _current(org: Org, field: str) -> Any:
    if field == "require_mfa":
        return bool(org.require_mfa)
    if field == "address":
        current = org.address_dict()
        return current if any(v is not None for v in current.values()) else None
    return getattr(org, field)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Audit details: plain strings/maps, ``None`` left out (DynamoDB maps hold no nulls)."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, dict):
            out[k] = {ik: iv for ik, iv in v.items() if iv is not None}
        elif v is not None:
            out[k] = v if isinstance(v, (str, int, bool)) else str(v)
    return out


def customers(access: Access, params: dict[str, str], limit: int, cursor: str | None) -> dict[str, Any]:
    """The partner overview (``chalicelib.orgs.overview``): sorted, filtered, with totals."""
    from chalicelib.orgs import overview

    if access.org.kind != "partner":
        raise errors.Forbidden(errors.M("access.partner_only"))
    return overview.listing(access.org_id, params, limit, cursor)


def me(principal: Principal) -> dict[str, Any]:
    """Own memberships plus the linked customers reachable as partner ("Weitere Organisationen")."""
    memberships = team.memberships_of_user(principal.user_id)
    orgs = orgs_q.batch_get(m.org_id for m in memberships)
    entries: dict[str, dict[str, Any]] = {}
    partner_orgs = []
    for m in memberships:
        org = orgs.get(m.org_id)
        if org is None or org.status != "active":
            continue
        entries[org.org_id] = _me_entry(org, m.role)
        if org.kind == "partner" and m.role == "admin":
            partner_orgs.append(org.org_id)
    for partner_id in partner_orgs:
        for customer in orgs_q.customers_of(partner_id):
            if customer.status == "active":
                entries[customer.org_id] = _me_entry(customer, "partner")
    email = principal.email or _email_of(principal)
    ordered = sorted(entries.values(), key=lambda e: (e["role"] == "partner", e["name"].casefold()))
    return {"user": {"id": principal.user_id, "email": email}, "orgs": ordered}


def _me_entry(org: Org, role: str) -> dict[str, Any]:
    return {"id": org.org_id, "name": org.name, "role": role, "kind": org.kind, "partner_id": org.partner_id}
