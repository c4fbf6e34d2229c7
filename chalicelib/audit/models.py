"""Audit entries in the `core` table.

| pattern | key |
|---|---|
| entries of an org, newest first | pk=`AUDIT#<org>`, sk=`<at>#<id>` (Query, ScanIndexForward=false) |
| "partner entered this org in this session" marker | pk=`ENTERED#<org>`, sk=`<user>#<auth_time>` (conditional Put) |
| all markers of an org (purge) | pk=`ENTERED#<org>` (Query) |

Entries expire after a year (TTL `expires_at`); readers also skip expired ones. Entries are
append-only: nothing updates them, only the org purge deletes them. Markers expire after
``MARKER_TTL`` (longer than a Cognito refresh-token session, so one session stays one entry).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core_table import TABLE
from chalicelib.db import meta


class AuditEntry(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # AUDIT#<org>
    sk = UnicodeAttribute(range_key=True)  # <iso at>#<id>
    entry_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    actor_id = UnicodeAttribute()
    actor_email = UnicodeAttribute(null=True)
    actor_role = UnicodeAttribute()  # guest | admin | partner | operator | system
    actor_org_id = UnicodeAttribute()  # the org the actor acted from
    action = UnicodeAttribute()  # e.g. member.added, org.updated, partner.entered
    target = UnicodeAttribute(null=True)
    details: MapAttribute[str, Any] = MapAttribute(null=True)
    expires_at = NumberAttribute()

    @classmethod
    def partition(cls, org_id: str) -> str:
        return f"AUDIT#{org_id}"


class EntryMarker(Model):
    """Exists once a partner's session has been recorded as `partner.entered` in an org."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ENTERED#<org>
    sk = UnicodeAttribute(range_key=True)  # <user>#<auth_time>
    expires_at = NumberAttribute()

    @classmethod
    def key(cls, org_id: str, user_id: str, session: str) -> tuple[str, str]:
        return cls.partition(org_id), f"{user_id}#{session}"

    @classmethod
    def partition(cls, org_id: str) -> str:
        return f"ENTERED#{org_id}"
