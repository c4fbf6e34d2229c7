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
    from chalicelib.incidents.texts import code_of

    kinds = tuple(kinds)
    out = []
    # also the incidents still open that opened before the lookback window
    for inc in incidents.of_subject(org_id, subject_id, kinds, period_from - INCIDENT_LOOKBACK, period_to):
        if inc.kind not in kinds or inc.subject_id != subject_id:
            continue
        opened, resolved = inc.opened_at, inc.resolved_at
        if opened >= period_to or (resolved is not None and resolved <= period_from):
            continue
        code, params = code_of(inc)
        out.append(
            ReportIncident(
                started_at=max(opened, period_from),
                ended_at=resolved if resolved is not None and resolved < period_to else None,
                kind=inc.kind,
                summary=inc.summary or "",
                code=code,
                params=params,
            )
        )
    return sorted(out, key=lambda i: i.started_at)


# --- endpoints --------------------------------------------------------------------------------


def _rollup(item: Any, start: datetime) -> ReportRollup:
    from chalicelib.monitoring.rollups import p95_of

    timed = int(item.timed or 0)
    return ReportRollup(
        start=start,
        checks=int(item.n or 0),
        up=int(item.up or 0),
        mean_ms=(int(item.sum_ms or 0) / timed) if timed else None,
        p95_ms=p95_of(item),
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


def first_check_at(
    org_id: str, endpoint_id: str, period_from: datetime, period_to: datetime, stored: list[Any]
) -> datetime | None:
    """The first check inside the period: the oldest stored result (one Query, Limit 1), else
    (results older than 90 days are gone) the start of the first rollup with checks."""
    from chalicelib.monitoring.models import Result, results_pk
    from chalicelib.monitoring.service import _ms_iso

    query = Result.query(
        results_pk(org_id, endpoint_id),
        Result.sk.between(_ms_iso(period_from), _ms_iso(period_to)),
        scan_index_forward=True,
        limit=1,
    )
    for r in query:
        try:
            return clock.parse_iso(r.sk)
        except ValueError:
            break
    starts = [_start_of(i.sk) for i in stored if int(i.n or 0) + int(i.maint or 0) > 0]
    return max(period_from, min(starts)) if starts else None


def endpoint_report_data(
    org_id: str, endpoint_id: str, period: tuple[datetime, datetime], language: str, branding: Branding
) -> tuple[dict[str, Any], EndpointReportData]:
    """(target, data) of an endpoint report; NotFound when the endpoint is not in the org."""
    from chalicelib import availability
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
    figures = endpoint_figures(hourly, daily, period_from, period_to, branding.time_zone)
    # Mean and p95 from the merged histograms: exact mean, p95 to the histogram's bucket bound.
    inside = [i for i, m in zip(stored, mapped, strict=True) if period_from <= m.start < period_to]
    merged = summarize(inside)
    # the shared definition: downtime = interval × failed checks, availability from it
    figures_av = availability.of_checks(merged["count"], merged["up"], int(ep.interval_minutes) * 60)
    first = first_check_at(org_id, endpoint_id, period_from, period_to, inside)
    data = EndpointReportData(
        branding=branding,
        language=language,
        period_from=period_from,
        period_to=period_to,
        endpoint_name=ep.name,
        endpoint_url=ep.url,
        sla_target_percent=float(ep.sla_target) if ep.sla_target else None,
        uptime_percent=figures_av.percent(3),
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
        checks=merged["count"],
        monitored_from=first,
        monitored_to=min(period_to, clock.now()),
        downtime_s=float(figures_av.down_s) if merged["count"] else None,
    )
    return {"type": "endpoint", "id": endpoint_id, "name": ep.name}, data


# --- hosts ------------------------------------------------------------------------------------


def host_report_data(
    org_id: str, host_id: str, period: tuple[datetime, datetime], language: str, branding: Branding
) -> tuple[dict[str, Any], HostReportData]:
    """(target, data) of a host report from its hourly heartbeat rollups."""
    from chalicelib import availability
    from chalicelib.hosts import queries as hosts
    from chalicelib.hosts.service import rollup_hour

    period_from, period_to = period
    host = load_host(org_id, host_id)
    if host is None:
        raise errors.NotFound(errors.M("not_found.host"))
    last = period_to - timedelta(microseconds=1)
    stored = hosts.hourly_rollups(host_id, period_from, last)
    cpu, memory, disk = [], [], []
    heartbeats = 0
    hours = []
    for r in stored:
        n = int(r.n or 0)
        if not n:
            continue
        hour = rollup_hour(r)
        hours.append(hour)
        heartbeats += n
        cpu.append(MetricPoint(hour[0], float(r.load1_sum) / n))
        memory.append(MetricPoint(hour[0], float(r.mem_pct_sum) / n))
        disk.append(MetricPoint(hour[0], float(r.disk_pct_sum) / n))
    # the shared definition (as the host API): from the first heartbeat, each covering its interval
    now = clock.now()
    online, since = availability.host(hours, period_from, period_to, now, host.created_at, host.first_seen_at)
    data = HostReportData(
        branding=branding,
        language=language,
        period_from=period_from,
        period_to=period_to,
        host_name=host.name,
        online_percent=online.percent(3) if since is not None else None,
        incidents=incidents_of(org_id, host_id, HOST_KINDS, period_from, period_to),
        cpu_load=cpu,
        memory_percent=memory,
        disk_percent=disk,
        heartbeats=heartbeats,
        monitored_from=since,
        monitored_to=min(period_to, now),
        offline_s=float(online.down_s) if since is not None else None,
        os_label=_os_label(host),
    )
    return {"type": "host", "id": host_id, "name": host.name}, data


def _os_label(host: Any) -> str:
    from chalicelib.reports.fmt import os_label

    metrics = host.metrics.as_dict() if host.metrics is not None else {}
    os_info = metrics.get("os") if isinstance(metrics, dict) else None
    if not isinstance(os_info, dict):
        return ""
    return os_label(os_info.get("name"), os_info.get("version"))


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
