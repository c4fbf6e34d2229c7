"""The `reports` table: report records (the PDFs live in S3) and report schedules.

| pattern | key / index |
|---|---|
| reports of an org, newest first | pk=`ORG#<org>`, sk begins_with `REPORT#` (Query, ScanIndexForward=false; ids sort by creation) |
| one report | pk=`ORG#<org>`, sk=`REPORT#<report>` (GetItem) |
| schedules of an org | pk=`ORG#<org>`, sk begins_with `SCHED#` (Query) |
| one schedule | pk=`ORG#<org>`, sk=`SCHED#<schedule>` (GetItem) |
| schedules due by a time | GSI `by_due`: gsi1pk=`DUE#<shard>`, gsi1sk <= `<next_run iso>#~` (Query per shard) |
| everything of an org (purge) | pk=`ORG#<org>` (Query) |

The due index is sharded (``DUE_SHARDS`` partitions, shard from the schedule id) so that the
scheduled job reads a few small partitions instead of one hot one.
"""

from __future__ import annotations

import zlib

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.db import SchemaOwner, meta, register_table

TABLE = "reports"
DUE_SHARDS = 4
REPORT_PREFIX = "REPORT#"
SCHEDULE_PREFIX = "SCHED#"


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"


def due_pk(shard: int) -> str:
    return f"DUE#{shard}"


def due_shard(schedule_id: str) -> str:
    return due_pk(zlib.crc32(schedule_id.encode()) % DUE_SHARDS)


class ByDueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_due"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


@register_table
class ReportsTable(SchemaOwner):
    """Schema owner of the table (keys, GSI); the entity models below share it."""

    Meta = meta(TABLE)

    by_due = ByDueIndex()


class Target(MapAttribute):
    type = UnicodeAttribute()  # endpoint | host
    id = UnicodeAttribute()
    name = UnicodeAttribute(null=True)


class Report(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True)  # REPORT#<report>
    report_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    target = Target()
    period_from = UTCDateTimeAttribute(attr_name="from")
    period_to = UTCDateTimeAttribute(attr_name="to")
    language = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()  # user id, or `schedule:<id>` for scheduled reports
    s3_key = UnicodeAttribute()
    size = NumberAttribute()
    schedule_id = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, org_id: str, report_id: str) -> tuple[str, str]:
        return org_pk(org_id), f"{REPORT_PREFIX}{report_id}"


class ReportSchedule(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True)  # SCHED#<schedule>
    gsi1pk = UnicodeAttribute()  # DUE#<shard>
    gsi1sk = UnicodeAttribute()  # <next_run iso>#<org>#<schedule>
    schedule_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    target = Target()
    frequency = UnicodeAttribute()  # weekly | monthly
    recipients: ListAttribute[str] = ListAttribute(of=UnicodeAttribute)  # type: ignore[arg-type]  # PynamoDB types `of` as the element type (pynamodb#1221)
    language = UnicodeAttribute()
    next_run = UTCDateTimeAttribute()
    last_run = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()

    by_due = ByDueIndex()

    @classmethod
    def key(cls, org_id: str, schedule_id: str) -> tuple[str, str]:
        return org_pk(org_id), f"{SCHEDULE_PREFIX}{schedule_id}"
