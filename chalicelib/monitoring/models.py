"""The `monitoring` table: endpoints, their latest status, raw results and rollups.

One table, entity type selected by key prefix:

| pattern | key / index |
|---|---|
| endpoints of an org (list, purge) | pk=`ORG#<org>`, sk begins_with `EP#` |
| one endpoint | pk=`ORG#<org>`, sk=`EP#<endpoint>` |
| latest status of an endpoint | pk=`ORG#<org>`, sk=`STATUS#<endpoint>` (BatchGet by the worker) |
| endpoints due for a check | GSI `by_due`: gsi1pk=`DUE#<shard>`, gsi1sk between `<interval>#<offset from>` and `<interval>#<offset to>~` (a fixed grid: the key does not move per check) |
| last second the dispatcher handled | pk=`SCHED`, sk=`CURSOR` (``DispatchCursor``) |
| latest check of an endpoint | pk=`RES#<org>#<endpoint>`, newest first, limit 1 |
| results of an endpoint in a period | pk=`RES#<org>#<endpoint>`, sk between `<from iso>` and `<to iso>` (TTL 90 days) |
| hourly rollups of an endpoint | pk=`ROLL#<org>#<endpoint>`, sk between `H#<hour iso>` … (+ the hour in progress of the day items) |
| daily rollups of an endpoint | pk=`ROLL#<org>#<endpoint>`, sk between `D#<date>` … |
| result/rollup partitions of an org (purge) | pk=`ORG#<org>`, sk begins_with `EP#` or `GONE#` (tombstones of deleted endpoints) → per-endpoint pk |

For the reports helper:
- ``Rollup`` (hourly sk ``H#YYYY-MM-DDTHH``, daily sk ``D#YYYY-MM-DD``; the hour in progress lives
  in the day item's ``cur`` until the next hour starts: read hourly rollups with
  ``rollups.query``): ``count`` checks (``Rollup.n`` in Python),
  ``up`` successful, ``maint`` checks inside maintenance windows (excluded from uptime:
  uptime = up / (count - maint_total) where the up/down of maintenance checks are not counted at
  all: ``count``/``up`` already exclude them), ``sum_ms``/``min_ms``/``max_ms`` response time of
  answered checks (``timed`` of them), ``hist`` counts per bucket of ``HIST_BOUNDS_MS`` and ``fh``
  (sparse) per bucket of ``FINE_BOUNDS_MS``; p95 is interpolated inside the bucket reaching
  95 % and clamped to min/max (``rollups.p95_of``); histograms of hours add up to days.
- ``Status``: ``state``, ``error``, ``certificate`` (valid, days_left,
  not_after, issuer, subject, key_type, key_bits, protocol, cipher, findings) and ``headers``
  (grade A–F, per header present|missing|weak with a recommendation). The time and response
  time of the latest check are those of the newest ``Result`` (``queries.latest_result``).
- ``Endpoint.sla_target`` (Decimal percent, default 99.9).
"""

from __future__ import annotations

import zlib
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.db import SchemaOwner, meta, register_table

TABLE = "monitoring"
#: Partitions of the ``by_due`` index; one dispatcher shard run each (fan-out). Endpoints keyed
#: when there were 8 (crc32 % 8) stay in shards 0–7, which are still queried: no migration.
DUE_SHARDS = 64
#: The check intervals an endpoint may have (``schemas.EndpointIn``); the dispatcher queries each.
INTERVALS_MINUTES = (1, 5, 15, 60)
RESULT_DAYS = 90
#: Upper bounds (ms) of the response-time histogram buckets; the last bucket is open-ended.
HIST_BOUNDS_MS = (50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000)


def _fine_bounds(exact_up_to: int = 20, top: int = 120_000) -> tuple[int, ...]:
    """Upper bounds (ms) of the fine histogram: one bucket per millisecond up to 20 ms, then each
    bucket's upper bound at most 10 % above its lowest value (integer ms), so that a percentile
    interpolated inside its bucket is within 10 % of the exact value."""
    bounds = list(range(exact_up_to + 1))
    while bounds[-1] < top:
        bounds.append(max(bounds[-1] + 1, int(bounds[-1] * 1.1)))
    return tuple(bounds)


#: Upper bounds of the fine histogram (``Rollup.fh``, sparse: bucket index → count); the last
#: bucket is open-ended.
FINE_BOUNDS_MS = _fine_bounds()


ENDPOINT_PREFIX = "EP#"
GONE_PREFIX = "GONE#"


def org_pk(org_id: str) -> str:
    """Partition of an org's endpoints, statuses and tombstones."""
    return f"ORG#{org_id}"


def due_pk(shard: int) -> str:
    return f"DUE#{shard}"


def due_shard(endpoint_id: str) -> str:
    """The ``by_due`` partition an endpoint is scheduled in."""
    return due_pk(zlib.crc32(endpoint_id.encode()) % DUE_SHARDS)


def due_sk(org_id: str, endpoint_id: str, anchor: datetime, interval_minutes: int) -> str:
    """``<interval>#<offset>#<org>#<endpoint>``: the endpoint's slots are the seconds t with
    t ≡ offset (mod interval), offset = anchor mod interval, so the key never changes between
    checks and the dispatcher selects a run's due endpoints by offset ranges."""
    return f"{interval_minutes:04d}#{due_offset(anchor, interval_minutes):05d}#{org_id}#{endpoint_id}"


def due_offset(anchor: datetime, interval_minutes: int) -> int:
    return int(anchor.timestamp()) % (interval_minutes * 60)


def results_pk(org_id: str, endpoint_id: str) -> str:
    return f"RES#{org_id}#{endpoint_id}"


def rollups_pk(org_id: str, endpoint_id: str) -> str:
    return f"ROLL#{org_id}#{endpoint_id}"


class ByDueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_due"
        # what the dispatcher needs to claim without reading the item
        projection = IncludeProjection(["org_id", "endpoint_id", "interval_minutes"])

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


@register_table
class MonitoringTable(SchemaOwner):
    """Schema owner of the table (keys, GSI, TTL); entity models below share it."""

    Meta = meta(TABLE)
    ttl_attribute = "expires_at"

    expires_at = NumberAttribute(null=True)

    by_due = ByDueIndex()


class Endpoint(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True)  # EP#<endpoint>
    gsi1pk = UnicodeAttribute(null=True)  # DUE#<shard>; removed while paused
    gsi1sk = UnicodeAttribute(null=True)  # <interval>#<offset s>#<org>#<endpoint>

    endpoint_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    url = UnicodeAttribute()
    interval_minutes = NumberAttribute()
    paused = BooleanAttribute(default=False)
    checks: MapAttribute[str, Any] = MapAttribute()  # see schemas.ChecksIn
    # [{starts_at, ends_at, reason}]
    maintenance_windows: ListAttribute[dict[str, Any]] = ListAttribute(default=list)
    # {consecutive_failures, recipients, webhook_url, webhook_secret}
    alert: MapAttribute[str, Any] = MapAttribute()
    sla_target = UnicodeAttribute(default="99.9")  # Decimal as string
    # the first slot of the endpoint's grid (set on create, resume, new URL or interval); its
    # slots are next_check_at + k × interval. The next one shown by the API is derived from it.
    next_check_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)

    by_due = ByDueIndex()

    @classmethod
    def key(cls, org_id: str, endpoint_id: str) -> tuple[str, str]:
        return org_pk(org_id), f"{ENDPOINT_PREFIX}{endpoint_id}"


class DispatchCursor(Model):
    """The last second (epoch) whose slots the dispatcher has queued: a run handles the slots in
    (through, now] and moves it with a conditional put, so overlapping runs never both do."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # SCHED
    sk = UnicodeAttribute(range_key=True)  # CURSOR
    through = NumberAttribute()

    @classmethod
    def key(cls) -> tuple[str, str]:
        return "SCHED", "CURSOR"


class Status(Model):
    """Latest state of an endpoint; written only by the worker checking it, and only when it
    changes (state, error, certificate, headers, alert memory)."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True)  # STATUS#<endpoint>
    state = UnicodeAttribute(default="pending")  # pending | up | down | degraded
    # The time and response time of the latest check are not kept here (they change every
    # check): readers take them from the newest Result, so this item is written only when
    # something below changes. Items written before keep `checked_at`/`response_ms`, ignored.
    error = UnicodeAttribute(null=True)
    fails = NumberAttribute(default=0)  # consecutive failed checks
    down_counted = BooleanAttribute(default=False)  # counted in the org's endpoints_down
    certificate: MapAttribute[str, Any] = MapAttribute(null=True)
    headers: MapAttribute[str, Any] = MapAttribute(null=True)
    cert_alerted = NumberAttribute(null=True)  # smallest days-left threshold already alerted
    cert_not_after = UnicodeAttribute(null=True)  # the certificate that alert was about
    last_open_mail_at = UTCDateTimeAttribute(null=True)  # flapping guard
    mailed_incident = UnicodeAttribute(null=True)  # incident whose opening was mailed

    @classmethod
    def key(cls, org_id: str, endpoint_id: str) -> tuple[str, str]:
        return org_pk(org_id), f"STATUS#{endpoint_id}"


class Result(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # RES#<org>#<endpoint>
    sk = UnicodeAttribute(range_key=True)  # <checked_at iso, ms precision>
    state = UnicodeAttribute()  # up | down | degraded
    status_code = NumberAttribute(null=True)
    response_ms = NumberAttribute(null=True)
    # dns_ms, connect_ms, tls_ms, first_byte_ms, total_ms
    timings: MapAttribute[str, Any] = MapAttribute(null=True)
    error = UnicodeAttribute(null=True)
    maintenance = BooleanAttribute(default=False)
    details: MapAttribute[str, Any] = MapAttribute(null=True)  # availability, dns findings (compact)
    expires_at = NumberAttribute()


class Rollup(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ROLL#<org>#<endpoint>
    sk = UnicodeAttribute(range_key=True)  # H#YYYY-MM-DDTHH | D#YYYY-MM-DD
    # stored as `count`; the Python name must not shadow ``Model.count()``
    n = NumberAttribute(default=0, attr_name="count")
    up = NumberAttribute(default=0)
    maint = NumberAttribute(default=0)
    timed = NumberAttribute(default=0)
    sum_ms = NumberAttribute(default=0)
    min_ms = NumberAttribute(null=True)
    max_ms = NumberAttribute(null=True)
    hist: ListAttribute[float] = ListAttribute(of=NumberAttribute, default=list)  # type: ignore[arg-type]  # PynamoDB types `of` as the element type (pynamodb#1221)
    # fine histogram, sparse {bucket index of FINE_BOUNDS_MS (text): count}; absent on items
    # written before it existed (their p95 falls back to ``hist``)
    fh: MapAttribute[str, Any] = MapAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    # day items only: the hour in progress (``YYYY-MM-DDTHH``) and its figures (count, up, maint,
    # timed, sum_ms, min_ms, max_ms, hist); see ``rollups`` — readers use ``rollups.query``.
    cur_hour = UnicodeAttribute(null=True)
    cur: MapAttribute[str, Any] = MapAttribute(null=True)


class Gone(Model):
    """Tombstone of a deleted endpoint: the org purge still finds its results and rollups."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True)  # GONE#<endpoint>
    endpoint_id = UnicodeAttribute()
    expires_at = NumberAttribute(null=True)

    @classmethod
    def build(cls, org_id: str, endpoint_id: str, expires_at: int) -> Gone:
        return cls(
            org_pk(org_id), f"{GONE_PREFIX}{endpoint_id}", endpoint_id=endpoint_id, expires_at=expires_at
        )
