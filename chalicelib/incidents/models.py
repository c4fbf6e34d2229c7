"""Incident items in the `core` table.

| pattern | key |
|---|---|
| incidents of an org, newest first | pk=`INC#<org>`, sk=`<opened_at>#<incident>` |
| the open incident of a subject and kind | pk=`INCOPEN#<org>`, sk=`<kind>#<subject>` → incident sk |
| open incidents of an org (`?state=open`, paged) | pk=`INCOPEN#<org>` (Query) → BatchGet the incidents |
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core_table import TABLE
from chalicelib.db import meta

KINDS = ("endpoint_down", "certificate", "headers", "host_offline", "host_disk", "host_memory")


class Incident(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # INC#<org>
    sk = UnicodeAttribute(range_key=True)  # <opened_at iso>#<incident id>
    incident_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    subject_type = UnicodeAttribute()  # endpoint | host
    subject_id = UnicodeAttribute()
    subject_name = UnicodeAttribute()
    state = UnicodeAttribute()  # open | resolved
    summary = UnicodeAttribute()  # as first written (English/org language); readers render ``code``
    # the cause as a code + parameters (``incidents.texts``), rendered per reader; absent on
    # incidents stored before #16 (``texts.code_of`` derives them from ``details``)
    code = UnicodeAttribute(null=True)
    params: MapAttribute[str, Any] = MapAttribute(null=True)
    details: MapAttribute[str, Any] = MapAttribute(null=True)
    opened_at = UTCDateTimeAttribute()
    resolved_at = UTCDateTimeAttribute(null=True)
    expires_at = NumberAttribute(null=True)

    @classmethod
    def partition(cls, org_id: str) -> str:
        return f"INC#{org_id}"

    @classmethod
    def key(cls, org_id: str, incident_sk: str) -> tuple[str, str]:
        return cls.partition(org_id), incident_sk

    @staticmethod
    def sort_key(opened_at: datetime, incident_id: str) -> str:
        from chalicelib import clock

        return f"{clock.iso(opened_at)}#{incident_id}"


class OpenIncident(Model):
    """Pointer to the open incident of (kind, subject): makes "one open at a time" atomic."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # INCOPEN#<org>
    sk = UnicodeAttribute(range_key=True)  # <kind>#<subject>
    incident_sk = UnicodeAttribute()
    opened_at = UTCDateTimeAttribute()

    @classmethod
    def partition(cls, org_id: str) -> str:
        return f"INCOPEN#{org_id}"

    @classmethod
    def key(cls, org_id: str, kind: str, subject_id: str) -> tuple[str, str]:
        return cls.partition(org_id), f"{kind}#{subject_id}"
