"""What the app stored, read straight from the emulator (not through the API under test)."""

from __future__ import annotations


def audit_actions(org_id: str) -> list[str]:
    """What the log holds, read from the table (newest first), not through the API."""
    from chalicelib.audit.models import AuditEntry

    return [e.action for e in AuditEntry.query(f"AUDIT#{org_id}", scan_index_forward=False)]
