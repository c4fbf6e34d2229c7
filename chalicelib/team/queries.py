"""Access patterns of members and users (the `core` table) for every domain.

Other domains read members and create or delete users only through these functions; the key
shapes stay on the models (``Membership.key``, ``User.key``, ``EmailIndex.key``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib import db
from chalicelib.core_table import org_pk
from chalicelib.team.models import MEMBER_PREFIX, EmailIndex, Membership, User


def members_page(org_id: str, limit: int, cursor: str | None) -> tuple[list[Membership], str | None]:
    query = Membership.query(
        org_pk(org_id),
        Membership.sk.startswith(MEMBER_PREFIX),
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"members/{org_id}"),
    )
    return db.page(query, limit, scope)


def members_of(org_id: str, limit: int | None = None) -> list[Membership]:
    """The org's memberships (at most ``limit``)."""
    return list(Membership.query(org_pk(org_id), Membership.sk.startswith(MEMBER_PREFIX), limit=limit))


def admin_emails(org_id: str) -> list[str]:
    """E-mail addresses of the org's administrators, in key (user id) order."""
    return [m.email for m in members_of(org_id) if m.role == "admin" and m.email]


def memberships_of_user(user_id: str, limit: int | None = None) -> list[Membership]:
    """The user's memberships in every org (GSI ``by_user``)."""
    return list(Membership.by_user.query(Membership.user_partition(user_id), limit=limit))


def drain_members(
    org_id: str, deadline: float, handle: Callable[[list[Membership]], bool], limit: int
) -> bool:
    """``db.drain`` over the org's memberships (the org purge)."""
    return db.drain(
        Membership,
        org_pk(org_id),
        deadline,
        Membership.sk.startswith(MEMBER_PREFIX),
        limit=limit,
        handle=handle,
    )


def save_new_user(tx: Any, user_id: str, email: str, created_at: datetime) -> None:
    """Add the user item and its unique e-mail item to the transaction ``tx``; the transaction
    fails when the address belongs to a user already."""
    tx.save(User(*User.key(user_id), user_id=user_id, email=email, created_at=created_at))
    tx.save(EmailIndex(*EmailIndex.key(email), user_id=user_id), condition=EmailIndex.pk.does_not_exist())


def delete_user(user_id: str, email: str) -> None:
    """Delete the user item, its e-mail item and its account-security items: MFA secret and
    session state, a pending reset code (no error when absent)."""
    from chalicelib.auth.models import AuthState, ResetCode

    User(*User.key(user_id)).delete()
    EmailIndex(*EmailIndex.key(email)).delete()
    AuthState(*AuthState.key(user_id)).delete()
    ResetCode(*ResetCode.key(email)).delete()


def user_email(user_id: str) -> str:
    """The user's e-mail address, "" when there is no user item."""
    from pynamodb.exceptions import DoesNotExist

    try:
        return User.get(*User.key(user_id)).email
    except DoesNotExist:
        return ""
