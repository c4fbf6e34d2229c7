"""Build and read audit entries.

Services put ``entry(...)`` into the same transaction as the change it records, so an audit
entry exists exactly when the change does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib import clock, db, ids
from chalicelib.audit.models import AuditEntry, EntryMarker
from chalicelib.auth.access import Access, Action

RETENTION = timedelta(days=366)
#: A Cognito session (refresh token) lasts at most 30 days; the marker outlives it.
MARKER_TTL = timedelta(days=31)


def entry(
    access: Access, action: str, target: str | None = None, details: dict[str, Any] | None = None
) -> AuditEntry:
    """An unsaved entry for a change made by the caller in ``access.org``."""
    return build(
        org_id=access.org_id,
        actor_id=access.principal.user_id,
        actor_email=access.principal.email,
        actor_role=access.role,
        actor_org_id=access.acting_org_id,
        action=action,
        target=target,
        details=details,
    )


def build(
    org_id: str,
    actor_id: str,
    actor_email: str | None,
    actor_role: str,
    actor_org_id: str,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    now = clock.now()
    entry_id = ids.new_id("a")
    return AuditEntry(
        AuditEntry.partition(org_id),
        f"{clock.iso(now)}#{entry_id}",
        entry_id=entry_id,
        org_id=org_id,
        at=now,
        actor_id=actor_id,
        actor_email=actor_email or None,
        actor_role=actor_role,
        actor_org_id=actor_org_id,
        action=action,
        target=target,
        details={k: v for k, v in (details or {}).items() if v is not None} or None,
        expires_at=clock.epoch(now + RETENTION),
    )


def view(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.entry_id,
        "at": clock.iso(e.at),
        "actor": {
            "user_id": e.actor_id,
            "email": e.actor_email,
            "role": e.actor_role,
            "org_id": e.actor_org_id,
        },
        "action": e.action,
        "target": e.target,
        "details": e.details.as_dict() if e.details is not None else {},
    }


def list_entries(access: Access, limit: int, cursor: str | None) -> dict[str, Any]:
    """One page of the org's audit log, newest first; expired entries are skipped.

    TTL deletion lags by up to days, so the expiry filter keeps the one-year promise exactly.
    """
    access.require(Action.AUDIT)
    now = clock.epoch(clock.now())
    query = AuditEntry.query(
        AuditEntry.partition(access.org_id),
        scan_index_forward=False,
        filter_condition=AuditEntry.expires_at > now,
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"audit/{access.org_id}"),
    )
    items, next_cursor = db.page(query, limit, scope)
    return {"items": [view(e) for e in items if e.expires_at > now], "next": next_cursor}


def session_of(access: Access) -> str:
    """The caller's session: the token's login time, or (token without one) the UTC day."""
    return access.principal.auth_time or f"day-{clock.now().date().isoformat()}"


def record_partner_entry(access: Access) -> bool:
    """Write `partner.entered` once per (user, org, session); True if this call wrote it.

    One transaction: a marker item guarded by ``attribute_not_exists`` plus the entry. A second
    call in the same session fails the condition and writes nothing, so the log holds exactly
    one entry per session however often (or concurrently) the partner opens the org.
    """
    if access.role != "partner":
        return False
    from pynamodb.exceptions import TransactWriteError

    session = session_of(access)
    now = clock.now()
    marker = EntryMarker(
        *EntryMarker.key(access.org_id, access.principal.user_id, session),
        expires_at=clock.epoch(now + MARKER_TTL),
    )
    record = entry(
        access, "partner.entered", access.org_id, {"session": session, "partner_org_id": access.acting_org_id}
    )
    try:
        with db.transaction() as tx:
            tx.save(marker, condition=EntryMarker.pk.does_not_exist())
            tx.save(record)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            return False
        raise
    return True


def purge_org(org_id: str, deadline: float) -> bool:
    """Delete the org's audit log and session markers (a step of the core purge)."""
    return db.drain(AuditEntry, AuditEntry.partition(org_id), deadline) and db.drain(
        EntryMarker, EntryMarker.partition(org_id), deadline
    )
