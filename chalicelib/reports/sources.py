"""Report data from the monitoring and host tables: rollups, status, incidents, maintenance.

Reports read **rollups**, never raw results, so the cost does not depend on the check interval:

| report | reads |
|---|---|
| endpoint, period ≤ 31 days | GetItem endpoint + status (one BatchGet), Query hourly rollups `H#…` (≤ 745 items), incidents |
| endpoint, period > 31 days | the same with daily rollups `D#…` (≤ 367 items) |
| host (any period) | GetItem host, Query hourly rollups `RU#<host>` (kept 90 days: ≤ 2,160 items), incidents |
| incidents of the subject | Query `INC#<org>` sk between (from − 31 days) and to, filtered to the subject; BatchGet of the open-incident pointers of the subject (older incidents still open) |

An incident that opened more than 31 days before the period and was resolved inside it is not
listed (it is rare; reading a year of an org's incidents per report is not worth it). Incident
times are clipped to the period: an incident still open at the end shows as "ongoing".

Also the schedule target lookups (``schedules.TARGET_LOOKUPS``): ``endpoint_name`` and
``host_name`` return the target's name, or None when it does not exist (deleted).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import clock, errors
from chalicelib.reports.aggregate import Rollup as ReportRollup
from chalicelib.reports.aggregate import endpoint_figures, use_hourly
from chalicelib.reports.data import (
    Branding,
    CertificateInfo,
    EndpointReportData,
    HeaderFinding,
    HostReportData,
    MaintenanceWindow,
    MetricPoint,
    ReportIncident,
)

INCIDENT_LOOKBACK = timedelta(days=31)
ENDPOINT_KINDS = ("endpoint_down", "certificate", "headers")
HOST_KINDS = ("host_offline", "host_disk", "host_memory")
#: Header states of the monitoring status → the report's wording (present is "ok").
HEADER_STATES = {"present": "ok", "missing": "missing", "weak": "weak"}
HEADER_ORDER = (
    "strict-transport-security",
    "content-security-policy",
    "x-content-type-options",
    "frame-protection",
    "referrer-policy",
    "permissions-policy",
)


def _valid_id(value: str) -> bool:
    return 0 < len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


# --- lookups (schedule targets) ---------------------------------------------------------------


def load_endpoint(org_id: str, endpoint_id: str) -> Any | None:
    from chalicelib.monitoring import queries as monitoring

    return monitoring.endpoint(org_id, endpoint_id) if _valid_id(endpoint_id) else None


def load_host(org_id: str, host_id: str) -> Any | None:
    from chalicelib.hosts import queries as hosts

    return hosts.host(org_id, host_id) if _valid_id(host_id) else None


def endpoint_name(org_id: str, endpoint_id: str) -> str | None:
    ep = load_endpoint(org_id, endpoint_id)
    return None if ep is None else str(ep.name)


def host_name(org_id: str, host_id: str) -> str | None:
    host = load_host(org_id, host_id)
    return None if host is None else str(host.name)


# --- incidents --------------------------------------------------------------------------------


def incidents_of(
    org_id: str, subject_id: str, kinds: Iterable[str], period_from: datetime, period_to: datetime
) -> list[ReportIncident]:
    """Incidents of one subject overlapping the period, clipped to it."""
    from chalicelib.incidents import queries as incidents

    kinds = tuple(kinds)
    out = []
    # also the incidents still open that opened before the lookback window
    for inc in incidents.of_subject(org_id, subject_id, kinds, period_from - INCIDENT_LOOKBACK, period_to):
        if inc.kind not in kinds or inc.subject_id != subject_id:
            continue
        opened, resolved = inc.opened_at, inc.resolved_at
        if opened >= period_to or (resolved is not None and resolved <= period_from):
            continue
        out.append(
            ReportIncident(
                started_at=max(opened, period_from),
                ended_at=resolved if resolved is not None and resolved < period_to else None,
                kind=inc.kind,
                summary=inc.summary or "",
            )
        )
    return sorted(out, key=lambda i: i.started_at)


# --- endpoints --------------------------------------------------------------------------------


def _rollup(item: Any, start: datetime) -> ReportRollup:
    from chalicelib.monitoring.rollups import p95

    timed = int(item.timed or 0)
    return ReportRollup(
        start=start,
        checks=int(item.n or 0),
        up=int(item.up or 0),
        mean_ms=(int(item.sum_ms or 0) / timed) if timed else None,
        p95_ms=float(p95([int(x) for x in item.hist or []]) or 0) or None,
    )


def _start_of(sk: str) -> datetime:
    """`H#2026-11-02T09` / `D#2026-11-02` → the UTC start of that hour / day."""
    body = sk[2:]
    fmt = "%Y-%m-%dT%H" if sk.startswith("H#") else "%Y-%m-%d"
    return datetime.strptime(body, fmt).replace(tzinfo=UTC)


def endpoint_rollups(
    org_id: str, endpoint_id: str, period_from: datetime, period_to: datetime
) -> tuple[str, list[Any]]:
    """("H"|"D", the stored rollup items of the period): hourly up to 31 days, else daily."""
    from chalicelib.monitoring import rollups

    kind = "H" if use_hourly(period_from, period_to) else "D"
    # the bucket holding `to` itself starts at `to` or later: not part of [from, to)
    last = period_to - timedelta(microseconds=1)
    return kind, rollups.query(org_id, endpoint_id, kind, period_from, last)


def _certificate(cert: dict[str, Any] | None) -> CertificateInfo | None:
    if not cert:
        return None
    findings = [str(f) for f in cert.get("findings") or []]
    valid = bool(cert.get("valid", True))

    def when(value: Any) -> datetime | None:
        try:
            return clock.parse_iso(value) if value else None
        except ValueError:
            return None

    days = cert.get("days_left")
    return CertificateInfo(
        subject=str(cert.get("subject") or ""),
        issuer=str(cert.get("issuer") or ""),
        not_before=when(cert.get("not_before")),
        not_after=when(cert.get("not_after")),
        days_left=int(days) if days is not None else None,
        names=[],
        valid=valid,
        error=(findings[0] if findings and not valid else None),
    )


def _headers(headers: dict[str, Any] | None) -> list[HeaderFinding]:
    if not headers:
        return []
    out = []
    for name in HEADER_ORDER:
        item = headers.get(name)
        if isinstance(item, dict):
            out.append(
                HeaderFinding(
                    name, HEADER_STATES.get(str(item.get("state")), "missing"), item.get("value") or None
                )
            )
    return out


def _maintenance(
    windows: Iterable[Any], period_from: datetime, period_to: datetime
) -> list[MaintenanceWindow]:
    out = []
    for w in windows or []:
        try:
            start, end = clock.parse_iso(w["starts_at"]), clock.parse_iso(w["ends_at"])
        except (KeyError, TypeError, ValueError):
            continue
        if start < period_to and end > period_from:
            out.append(MaintenanceWindow(start, end, str(w.get("reason") or "")))
    return out


def endpoint_report_data(
    org_id: str, endpoint_id: str, period: tuple[datetime, datetime], language: str, branding: Branding
) -> tuple[dict[str, Any], EndpointReportData]:
    """(target, data) of an endpoint report; NotFound when the endpoint is not in the org."""
    from chalicelib.monitoring import queries as monitoring
    from chalicelib.monitoring.rollups import summarize

    period_from, period_to = period
    if not _valid_id(endpoint_id):
        raise errors.NotFound(errors.M("not_found.endpoint"))
    ep, status = monitoring.endpoint_with_status(org_id, endpoint_id)
    if ep is None:
        raise errors.NotFound(errors.M("not_found.endpoint"))
    kind, stored = endpoint_rollups(org_id, endpoint_id, period_from, period_to)
    mapped = [_rollup(i, _start_of(i.sk)) for i in stored]
    hourly, daily = (mapped, []) if kind == "H" else ([], mapped)
    figures = endpoint_figures(hourly, daily, period_from, period_to)
    # Mean and p95 from the merged histograms: exact mean, p95 to the histogram's bucket bound.
    inside = [i for i, m in zip(stored, mapped, strict=True) if period_from <= m.start < period_to]
    merged = summarize(inside)
    data = EndpointReportData(
        branding=branding,
        language=language,
        period_from=period_from,
        period_to=period_to,
        endpoint_name=ep.name,
        endpoint_url=ep.url,
        sla_target_percent=float(ep.sla_target) if ep.sla_target else None,
        uptime_percent=figures.uptime_percent,
        incidents=incidents_of(org_id, endpoint_id, ENDPOINT_KINDS, period_from, period_to),
        mean_ms=float(merged["mean_ms"]) if merged["mean_ms"] is not None else figures.mean_ms,
        p95_ms=float(merged["p95_ms"]) if merged["p95_ms"] is not None else figures.p95_ms,
        series=figures.series,
        series_resolution=figures.series_resolution,
        daily=figures.daily,
        certificate=_certificate(
            status.certificate.as_dict() if status is not None and status.certificate is not None else None
        ),
        header_findings=_headers(
            status.headers.as_dict() if status is not None and status.headers is not None else None
        ),
        maintenance=_maintenance(ep.maintenance_windows, period_from, period_to),
        checks=figures.checks,
    )
    return {"type": "endpoint", "id": endpoint_id, "name": ep.name}, data


# --- hosts ------------------------------------------------------------------------------------


def host_report_data(
    org_id: str, host_id: str, period: tuple[datetime, datetime], language: str, branding: Branding
) -> tuple[dict[str, Any], HostReportData]:
    """(target, data) of a host report from its hourly heartbeat rollups."""
    from chalicelib.hosts import queries as hosts

    period_from, period_to = period
    host = load_host(org_id, host_id)
    if host is None:
        raise errors.NotFound(errors.M("not_found.host"))
    last = period_to - timedelta(microseconds=1)
    stored = hosts.hourly_rollups(host_id, period_from, last)
    cpu, memory, disk = [], [], []
    online_s = 0.0
    heartbeats = 0
    for r in stored:
        n = int(r.n or 0)
        if not n:
            continue
        at = datetime.strptime(r.sk, "%Y-%m-%dT%H").replace(tzinfo=UTC)
        heartbeats += n
        online_s += min(3600.0, n * int(r.interval_s or 60))
        cpu.append(MetricPoint(at, float(r.load1_sum) / n))
        memory.append(MetricPoint(at, float(r.mem_pct_sum) / n))
        disk.append(MetricPoint(at, float(r.disk_pct_sum) / n))
    # Online time counts from the host's creation (or the period start) to now (or the end).
    start = max(period_from, host.created_at)
    end = min(period_to, clock.now())
    elapsed = (end - start).total_seconds()
    online = None
    if host.last_seen_at is not None and elapsed > 0 and (heartbeats or host.last_seen_at >= start):
        online = min(100.0, online_s * 100.0 / elapsed)
    data = HostReportData(
        branding=branding,
        language=language,
        period_from=period_from,
        period_to=period_to,
        host_name=host.name,
        online_percent=online,
        incidents=incidents_of(org_id, host_id, HOST_KINDS, period_from, period_to),
        cpu_load=cpu,
        memory_percent=memory,
        disk_percent=disk,
        heartbeats=heartbeats,
    )
    return {"type": "host", "id": host_id, "name": host.name}, data


def report_data(
    kind: str,
    org_id: str,
    target_id: str,
    period: tuple[datetime, datetime],
    language: str,
    branding: Branding,
) -> tuple[dict[str, Any], Any]:
    if kind == "endpoint":
        return endpoint_report_data(org_id, target_id, period, language, branding)
    if kind == "host":
        return host_report_data(org_id, target_id, period, language, branding)
    raise ValueError(f"unknown report target {kind!r}")
