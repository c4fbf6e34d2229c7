"""The public view of a status page (`GET /status/{slug}`), built from an allow-list.

Nothing of the org leaks beyond what is listed here: no ids, URLs, members, error texts or
incident summaries (those may name internal addresses) — only component names, states, daily
availability, and incident titles rendered from their kind.

Cost: a warm Lambda answers from memory for ``TTL_S``; otherwise one GetItem reads the page,
whose stored snapshot is reused while younger than ``TTL_S``. Only then is the view rebuilt
(≈ 8 + one Query per component) and stored back on the page item, so a traffic spike costs
at most one rebuild per page and minute, plus one GetItem per cold Lambda and minute.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import zlib
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock, errors
from chalicelib.statuspages.models import StatusPage

TTL_S = 60
MISSING_TTL_S = 10
DAYS = 90
INCIDENT_DAYS = 30
PUBLIC_KINDS = ("endpoint_down", "host_offline")

_cache: dict[str, tuple[float, dict[str, Any] | None]] = {}
_lock = threading.Lock()

TEXTS = {
    "de": {
        "endpoint_down": "{name} nicht erreichbar",
        "host_offline": "{name} ohne Verbindung",
    },
    "en": {
        "endpoint_down": "{name} unreachable",
        "host_offline": "{name} offline",
    },
}


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def view(slug: str) -> dict[str, Any]:
    """The public JSON of a page; NotFound for unknown slugs and pages of deleted orgs."""
    if not (3 <= len(slug) <= 40) or not all(c.islower() or c.isdigit() or c == "-" for c in slug):
        raise errors.NotFound(errors.M("not_found.status_page"))
    now = time.monotonic()
    with _lock:
        hit = _cache.get(slug)
    if hit is not None and hit[0] > now:
        if hit[1] is None:
            raise errors.NotFound(errors.M("not_found.status_page"))
        return hit[1]
    body = _stored_or_built(slug)
    with _lock:
        if len(_cache) > 512:
            _cache.clear()
        _cache[slug] = (now + (TTL_S if body is not None else MISSING_TTL_S), body)
    if body is None:
        raise errors.NotFound(errors.M("not_found.status_page"))
    return body


def _stored_or_built(slug: str) -> dict[str, Any] | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        page = StatusPage.get(*StatusPage.key(slug))
    except DoesNotExist:
        return None
    epoch = clock.epoch(clock.now())
    if page.snapshot and page.snapshot_at is not None and epoch - int(page.snapshot_at) < TTL_S:
        return _decode(page.snapshot)
    body = build(page)
    if body is not None:
        _store(page, body, epoch)
    return body


def _encode(body: dict[str, Any]) -> str:
    return base64.b64encode(zlib.compress(json.dumps(body, separators=(",", ":")).encode())).decode()


def _decode(raw: str) -> dict[str, Any] | None:
    data: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(raw)))
    return data or None


def _store(page: StatusPage, body: dict[str, Any], epoch: int) -> None:
    import contextlib

    from pynamodb.exceptions import UpdateError

    # only the snapshot fields, and only while the page is unchanged: an edit in between wins
    # (edited or deleted meanwhile: the next visitor rebuilds)
    with contextlib.suppress(UpdateError):
        page.update(
            actions=[StatusPage.snapshot.set(_encode(body)), StatusPage.snapshot_at.set(epoch)],
            condition=StatusPage.version == page.version,
        )


def build(page: StatusPage) -> dict[str, Any] | None:
    """Read the page's components and incidents and shape the public answer."""
    from chalicelib.orgs import queries as org_queries

    org = org_queries.get(page.org_id)
    if org is None or org.status != "active":
        return None
    now = clock.now()
    lang = page.language if page.language in TEXTS else "de"
    endpoints = _endpoints(page)
    components = _endpoint_components(page, endpoints, now) + _host_components(page, now)
    return {
        "slug": page.slug,
        "title": page.title,
        "language": lang,
        "provided_by": _provider(org),
        "state": _overall(components),
        "components": components,
        "incidents": _incidents(page, lang, now),
        "notes": [{"text": n.text, "posted_at": n.posted_at} for n in (page.notes or [])],
        "maintenance": _maintenance(endpoints, now),
        "generated_at": clock.iso(now),
    }


def _provider(org: Any) -> dict[str, Any]:
    """The org that supports this one: the partner when ``support_by`` is partner."""
    from chalicelib import storage
    from chalicelib.orgs import queries as org_queries

    provider = org
    if org.linked and org.support_by == "partner" and org.partner_id:
        partner = org_queries.get(org.partner_id)
        if partner is not None and partner.status == "active":
            provider = partner
    # inlined as a data URL: a presigned link would name the org's id in its object key
    data = storage.get("files", storage.logo_key(provider.org_id))
    logo = "data:image/png;base64," + base64.b64encode(data).decode() if data else None
    return {"name": provider.name, "logo_url": logo}


def _days(now: datetime) -> list[str]:
    first = (now - timedelta(days=DAYS - 1)).date()
    return [(first + timedelta(days=i)).isoformat() for i in range(DAYS)]


def _endpoints(page: StatusPage) -> list[tuple[Any, Any]]:
    """(endpoint, status) of the page's endpoints still there, in page order (one BatchGet)."""
    from chalicelib import db
    from chalicelib.monitoring.models import Endpoint, Status

    ids = list(page.endpoints or [])
    if not ids:
        return []
    wanted: list[tuple[Any, tuple[str, str]]] = [(Endpoint, Endpoint.key(page.org_id, e)) for e in ids]
    wanted += [(Status, Status.key(page.org_id, e)) for e in ids]
    found = db.batch_get_mixed(wanted)
    out = []
    for endpoint_id in ids:
        ep = db.found_as(found, Endpoint.key(page.org_id, endpoint_id), Endpoint)
        if ep is not None:  # else deleted since the page was set up
            out.append((ep, db.found_as(found, Status.key(page.org_id, endpoint_id), Status)))
    return out


def _endpoint_components(
    page: StatusPage, endpoints: list[tuple[Any, Any]], now: datetime
) -> list[dict[str, Any]]:
    from chalicelib.billing.plans import limits_for
    from chalicelib.monitoring import rollups
    from chalicelib.monitoring.alerting import in_maintenance

    if not endpoints:
        return []
    active = limits_for(page.org_id).monitoring_active
    days = _days(now)
    out = []
    for ep, st in endpoints:
        endpoint_id = ep.endpoint_id
        state = st.state if st is not None else "pending"
        if ep.paused or not active:
            state = "paused"
        elif in_maintenance(ep, now):
            state = "maintenance"
        daily = rollups.query(page.org_id, endpoint_id, "D", clock.parse_iso(days[0] + "T00:00:00Z"), now)
        per_day = {r.sk[2:]: r for r in daily}
        bars = []
        for day in days:
            r = per_day.get(day)
            bars.append(
                {
                    "date": day,
                    "availability": rollups.uptime_percent(int(r.up or 0), int(r.n or 0)) if r else None,
                }
            )
        summary = rollups.summarize(daily)
        item: dict[str, Any] = {
            "name": ep.name,
            "type": "endpoint",
            "state": state,
            "availability_90d": summary["uptime"],
            "days": bars,
        }
        if page.show_response_times:
            item["response_ms_mean_90d"] = summary["mean_ms"]
        out.append(item)
    return out


def _host_components(page: StatusPage, now: datetime) -> list[dict[str, Any]]:
    from chalicelib.hosts.models import Host, HostRollup, hour_key

    ids = list(page.hosts or [])
    if not ids:
        return []
    hosts = {h.host_id: h for h in Host.batch_get([Host.key(page.org_id, h) for h in ids])}
    days = _days(now)
    out = []
    for host_id in ids:
        host = hosts.get(host_id)
        if host is None:
            continue
        start = max(clock.parse_iso(days[0] + "T00:00:00Z"), host.created_at)
        online: dict[str, float] = {}
        for r in HostRollup.query(HostRollup.partition(host_id), HostRollup.sk >= hour_key(start)):
            day = r.sk[:10]
            online[day] = online.get(day, 0.0) + min(3600.0, int(r.n or 0) * int(r.interval_s or 60))
        bars = []
        total_online = total_span = 0.0
        for day in days:
            begin = max(clock.parse_iso(day + "T00:00:00Z"), host.created_at)
            end = min(clock.parse_iso(day + "T00:00:00Z") + timedelta(days=1), now)
            span = (end - begin).total_seconds()
            if span < 60:
                bars.append({"date": day, "availability": None})
                continue
            seconds = min(span, online.get(day, 0.0))
            total_online += seconds
            total_span += span
            bars.append({"date": day, "availability": f"{seconds * 100 / span:.3f}"})
        out.append(
            {
                "name": host.name,
                "type": "host",
                "state": host.status if host.status in ("online", "offline") else "pending",
                "availability_90d": f"{total_online * 100 / total_span:.3f}" if total_span else None,
                "days": bars,
            }
        )
    return out


def _overall(components: list[dict[str, Any]]) -> str:
    states = {c["state"] for c in components}
    if states & {"down", "offline"}:
        return "outage"
    if "degraded" in states:
        return "degraded"
    if "maintenance" in states:
        return "maintenance"
    return "operational"


def _incidents(page: StatusPage, lang: str, now: datetime) -> list[dict[str, Any]]:
    from chalicelib.incidents.models import Incident, OpenIncident

    subjects = set(page.endpoints or []) | set(page.hosts or [])
    if not subjects:
        return []
    found: dict[str, Incident] = {}
    since = clock.iso(now - timedelta(days=INCIDENT_DAYS))
    for inc in Incident.query(Incident.partition(page.org_id), Incident.sk >= since):
        if inc.subject_id in subjects and inc.kind in PUBLIC_KINDS:
            found[inc.sk] = inc
    # still open but opened before the window: through the open-pointers
    keys = [OpenIncident.key(page.org_id, k, s) for k in PUBLIC_KINDS for s in subjects]
    pointers = [
        p for start in range(0, len(keys), 100) for p in OpenIncident.batch_get(keys[start : start + 100])
    ]
    missing = [Incident.key(page.org_id, p.incident_sk) for p in pointers if p.incident_sk not in found]
    for inc in Incident.batch_get(missing) if missing else ():
        found[inc.sk] = inc
    texts = TEXTS[lang]
    ordered = sorted(found.values(), key=lambda i: i.opened_at, reverse=True)[:20]
    return [
        {
            "title": texts[i.kind].format(name=i.subject_name),
            "component": i.subject_name,
            "state": i.state,
            "opened_at": clock.iso(i.opened_at),
            "resolved_at": clock.iso(i.resolved_at),
        }
        for i in ordered
    ]


def _maintenance(endpoints: list[tuple[Any, Any]], now: datetime) -> list[dict[str, Any]]:
    out = []
    for ep, _status in endpoints:
        for w in ep.maintenance_windows or []:
            try:
                ends = clock.parse_iso(w["ends_at"])
            except (KeyError, TypeError, ValueError):
                continue
            if ends > now:
                out.append({"component": ep.name, "starts_at": w["starts_at"], "ends_at": w["ends_at"]})
    return sorted(out, key=lambda w: w["starts_at"])
