"""Host management (create, rotate token, change, delete), reads, the org's host count, purge."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import clock, db, errors, ids, settings
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action
from chalicelib.hosts import tokens
from chalicelib.hosts.models import (
    GONE_PREFIX,
    HOST_PREFIX,
    ROLLUP_KEEP,
    AgentToken,
    GoneHost,
    Host,
    HostRollup,
    hour_key,
    org_pk,
)
from chalicelib.orgs import counters
from chalicelib.orgs.counters import Counters

if TYPE_CHECKING:  # request schemas (pydantic) stay off the cold-start path
    from chalicelib.hosts.schemas import HostCreate, HostPatch

log = logging.getLogger("vigil.hosts")

MAX_METRICS_SPAN = timedelta(days=92)
UPTIME_WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
HOST_KINDS = ("host_offline", "host_disk", "host_memory")


# --- views -----------------------------------------------------------------------------------


def view(host: Host) -> dict[str, Any]:
    return {
        "id": host.host_id,
        "name": host.name,
        "tags": list(host.tags or []),
        "status": host.status,
        "last_seen_at": clock.iso(host.last_seen_at),
        "first_seen_at": clock.iso(host.first_seen_at),
        "created_at": clock.iso(host.created_at),
        "interval_s": int(host.interval_s),
        "thresholds": {"disk_percent": int(host.disk_limit), "memory_percent": int(host.memory_limit)},
        "alerts": {"disk": bool(host.disk_alert), "memory": bool(host.memory_alert)},
        "metrics": host.metrics.as_dict() if host.metrics is not None else None,
    }


def rollup_view(r: HostRollup) -> dict[str, Any]:
    n = int(r.n or 0)
    interval = int(r.interval_s or 60)

    def avg(total: Any) -> float | None:
        return round(float(total) / n, 2) if n else None

    def pct(total: Any) -> str | None:
        return f"{float(total) / n:.1f}" if n else None

    return {
        "hour": f"{r.sk}:00:00Z",
        "heartbeats": n,
        "interval_s": interval,
        "online_percent": f"{min(100.0, n * interval * 100.0 / 3600):.1f}",
        "cpu_count": int(r.cpu_count) if r.cpu_count is not None else None,
        "load": {"load1": avg(r.load1_sum), "load5": avg(r.load5_sum), "load15": avg(r.load15_sum)},
        "memory_used_percent": pct(r.mem_pct_sum),
        "swap_used_percent": pct(r.swap_pct_sum),
        "disk_used_percent": pct(r.disk_pct_sum),
    }


# --- install command -------------------------------------------------------------------------


def api_url() -> str:
    """Public base URL the agent posts to: ``VIGIL_API_URL``; in local mode the API itself."""
    configured = settings.api_url()
    if not configured and settings.is_local():
        configured = settings.console_url()  # `make run` serves console and API on one port
    return (configured or "http://127.0.0.1:8000").rstrip("/")


def agent_download_url() -> str:
    """The agent file: ``VIGIL_AGENT_DOWNLOAD_URL``, else on the console's origin (the local
    console server and the console bucket behind CloudFront both serve ``/downloads/``)."""
    configured = settings.agent_download_url()
    if configured:
        return configured
    from chalicelib.hosts.agent_package import FILENAME

    base = settings.console_url().split("#", 1)[0]
    return f"{base if base.endswith('/') else base + '/'}downloads/{FILENAME}"


def agent_sha256() -> str | None:
    """SHA-256 of the file at ``agent_download_url``: from the deployment's settings, else the
    reproducible build of this checkout (local mode); None when neither is known."""
    configured = settings.agent_sha256()
    if configured:
        return configured.lower()
    from chalicelib.hosts import agent_package

    built = agent_package.local_build()
    return built[1] if built is not None else None


def install_command(token: str) -> str:
    """Download, verify the checksum (when known), install: one line for a root shell."""
    digest = agent_sha256()
    verify = f'echo "{digest}  /tmp/vigil-agent.pyz" | sha256sum -c - && ' if digest else ""
    return (
        f"curl -fsSL {agent_download_url()} -o /tmp/vigil-agent.pyz && {verify}"
        f"sudo python3 /tmp/vigil-agent.pyz install --api-url {api_url()} --token {token}"
    )


def _with_token(host: Host, token: str) -> dict[str, Any]:
    out = view(host)
    out["agent_token"] = token
    out["install"] = install_command(token)
    out["agent_download_url"] = agent_download_url()
    out["agent_sha256"] = agent_sha256()
    return out


# --- writes ----------------------------------------------------------------------------------


def _valid_id(host_id: str) -> bool:
    return 0 < len(host_id) <= 64 and all(c.isalnum() or c in "-_" for c in host_id)


def _load(access: Access, host_id: str, consistent: bool = False) -> Host:
    from pynamodb.exceptions import DoesNotExist

    if not _valid_id(host_id):
        raise errors.NotFound(errors.M("not_found.host"))
    try:
        return Host.get(*Host.key(access.org_id, host_id), consistent_read=consistent)
    except DoesNotExist:
        raise errors.NotFound(errors.M("not_found.host")) from None


def create(access: Access, body: HostCreate) -> dict[str, Any]:
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.billing.plans import limits_for

    access.require(Action.WRITE)
    limits = limits_for(access.org_id)
    now = clock.now()
    host_id = ids.new_id("h")
    token = tokens.new_token()
    token_hash = tokens.hash_token(token)
    host = Host(
        *Host.key(access.org_id, host_id),
        host_id=host_id,
        org_id=access.org_id,
        name=body.name,
        tags=list(dict.fromkeys(body.tags)),
        token_hash=token_hash,
        created_at=now,
        status="pending",
    )
    link = AgentToken(*AgentToken.key(token_hash), org_id=access.org_id, host_id=host_id, created_at=now)
    entry = audit_log.entry(access, "host.created", host_id, {"name": body.name})
    try:
        with db.transaction() as tx:
            # The org's host counter is the quota guard: the ADD only happens below the limit.
            counters.add_to(tx, access.org_id, "hosts", 1, limit=limits.hosts)
            tx.save(host, condition=Host.pk.does_not_exist())
            tx.save(link, condition=AgentToken.pk.does_not_exist())
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc, 0) or db.cancelled_by_condition(exc):
            raise errors.Unprocessable(
                errors.M("limits.hosts", plan=limits.plan, max=limits.hosts),
                {"hosts": errors.M("field.hosts_quota", max=limits.hosts)},
            ) from exc
        raise
    log.info("host %s created in %s", host_id, access.org_id)
    return _with_token(host, token)


def rotate_token(access: Access, host_id: str) -> dict[str, Any]:
    """A new token; the old one stops working in the same transaction."""
    from pynamodb.exceptions import TransactWriteError

    access.require(Action.WRITE)
    host = _load(access, host_id, consistent=True)
    token = tokens.new_token()
    token_hash = tokens.hash_token(token)
    now = clock.now()
    link = AgentToken(*AgentToken.key(token_hash), org_id=access.org_id, host_id=host_id, created_at=now)
    entry = audit_log.entry(access, "host.token_rotated", host_id, {"name": host.name})
    try:
        with db.transaction() as tx:
            tx.update(
                host,
                actions=[Host.token_hash.set(token_hash), Host.version.add(1)],
                condition=Host.token_hash == host.token_hash,
            )
            tx.delete(AgentToken(*AgentToken.key(host.token_hash)))
            tx.save(link, condition=AgentToken.pk.does_not_exist())
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            raise errors.Conflict(errors.M("conflict.host_token_changed")) from exc
        raise
    host.token_hash = token_hash
    return _with_token(host, token)


def patch(access: Access, host_id: str, body: HostPatch) -> dict[str, Any]:
    from pynamodb.exceptions import TransactWriteError

    access.require(Action.WRITE)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise errors.ValidationFailed({"body": errors.M("field.no_change")})
    if any(v is None for v in changes.values()):
        raise errors.ValidationFailed(
            {k: errors.M("field.not_null") for k, v in changes.items() if v is None}
        )
    host = _load(access, host_id)
    actions = []
    for field, value in changes.items():
        if field == "tags":
            value = list(dict.fromkeys(value))
        actions.append(getattr(Host, field).set(value))
        setattr(host, field, value)
    actions.append(Host.version.add(1))
    entry = audit_log.entry(access, "host.updated", host_id, {"changed": sorted(changes)})
    try:
        with db.transaction() as tx:
            tx.update(Host(*Host.key(access.org_id, host_id)), actions=actions, condition=Host.pk.exists())
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            raise errors.NotFound(errors.M("not_found.host")) from exc
        raise
    return view(host)


def delete(access: Access, host_id: str) -> None:
    """Delete the host: its token stops working at once; rollups expire by TTL (or org purge)."""
    from pynamodb.exceptions import TransactWriteError

    access.require(Action.WRITE)
    host = _load(access, host_id, consistent=True)
    now = clock.now()
    gone = GoneHost.build(access.org_id, host_id, clock.epoch(now + ROLLUP_KEEP + timedelta(hours=1)))
    entry = audit_log.entry(access, "host.deleted", host_id, {"name": host.name})
    try:
        with db.transaction() as tx:
            tx.delete(host, condition=Host.token_hash == host.token_hash)
            tx.delete(AgentToken(*AgentToken.key(host.token_hash)))
            down = -1 if host.status == "offline" else 0
            counters.add_many_to(
                tx, access.org_id, {"hosts": -1, "hosts_down": down}, condition=Counters.hosts > 0
            )
            tx.save(gone)
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            raise errors.Conflict(errors.M("conflict.host_changed")) from exc
        raise
    _close_incidents(access.org_id, host_id, now)


def _close_incidents(org_id: str, host_id: str, at: datetime) -> None:
    """A deleted host has nothing left to alert about (no mail: the admin deleted it)."""
    from chalicelib.incidents import service as incidents

    for kind in HOST_KINDS:
        incidents.resolve_incident(org_id, kind, host_id, at=at)


# --- reads -----------------------------------------------------------------------------------


def list_hosts(access: Access, limit: int, cursor: str | None) -> dict[str, Any]:
    query = Host.query(
        org_pk(access.org_id),
        Host.sk.startswith(HOST_PREFIX),
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"hosts/{access.org_id}"),
    )
    items, next_cursor = db.page(query, limit, scope)
    return {"items": [view(h) for h in items], "next": next_cursor}


def get(access: Access, host_id: str) -> dict[str, Any]:
    host = _load(access, host_id)
    out = view(host)
    out["uptime"] = uptime(host, clock.now())
    return out


def uptime(host: Host, now: datetime) -> dict[str, str | None]:
    """Online percent over 24 h / 7 d / 30 d from the hourly rollups (one Query), by the shared
    definition (``chalicelib.availability.host``: from the first heartbeat, cut to 3 places)."""
    from chalicelib import availability

    longest = max(UPTIME_WINDOWS.values())
    since = max(now - longest, host.created_at)
    rollups = list(HostRollup.query(HostRollup.partition(host.host_id), HostRollup.sk >= hour_key(since)))
    hours = [rollup_hour(r) for r in rollups]
    out: dict[str, str | None] = {}
    for name, span in UPTIME_WINDOWS.items():
        figures, _ = availability.host(hours, now - span, now, now, host.created_at, host.first_seen_at)
        out[name] = figures.text() if figures.monitored_s >= 60 else None
    return out


def rollup_hour(r: HostRollup) -> tuple[datetime, int, int]:
    """(hour start, heartbeats, interval s) of an hourly rollup: the input of ``availability``."""
    at = datetime.strptime(r.sk, "%Y-%m-%dT%H").replace(tzinfo=UTC)
    return at, int(r.n or 0), int(r.interval_s or 60)


def metrics(
    access: Access, host_id: str, params: dict[str, str], limit: int, cursor: str | None
) -> dict[str, Any]:
    """Hourly rollups in [from, to] (default: the last 24 hours), oldest first."""
    to = clock.query_time(params.get("to"), "to") or clock.now()
    start = clock.query_time(params.get("from"), "from") or to - timedelta(hours=24)
    if start >= to:
        raise errors.ValidationFailed({"from": errors.M("field.from_before_to")})
    if to - start > MAX_METRICS_SPAN:
        raise errors.ValidationFailed({"from": errors.M("field.range_max_days", days=MAX_METRICS_SPAN.days)})
    host = _load(access, host_id)
    query = HostRollup.query(
        HostRollup.partition(host.host_id),
        HostRollup.sk.between(hour_key(start), hour_key(to)),
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"metrics/{access.org_id}/{host.host_id}"),
    )
    items, next_cursor = db.page(query, limit, scope)
    return {
        "items": [rollup_view(r) for r in items],
        "next": next_cursor,
        "from": clock.iso(start),
        "to": clock.iso(to),
    }


def host_count(org_id: str) -> int:
    """Hosts of an org (the `hosts` counter also shown in the partner overview)."""
    return counters.get(org_id)["hosts"]


# --- purge -----------------------------------------------------------------------------------


def purge_org(org_id: str, deadline: float) -> bool:
    """Delete an org's hosts, token items, rollups and count (see ``chalicelib.purge``).

    Per host: rollups first, then token item and host item last, so that a run cut short by the
    deadline finds the host again next time and continues.
    """

    def purge_hosts(hosts: list[Host]) -> bool:
        for host in hosts:
            if not db.drain(HostRollup, HostRollup.partition(host.host_id), deadline):
                return False
            with db.transaction() as tx:
                tx.delete(AgentToken(*AgentToken.key(host.token_hash)))
                tx.delete(host)
            if time.monotonic() > deadline:
                return False
        return True

    def purge_gone(tombstones: list[GoneHost]) -> bool:
        for gone in tombstones:
            if not db.drain(HostRollup, HostRollup.partition(gone.host_id), deadline):
                return False
            gone.delete()
            if time.monotonic() > deadline:
                return False
        return True

    pk = org_pk(org_id)
    return db.drain(Host, pk, deadline, Host.sk.startswith(HOST_PREFIX), handle=purge_hosts) and db.drain(
        GoneHost, pk, deadline, GoneHost.sk.startswith(GONE_PREFIX), handle=purge_gone
    )


def revoke_tokens(org_id: str, deadline: float) -> bool:
    """Delete the agent-token items of every host of a deleted org, so heartbeats are refused at
    once (401) rather than after the purge (see ``chalicelib.purge.CUT_OFF``); True when done.

    Only the token items go: the hosts stay for ``purge_org``, which deletes their token item
    again (a no-op) with the host."""
    batch: list[AgentToken] = []
    for host in Host.query(org_pk(org_id), Host.sk.startswith(HOST_PREFIX)):
        if host.token_hash:
            batch.append(AgentToken(*AgentToken.key(host.token_hash)))
        if len(batch) == 25:
            db.delete_batch(AgentToken, batch)
            batch = []
            if time.monotonic() > deadline:
                return False
    db.delete_batch(AgentToken, batch)
    return True
