"""Team members: list, add (inviting new users), change role, remove.

The org item's ``admin_count`` moves in the same transaction as the membership, with the
condition that an org without a partner keeps at least one admin — so two concurrent
demotions cannot both succeed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from chalicelib import clock, db, errors, idempotency, ratelimit
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action
from chalicelib.orgs.models import Org
from chalicelib.team import queries
from chalicelib.team.models import EmailIndex, Membership

if TYPE_CHECKING:  # pydantic stays off the cold-start path
    from chalicelib.team.schemas import MemberAdd, MemberPatch

log = logging.getLogger("vigil.team")


def view(m: Membership) -> dict[str, Any]:
    return {"user_id": m.user_id, "email": m.email, "role": m.role, "added_at": clock.iso(m.added_at)}


def list_members(access: Access, limit: int, cursor: str | None) -> dict[str, Any]:
    items, next_cursor = queries.members_page(access.org_id, limit, cursor)
    return {"items": [view(m) for m in items], "next": next_cursor}


def _member(org_id: str, user_id: str) -> Membership:
    from pynamodb.exceptions import DoesNotExist

    if not user_id or len(user_id) > 64:
        raise errors.NotFound(errors.M("not_found.member"))
    try:
        return Membership.get(*Membership.key(org_id, user_id))
    except DoesNotExist as exc:
        raise errors.NotFound(errors.M("not_found.member")) from exc


def _admin_guard(org: Org, delta: int) -> Any:
    """Condition for changing the admin count by ``delta``."""
    cond = Org.status == "active"
    if delta < 0 and not org.linked:
        cond = cond & (Org.admin_count > 1)
    return cond


def add(access: Access, body: MemberAdd, idem_key: str | None) -> tuple[int, dict[str, Any]]:
    """Add a member; unknown addresses get a pool user and an invitation with a temporary password."""
    access.require(Action.WRITE)
    ratelimit.take("invites", access.org_id)  # each new address costs a pool user and a mail
    # The e-mail lookup and the idempotency record come in one BatchGetItem.
    scope = f"{access.org_id}:members"
    wanted: list[tuple[type, tuple[str, str]]] = [(EmailIndex, EmailIndex.key(body.email))]
    idem_key_item = idempotency.record_key(scope, idem_key) if idem_key else None
    if idem_key_item:
        wanted.append((idempotency.IdempotencyRecord, idem_key_item))
    found = db.batch_get_mixed(wanted)
    email_item = db.found_as(found, EmailIndex.key(body.email), EmailIndex)
    return idempotency.run(
        scope,
        idem_key,
        body.model_dump(),
        lambda claim: _add(access, body, email_item, claim),
        found=db.found_as(found, idem_key_item, idempotency.IdempotencyRecord) if idem_key_item else None,
    )


def _add(
    access: Access, body: MemberAdd, email_item: EmailIndex | None, claim: idempotency.Claim | None
) -> tuple[int, dict[str, Any]]:
    from chalicelib.auth import cognito
    from chalicelib.team import invitations

    org = access.org
    now = clock.now()
    created_in_pool = False
    temp_password = None
    new_user = False
    if email_item is None:
        # Only a verified account is ever attached. Whatever else the pool holds for the address
        # (a pending signup — perhaps someone else's pre-registration —, a pool user nobody
        # verified) is removed: the address is treated as new and the invitation mail decides.
        from chalicelib.orgs import signup as signups

        signups.forget(body.email)
        temp_password = cognito.temporary_password()
        user_id = cognito.create_user(body.email, temp_password, permanent=False)
        created_in_pool = True
        new_user = True
    else:
        user_id = email_item.user_id
    member = Membership.build(org.org_id, user_id, body.email, body.role, now, access.principal.user_id)
    # The same answer whether the address had an account: an invite must not reveal that.
    result = view(member)
    entry = audit_log.entry(access, "member.added", user_id, {"email": body.email, "role": body.role})
    try:
        with db.transaction() as tx:
            tx.save(member, condition=Membership.pk.does_not_exist())
            if body.role == "admin":
                tx.update(org, actions=[Org.admin_count.add(1)], condition=Org.status == "active")
            else:
                tx.condition_check(Org, org.pk, org.sk, condition=Org.status == "active")
            if new_user:
                queries.save_new_user(tx, user_id, body.email, now)
            tx.save(entry)
            if claim is not None:
                claim.save_in(tx, 201, result)
    except Exception as exc:
        if created_in_pool:
            cognito.delete_user(body.email)
        from pynamodb.exceptions import TransactWriteError

        if isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc):
            # idempotency.run answers instead when a request with the same key won the race
            raise errors.Conflict(errors.M("conflict.member_exists", email=body.email)) from exc
        raise
    if temp_password is not None:
        invitations.invitation(body.email, org.name, body.role, org.language, temp_password, org=org)
    else:
        invitations.added(body.email, org.name, body.role, org.language, org=org)
    log.info("member %s added to %s as %s", user_id, org.org_id, body.role)
    return 201, result


def change_role(access: Access, user_id: str, body: MemberPatch) -> dict[str, Any]:
    access.require(Action.WRITE)
    member = _member(access.org_id, user_id)
    if member.role == body.role:
        return view(member)
    delta = 1 if body.role == "admin" else -1
    entry = audit_log.entry(
        access, "member.role_changed", user_id, {"email": member.email, "from": member.role, "to": body.role}
    )
    try:
        with db.transaction() as tx:
            tx.update(
                member, actions=[Membership.role.set(body.role)], condition=Membership.role == member.role
            )
            tx.update(
                access.org, actions=[Org.admin_count.add(delta)], condition=_admin_guard(access.org, delta)
            )
            tx.save(entry)
    except Exception as exc:
        from pynamodb.exceptions import TransactWriteError

        if isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc):
            raise errors.Conflict(errors.M("conflict.last_admin_demote")) from exc
        raise
    member.role = body.role
    return view(member)


def remove(access: Access, user_id: str) -> None:
    access.require(Action.WRITE)
    member = _member(access.org_id, user_id)
    entry = audit_log.entry(access, "member.removed", user_id, {"email": member.email, "role": member.role})
    try:
        with db.transaction() as tx:
            tx.delete(member, condition=Membership.role == member.role)
            if member.role == "admin":
                tx.update(
                    access.org, actions=[Org.admin_count.add(-1)], condition=_admin_guard(access.org, -1)
                )
            tx.save(entry)
    except Exception as exc:
        from pynamodb.exceptions import TransactWriteError

        if isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc):
            raise errors.Conflict(errors.M("conflict.last_admin_remove")) from exc
        raise
