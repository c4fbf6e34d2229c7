"""The `hosts` table: hosts, their agent-token index, hourly metric rollups, the per-org count.

One table, entity type selected by key prefix (never by a filter). Access patterns:

| pattern | key / index |
|---|---|
| hosts of an org (list, purge) | pk=`ORG#<org>`, sk begins_with `HOST#` |
| one host (latest metrics, state, thresholds) | pk=`ORG#<org>`, sk=`HOST#<host>` |
| rollups left by a deleted host (purge) | pk=`ORG#<org>`, sk=`GONE#<host>` (TTL 90 d) |
| host of an agent token (heartbeat auth) | pk=`TOKEN#<hmac>`, sk=`TOKEN` |
| hourly rollups of a host, by time range | pk=`RU#<host>`, sk=`<YYYY-MM-DDTHH>` (TTL 90 d) |
| online hosts whose offline deadline passed | GSI `by_deadline`: gsi1pk=`LIVE#<shard>`, gsi1sk=`<offline_after>#<host>` (sparse: only online hosts) |

Heartbeat ingestion costs two calls: GetItem of the token item (which carries org and host id),
then one TransactWriteItems that updates the host item (conditional: token still current, last
accepted heartbeat ≥ 10 s ago, and no state transition pending) and folds the sample into the
hour's rollup item with ADD. A failed condition sends the request down a slow path that reads
the host and applies transitions (online again, threshold crossed) — see ``heartbeat``.

Hourly rollup item (``HostRollup``; consumed by host reports):

| attribute | meaning |
|---|---|
| pk, sk | `RU#<host>`, hour start `YYYY-MM-DDTHH` (UTC) |
| org_id, host_id | owner |
| n | accepted heartbeats in the hour |
| interval_s | the agent's reporting interval (last seen in the hour) |
| load1_sum, load5_sum, load15_sum | sums of the load averages (÷ n = mean) |
| cpu_count | CPUs (last seen) — load ÷ cpu_count = saturation |
| mem_pct_sum, swap_pct_sum | sums of used memory / swap percent (÷ n = mean) |
| disk_pct_sum | sum over heartbeats of the fullest mount's used percent (÷ n = mean) |
| mem_pct_last, disk_pct_last, load1_last | last sample of the hour |
| expires_at | TTL, hour start + 90 days |

Online percent of an hour = min(100, n × interval_s ÷ 3600 × 100); hours without an item were
offline (or before the host existed).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.db import SchemaOwner, meta, register_table

TABLE = "hosts"
SHARDS = 4
ROLLUP_KEEP = timedelta(days=90)
DEFAULT_DISK_LIMIT = 90
DEFAULT_MEMORY_LIMIT = 95


HOST_PREFIX = "HOST#"
GONE_PREFIX = "GONE#"


class ByDeadlineIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_deadline"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


@register_table
class HostsTable(SchemaOwner):
    """Schema owner of the table (keys, GSI, TTL); entity models below share it."""

    Meta = meta(TABLE)
    ttl_attribute = "expires_at"

    expires_at = NumberAttribute(null=True)

    by_deadline = ByDeadlineIndex()


class Host(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True)  # HOST#<host>
    gsi1pk = UnicodeAttribute(null=True)  # LIVE#<shard> while online
    gsi1sk = UnicodeAttribute(null=True)  # <offline_after iso>#<host>

    host_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]  # PynamoDB types `of` as the element type (pynamodb#1221)
    token_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="pending")  # pending | online | offline
    last_seen_at = UTCDateTimeAttribute(null=True)
    # the first accepted heartbeat: host availability counts from here (``chalicelib.availability``)
    first_seen_at = UTCDateTimeAttribute(null=True)
    hb_ms = NumberAttribute(null=True)  # epoch ms of the last accepted heartbeat (rate limit)
    offline_after = UTCDateTimeAttribute(null=True)
    interval_s = NumberAttribute(default=60)
    # latest heartbeat, normalised (see heartbeat.normalise)
    metrics: MapAttribute[str, Any] = MapAttribute(null=True)
    disk_limit = NumberAttribute(default=DEFAULT_DISK_LIMIT)  # alert above this used %
    memory_limit = NumberAttribute(default=DEFAULT_MEMORY_LIMIT)
    disk_alert = BooleanAttribute(default=False)  # whether the last sample was above the limit
    memory_alert = BooleanAttribute(default=False)
    version = NumberAttribute(default=1)

    by_deadline = ByDeadlineIndex()

    @classmethod
    def key(cls, org_id: str, host_id: str) -> tuple[str, str]:
        return org_pk(org_id), f"{HOST_PREFIX}{host_id}"


class GoneHost(Model):
    """A deleted host whose rollups still exist (until TTL); lets the org purge find them."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True)  # GONE#<host>
    host_id = UnicodeAttribute()
    expires_at = NumberAttribute(null=True)

    @classmethod
    def build(cls, org_id: str, host_id: str, expires_at: int) -> GoneHost:
        return cls(org_pk(org_id), f"{GONE_PREFIX}{host_id}", host_id=host_id, expires_at=expires_at)


class AgentToken(Model):
    """Index from the keyed hash of an agent token to its host (the token itself is never stored)."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # TOKEN#<hmac-sha256 hex>
    sk = UnicodeAttribute(range_key=True, default="TOKEN")
    org_id = UnicodeAttribute()
    host_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, token_hash: str) -> tuple[str, str]:
        return f"TOKEN#{token_hash}", "TOKEN"


class HostRollup(Model):
    """One hour of a host's heartbeats (shape in the module docstring)."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # RU#<host>
    sk = UnicodeAttribute(range_key=True)  # YYYY-MM-DDTHH
    org_id = UnicodeAttribute(null=True)
    host_id = UnicodeAttribute(null=True)
    n = NumberAttribute(default=0)
    interval_s = NumberAttribute(null=True)
    cpu_count = NumberAttribute(null=True)
    load1_sum = NumberAttribute(default=0)
    load5_sum = NumberAttribute(default=0)
    load15_sum = NumberAttribute(default=0)
    mem_pct_sum = NumberAttribute(default=0)
    swap_pct_sum = NumberAttribute(default=0)
    disk_pct_sum = NumberAttribute(default=0)
    mem_pct_last = NumberAttribute(null=True)
    disk_pct_last = NumberAttribute(null=True)
    load1_last = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)

    @classmethod
    def partition(cls, host_id: str) -> str:
        return f"RU#{host_id}"

    @classmethod
    def key(cls, host_id: str, hour: str) -> tuple[str, str]:
        return cls.partition(host_id), hour


def org_pk(org_id: str) -> str:
    """Partition of an org's hosts and tombstones."""
    return f"ORG#{org_id}"


def shard_pk(shard: int) -> str:
    return f"LIVE#{shard}"


def shard_of(host_id: str) -> str:
    return shard_pk(zlib.crc32(host_id.encode()) % SHARDS)


def hour_key(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H")
