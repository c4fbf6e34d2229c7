"""Audit entries in the `core` table.

| pattern | key |
|---|---|
| entries of an org, newest first | pk=`AUDIT#<org>`, sk=`<at>#<id>` (Query, ScanIndexForward=false) |

Entries expire after a year (TTL `expires_at`); readers also skip expired ones.
"""
from __future__ import annotations

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
    details = MapAttribute(null=True)
    expires_at = NumberAttribute()
