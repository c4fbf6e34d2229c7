"""Append-only audit log per org: who did what, as which role, from which org."""
