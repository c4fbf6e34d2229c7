"""Worker side of the fan-out: check one batch, write results, status and rollups, alert.

Per batch: one BatchGet for the endpoints (fresh configuration; deleted or paused ones are
dropped) and their status items, the checks concurrently (``checks.Engine``), then BatchWrites
of results, status and rollups, incident transitions, the org counters, and finally the alert
mails and webhooks (after everything is stored, so a slow receiver cannot lose a result).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock, netguard
from chalicelib.monitoring import alerting, rollups
from chalicelib.monitoring.checks import Engine, Outcome, Target
from chalicelib.monitoring.models import RESULT_DAYS, Endpoint, Result, Status, results_pk
from chalicelib.orgs import counters

log = logging.getLogger("vigil.monitoring.worker")


def _ms_iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _batch_get(model: Any, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    out = {}
    for start in range(0, len(keys), 100):
        for item in model.batch_get(keys[start : start + 100]):
            out[(item.pk, item.sk)] = item
    return out


def load(keys: list[tuple[str, str]]) -> tuple[list[Endpoint], dict[str, Status]]:
    eps = _batch_get(Endpoint, [Endpoint.key(o, e) for o, e in keys])
    endpoints = [ep for ep in eps.values() if not ep.paused]
    statuses = _batch_get(Status, [Status.key(ep.org_id, ep.endpoint_id) for ep in endpoints])
    by_ep = {}
    for ep in endpoints:
        st = statuses.get(Status.key(ep.org_id, ep.endpoint_id))
        by_ep[ep.endpoint_id] = st or Status(*Status.key(ep.org_id, ep.endpoint_id))
    return endpoints, by_ep


def check(endpoints: list[Endpoint], engine: Engine | None = None) -> list[Outcome]:
    targets = [
        Target(key=ep.endpoint_id, url=ep.url, checks=ep.checks.as_dict() if ep.checks is not None else {})
        for ep in endpoints
    ]
    return (engine or Engine()).run(targets)


def process(
    keys: list[tuple[str, str]], engine: Engine | None = None, resolve: netguard.Resolve | None = None
) -> dict[str, int]:
    """Check the endpoints ``keys`` ([(org_id, endpoint_id)]) and store everything."""
    endpoints, statuses = load(keys)
    if not endpoints:
        return {"checked": 0}
    outcomes = check(endpoints, engine or Engine(resolve=resolve))
    return store(endpoints, statuses, outcomes, resolve=resolve)


def store(
    endpoints: list[Endpoint],
    statuses: dict[str, Status],
    outcomes: list[Outcome],
    resolve: netguard.Resolve | None = None,
) -> dict[str, int]:
    by_id = {ep.endpoint_id: ep for ep in endpoints}
    # Status items are written only when what is stored changes (state, error, certificate,
    # headers, alert memory): in a steady state a check writes its result and rollups only.
    stored = {eid: st.serialize() for eid, st in statuses.items()}
    effects = alerting.Effects()
    results, samples = [], []
    for out in outcomes:
        ep = by_id[out.key]
        st = statuses[ep.endpoint_id]
        maintenance = alerting.in_maintenance(ep, out.checked_at)
        results.append(
            Result(
                results_pk(ep.org_id, ep.endpoint_id),
                _ms_iso(out.checked_at),
                state=out.state,
                status_code=out.status_code,
                response_ms=out.response_ms,
                timings={k: v for k, v in out.timings.items() if v is not None},
                error=(out.error or None) and out.error[:500],
                maintenance=maintenance,
                details=alerting.compact(out) or None,
                expires_at=clock.epoch(out.checked_at + timedelta(days=RESULT_DAYS)),
            )
        )
        samples.append(
            rollups.Sample(
                ep.org_id, ep.endpoint_id, out.checked_at, out.state != "down", out.response_ms, maintenance
            )
        )
        alerting.status_fields(st, out, maintenance)
        alerting.evaluate(ep, st, out, effects)
    with Result.batch_write() as w:
        for r in results:
            w.save(r)
    changed = [
        statuses[ep.endpoint_id]
        for ep in endpoints
        if ep.endpoint_id in statuses and statuses[ep.endpoint_id].serialize() != stored[ep.endpoint_id]
    ]
    if changed:
        with Status.batch_write() as w:
            for st in changed:
                w.save(st)
    merged = rollups.merge_samples(samples)
    from chalicelib.monitoring.models import Rollup

    with Rollup.batch_write() as w:
        for rollup in merged:
            w.save(rollup)
    for org_id, delta in effects.down_delta.items():
        if delta:
            counters.increment(org_id, "endpoints_down", delta)
    sent = send_alerts(effects.alerts, resolve)
    up = sum(1 for o in outcomes if o.state != "down")
    return {"checked": len(outcomes), "up": up, "down": len(outcomes) - up, "alerts": sent}


def send_alerts(alerts: list[alerting.Alert], resolve: netguard.Resolve | None = None) -> int:
    if not alerts:
        return 0
    from chalicelib.incidents import alerts as mail_alerts
    from chalicelib.incidents import webhooks
    from chalicelib.orgs import queries as orgs_q

    orgs = orgs_q.batch_get(a.org_id for a in alerts)
    admins: dict[str, list[str]] = {}
    sent = 0
    for a in alerts:
        org = orgs.get(a.org_id)
        if org is None:
            continue
        if a.org_id not in admins:
            admins[a.org_id] = mail_alerts.admin_emails(a.org_id)
        if mail_alerts.notify(
            a.incident,
            a.event,
            org.name,
            org.language or "de",
            a.recipients,
            admins=admins[a.org_id],
            time_zone=org.zone,
        ):
            sent += 1
    hooks = [a.webhook for a in alerts if a.webhook is not None]
    if hooks:
        webhooks.deliver(hooks, resolve)
    return sent


def process_message(body: str) -> dict[str, int]:
    from chalicelib.monitoring.dispatcher import parse_message

    return process(parse_message(body))
