"""Build and read audit entries.

Services put ``entry(...)`` into the same transaction as the change it records, so an audit
entry exists exactly when the change does.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Optional

from chalicelib import clock, ids
from chalicelib.audit.models import AuditEntry
from chalicelib.auth.access import Access

RETENTION = timedelta(days=366)


def entry(access: Access, action: str, target: Optional[str] = None,
          details: Optional[dict[str, Any]] = None) -> AuditEntry:
    """An unsaved entry for a change made by the caller in ``access.org``."""
    return build(
        org_id=access.org_id, actor_id=access.principal.user_id, actor_email=access.principal.email,
        actor_role=access.role, actor_org_id=access.acting_org_id, action=action, target=target,
        details=details,
    )


def build(org_id: str, actor_id: str, actor_email: Optional[str], actor_role: str,
          actor_org_id: str, action: str, target: Optional[str] = None,
          details: Optional[dict[str, Any]] = None) -> AuditEntry:
    now = clock.now()
    entry_id = ids.new_id("a")
    return AuditEntry(
        f"AUDIT#{org_id}", f"{clock.iso(now)}#{entry_id}", entry_id=entry_id, org_id=org_id,
        at=now, actor_id=actor_id, actor_email=actor_email or None, actor_role=actor_role,
        actor_org_id=actor_org_id, action=action, target=target,
        details={k: v for k, v in (details or {}).items() if v is not None} or None,
        expires_at=clock.epoch(now + RETENTION),
    )


def view(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.entry_id,
        "at": clock.iso(e.at),
        "actor": {"user_id": e.actor_id, "email": e.actor_email, "role": e.actor_role,
                  "org_id": e.actor_org_id},
        "action": e.action,
        "target": e.target,
        "details": e.details.as_dict() if e.details is not None else {},
    }
