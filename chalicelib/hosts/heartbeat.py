"""``POST /agent/heartbeat`` ingestion: the agent token decides the host, nothing else.

Steady state is two DynamoDB calls per accepted heartbeat:

1. GetItem of the token item ``TOKEN#<hmac>`` → org and host id (unknown/revoked → 401).
2. One TransactWriteItems: the host item is updated (latest metrics, last seen, offline
   deadline in the ``by_deadline`` index) under the condition that the token is still the
   host's, the last accepted heartbeat is ≥ 10 s old, the host is already online and its alert
   flags agree with this sample; the hour's rollup item is folded with ADD in the same call.

When that condition fails the request takes the slow path: read the host (consistently) and
answer 401 (token rotated meanwhile), 429 (too soon; Retry-After from the stored time), or
apply the transition (pending/offline → online, a threshold crossed) with an optimistic
condition on what was read, then open/resolve incidents and mail. The rate limit is thus a
conditional write, never a read-then-write.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock, db, errors
from chalicelib.hosts import alerting, tokens
from chalicelib.hosts.models import ROLLUP_KEEP, AgentToken, Host, HostRollup, hour_key, shard_of
from chalicelib.hosts.schemas import Heartbeat
from chalicelib.orgs import counters

MAX_BODY = 64 * 1024
MIN_GAP_MS = 10_000
MISSED_INTERVALS = 3
MIN_INTERVAL_S = 10  # the offline deadline never gets shorter than 3 × this

_UNAUTHORIZED = errors.M("auth.agent_token_required")


def _pct(part: float, whole: float) -> float:
    return round(part * 100.0 / whole, 1) if whole > 0 else 0.0


def _num(value: float) -> float:
    """Rounded so that DynamoDB sums stay short decimals."""
    return round(float(value), 3)


class Sample:
    """A validated heartbeat, normalised for storage and threshold checks."""

    def __init__(self, hb: Heartbeat, at: datetime) -> None:
        self.hb = hb
        self.mem_pct = _pct(hb.memory.total_bytes - hb.memory.available_bytes, hb.memory.total_bytes)
        self.swap_pct = (
            _pct(hb.swap.total_bytes - hb.swap.free_bytes, hb.swap.total_bytes) if hb.swap else 0.0
        )
        self.disks: list[dict[str, Any]] = []
        for d in hb.disks:
            # df's percent: used of (used + available to users), root reserve excluded.
            pct = _pct(d.used_bytes, d.used_bytes + d.free_bytes)
            self.disks.append(
                {
                    "mount": d.mount,
                    "fs": d.fs,
                    "total_bytes": d.total_bytes,
                    "used_bytes": d.used_bytes,
                    "free_bytes": d.free_bytes,
                    "used_percent": f"{pct:.1f}",
                }
            )
        fullest = max(self.disks, key=lambda d: float(d["used_percent"]), default=None)
        self.disk_pct = float(fullest["used_percent"]) if fullest else 0.0
        self.fullest_mount = str(fullest["mount"]) if fullest else ""
        self.at = at

    def metrics(self) -> dict[str, Any]:
        hb = self.hb
        out: dict[str, Any] = {
            "hostname": hb.hostname,
            "os": {"name": hb.os.name, "version": hb.os.version, "kernel": hb.os.kernel, "arch": hb.os.arch},
            "agent_version": hb.agent_version,
            "uptime_s": hb.uptime_s,
            "load": {"load1": hb.load.load1, "load5": hb.load.load5, "load15": hb.load.load15},
            "cpu_count": hb.cpu_count,
            "memory": {
                "total_bytes": hb.memory.total_bytes,
                "available_bytes": hb.memory.available_bytes,
                "used_percent": f"{self.mem_pct:.1f}",
            },
            "disks": self.disks,
            "reported_at": clock.iso(self.at),
        }
        if hb.swap is not None:
            out["swap"] = {
                "total_bytes": hb.swap.total_bytes,
                "free_bytes": hb.swap.free_bytes,
                "used_percent": f"{self.swap_pct:.1f}",
            }
        return out


def ingest(token: str, raw_body: bytes) -> dict[str, Any]:
    """Accept one heartbeat; raises 401/400/413/429 as domain errors."""
    if len(raw_body or b"") > MAX_BODY:
        raise errors.PayloadTooLarge(errors.M("heartbeat.too_large", max_bytes=MAX_BODY))
    link = _lookup(token)
    hb = _parse(raw_body)
    now = clock.now()
    sample = Sample(hb, now)
    token_hash = link.pk.removeprefix("TOKEN#")
    if _fast_path(link, token_hash, sample):
        return _accepted(link.host_id, hb)
    _slow_path(link, token_hash, sample)
    return _accepted(link.host_id, hb)


def _accepted(host_id: str, hb: Heartbeat) -> dict[str, Any]:
    return {"status": "accepted", "host_id": host_id, "interval_s": hb.interval_s}


def _lookup(token: str) -> AgentToken:
    from pynamodb.exceptions import DoesNotExist

    if not token or not tokens.looks_valid(token):
        raise errors.Unauthorized(_UNAUTHORIZED)
    try:
        return AgentToken.get(*AgentToken.key(tokens.hash_token(token)))
    except DoesNotExist:
        raise errors.Unauthorized(_UNAUTHORIZED) from None


def _parse(raw_body: bytes) -> Heartbeat:
    from pydantic import ValidationError

    from chalicelib.http import loads, validation_errors

    data = loads(raw_body or b"")
    if not isinstance(data, dict):
        raise errors.ValidationFailed({"body": errors.M("field.body_required")})
    try:
        return Heartbeat.model_validate(data)
    except ValidationError as exc:
        raise errors.ValidationFailed(validation_errors(exc)) from exc


def _deadline(sample: Sample) -> datetime:
    return sample.at + timedelta(seconds=MISSED_INTERVALS * max(sample.hb.interval_s, MIN_INTERVAL_S))


def _host_actions(link: AgentToken, sample: Sample) -> list[Any]:
    deadline = _deadline(sample)
    return [
        Host.last_seen_at.set(sample.at),
        Host.hb_ms.set(int(sample.at.timestamp() * 1000)),
        Host.offline_after.set(deadline),
        Host.interval_s.set(sample.hb.interval_s),
        Host.metrics.set(sample.metrics()),
        Host.gsi1sk.set(f"{clock.iso(deadline)}#{link.host_id}"),
    ]


def _rollup_update(tx: Any, link: AgentToken, sample: Sample) -> None:
    hour_start = sample.at.replace(minute=0, second=0, microsecond=0)
    rollup = HostRollup(*HostRollup.key(link.host_id, hour_key(sample.at)))
    load = sample.hb.load
    tx.update(
        rollup,
        actions=[
            HostRollup.org_id.set(link.org_id),
            HostRollup.host_id.set(link.host_id),
            HostRollup.n.add(1),
            HostRollup.interval_s.set(sample.hb.interval_s),
            HostRollup.cpu_count.set(sample.hb.cpu_count),
            HostRollup.load1_sum.add(_num(load.load1)),
            HostRollup.load5_sum.add(_num(load.load5)),
            HostRollup.load15_sum.add(_num(load.load15)),
            HostRollup.mem_pct_sum.add(_num(sample.mem_pct)),
            HostRollup.swap_pct_sum.add(_num(sample.swap_pct)),
            HostRollup.disk_pct_sum.add(_num(sample.disk_pct)),
            HostRollup.mem_pct_last.set(_num(sample.mem_pct)),
            HostRollup.disk_pct_last.set(_num(sample.disk_pct)),
            HostRollup.load1_last.set(_num(load.load1)),
            HostRollup.expires_at.set(clock.epoch(hour_start + ROLLUP_KEEP)),
        ],
    )


def _flags_agree(sample: Sample) -> Any:
    """Condition: the stored alert flags already describe this sample (no transition)."""
    disk = ((Host.disk_alert == False) & (Host.disk_limit >= _num(sample.disk_pct))) | (
        (Host.disk_alert == True) & (Host.disk_limit < _num(sample.disk_pct))
    )
    mem = ((Host.memory_alert == False) & (Host.memory_limit >= _num(sample.mem_pct))) | (
        (Host.memory_alert == True) & (Host.memory_limit < _num(sample.mem_pct))
    )
    return disk & mem


def _fast_path(link: AgentToken, token_hash: str, sample: Sample) -> bool:
    from pynamodb.exceptions import TransactWriteError

    cutoff = int(sample.at.timestamp() * 1000) - MIN_GAP_MS
    host = Host(*Host.key(link.org_id, link.host_id))
    condition = (
        (Host.token_hash == token_hash)
        & (Host.hb_ms.does_not_exist() | (Host.hb_ms <= cutoff))
        & (Host.status == "online")
        & _flags_agree(sample)
    )
    try:
        with db.transaction() as tx:
            tx.update(host, actions=_host_actions(link, sample), condition=condition)
            _rollup_update(tx, link, sample)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            return False
        raise
    return True


def _slow_path(link: AgentToken, token_hash: str, sample: Sample) -> None:
    from pynamodb.exceptions import DoesNotExist, TransactWriteError

    try:
        host = Host.get(*Host.key(link.org_id, link.host_id), consistent_read=True)
    except DoesNotExist:
        raise errors.Unauthorized(_UNAUTHORIZED) from None
    if host.token_hash != token_hash:
        raise errors.Unauthorized(_UNAUTHORIZED)
    now_ms = int(sample.at.timestamp() * 1000)
    if host.hb_ms is not None and host.hb_ms > now_ms - MIN_GAP_MS:
        wait = math.ceil((int(host.hb_ms) + MIN_GAP_MS - now_ms) / 1000)
        raise errors.TooManyRequests(errors.M("heartbeat.too_often", seconds=MIN_GAP_MS // 1000), wait)
    disk_alert = sample.disk_pct > float(host.disk_limit)
    memory_alert = sample.mem_pct > float(host.memory_limit)
    actions = [
        *_host_actions(link, sample),
        Host.status.set("online"),
        Host.gsi1pk.set(shard_of(link.host_id)),
        Host.disk_alert.set(disk_alert),
        Host.memory_alert.set(memory_alert),
    ]
    if host.first_seen_at is None:
        actions.append(Host.first_seen_at.set(sample.at))
    same_hb = Host.hb_ms.does_not_exist() if host.hb_ms is None else (Host.hb_ms == host.hb_ms)
    condition = (Host.token_hash == token_hash) & same_hb & (Host.status == host.status)
    try:
        with db.transaction() as tx:
            tx.update(Host(*Host.key(link.org_id, link.host_id)), actions=actions, condition=condition)
            _rollup_update(tx, link, sample)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            # Another heartbeat of this host won the race (or the token was revoked meanwhile).
            raise errors.TooManyRequests(
                errors.M("heartbeat.too_often", seconds=MIN_GAP_MS // 1000), MIN_GAP_MS // 1000
            ) from exc
        raise
    _transitions(host, sample, disk_alert, memory_alert)


def _transitions(host: Host, sample: Sample, disk_alert: bool, memory_alert: bool) -> None:
    orgs = alerting.OrgInfo()
    at = sample.at
    if host.status == "offline":
        counters.increment(host.org_id, "hosts_down", -1)
        alerting.resolve_alert(orgs, host.org_id, "host_offline", host.host_id, at)
    opening = (disk_alert and not host.disk_alert) or (memory_alert and not host.memory_alert)
    active = _monitoring_active(host.org_id) if opening else True
    language = orgs.get(host.org_id)[1] if opening else "en"
    if disk_alert != bool(host.disk_alert):
        if disk_alert and active:
            text = alerting.summary(
                "host_disk",
                language,
                mount=sample.fullest_mount,
                percent=f"{sample.disk_pct:.1f}",
                limit=int(host.disk_limit),
            )
            alerting.open_alert(
                orgs,
                host.org_id,
                "host_disk",
                host.host_id,
                host.name,
                text,
                {
                    "mount": sample.fullest_mount,
                    "used_percent": f"{sample.disk_pct:.1f}",
                    "limit_percent": str(int(host.disk_limit)),
                },
                at,
            )
        elif not disk_alert:
            alerting.resolve_alert(orgs, host.org_id, "host_disk", host.host_id, at)
    if memory_alert != bool(host.memory_alert):
        if memory_alert and active:
            text = alerting.summary(
                "host_memory", language, percent=f"{sample.mem_pct:.1f}", limit=int(host.memory_limit)
            )
            alerting.open_alert(
                orgs,
                host.org_id,
                "host_memory",
                host.host_id,
                host.name,
                text,
                {"used_percent": f"{sample.mem_pct:.1f}", "limit_percent": str(int(host.memory_limit))},
                at,
            )
        elif not memory_alert:
            alerting.resolve_alert(orgs, host.org_id, "host_memory", host.host_id, at)


def _monitoring_active(org_id: str) -> bool:
    from chalicelib.billing.plans import limits_for

    return limits_for(org_id).monitoring_active
