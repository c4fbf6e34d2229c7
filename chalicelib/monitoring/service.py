"""Endpoint CRUD, results and status (the API side of monitoring; no Chalice imports)."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import clock, db, errors, ids, ratelimit, settings
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action
from chalicelib.billing.plans import limits_for
from chalicelib.monitoring import rollups
from chalicelib.monitoring.dispatcher import dispatched_from, dispatched_through, next_slot_after
from chalicelib.monitoring.models import (
    ENDPOINT_PREFIX,
    DispatchCursor,
    Endpoint,
    Gone,
    Result,
    Status,
    due_shard,
    due_sk,
    org_pk,
    results_pk,
)
from chalicelib.orgs import counters

if TYPE_CHECKING:  # request schemas (pydantic) stay off the cold-start path
    from chalicelib.monitoring.schemas import EndpointIn, EndpointPatch

log = logging.getLogger("vigil.monitoring")


def _windows(body_windows: list[Any]) -> list[dict[str, Any]]:
    return [
        {"starts_at": clock.iso(w.starts_at), "ends_at": clock.iso(w.ends_at), "reason": w.reason}
        for w in body_windows
    ]


def _alert(alert: Any, secret: str | None) -> dict[str, Any]:
    out = {
        "consecutive_failures": alert.consecutive_failures,
        "recipients": list(alert.recipients),
        "webhook_url": alert.webhook_url,
    }
    if alert.webhook_url:
        out["webhook_secret"] = secret or secrets.token_urlsafe(24)
    return out


def view(ep: Endpoint, access: Access | None = None, dispatched: datetime | None = None) -> dict[str, Any]:
    """The endpoint as the API shows it; ``dispatched``: the last second the dispatcher handled
    (``dispatcher.dispatched_through``), from which the next slot of its grid follows."""
    alert = ep.alert.as_dict() if ep.alert is not None else {}
    secret = alert.pop("webhook_secret", None)
    if secret and access is not None and access.allows(Action.WRITE):
        alert["webhook_secret"] = secret  # guests do not see the signing secret
    return {
        "id": ep.endpoint_id,
        "name": ep.name,
        "url": ep.url,
        "interval_minutes": int(ep.interval_minutes),
        "paused": bool(ep.paused),
        "checks": ep.checks.as_dict() if ep.checks is not None else {},
        "maintenance_windows": [dict(w) for w in (ep.maintenance_windows or [])],
        "alert": alert,
        "sla_target": ep.sla_target,
        "next_check_at": None
        if ep.paused
        else clock.iso(next_slot_after(ep.next_check_at, int(ep.interval_minutes), dispatched)),
        "created_at": clock.iso(ep.created_at),
        "updated_at": clock.iso(ep.updated_at),
    }


def first_slot(now: datetime) -> datetime:
    """The anchor of a new or retargeted endpoint's grid: now, or with a dispatcher lookahead
    the first second after what the last run can have queued (now + lookahead), so the first
    slot is never one a run already passed (and checked about a minute after the change)."""
    lookahead = settings.dispatch_lookahead_s()
    return now + timedelta(seconds=lookahead + 1) if lookahead else now


def _check_interval(access: Access, interval: int) -> Any:
    limits = _limits(access)
    if interval < limits.min_interval_minutes:
        raise errors.Unprocessable(
            errors.M("limits.interval", min=limits.min_interval_minutes, plan=limits.plan),
            {"interval_minutes": errors.M("field.interval_min", min=limits.min_interval_minutes)},
        )
    return limits


def create(access: Access, body: EndpointIn) -> dict[str, Any]:
    from pynamodb.exceptions import TransactWriteError

    access.require(Action.WRITE)
    if body.alert.recipients:
        ratelimit.take("recipients", access.org_id)  # each address given here may get mail
    limits = _check_interval(access, body.interval_minutes)
    now = clock.now()
    endpoint_id = ids.new_id("e")
    ep = Endpoint(
        *Endpoint.key(access.org_id, endpoint_id),
        endpoint_id=endpoint_id,
        org_id=access.org_id,
        name=body.name,
        url=body.url,
        interval_minutes=body.interval_minutes,
        paused=body.paused,
        checks=body.checks.model_dump(),
        maintenance_windows=_windows(body.maintenance_windows),
        alert=_alert(body.alert, None),
        sla_target=str(body.sla_target),
        next_check_at=first_slot(now),
        created_at=now,
        updated_at=now,
    )
    if not body.paused:
        ep.gsi1pk = due_shard(endpoint_id)
        ep.gsi1sk = due_sk(access.org_id, endpoint_id, first_slot(now), body.interval_minutes)
    entry = audit_log.entry(access, "endpoint.created", endpoint_id, {"name": body.name, "url": body.url})
    try:
        with db.transaction() as tx:
            tx.save(ep, condition=Endpoint.pk.does_not_exist())
            counters.add_to(
                tx,
                access.org_id,
                "endpoints",
                1,
                limit=limits.endpoints,
                also={"endpoints_paused": 1 if body.paused else 0},
            )
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc, 1) or db.cancelled_by_condition(exc):
            raise errors.Unprocessable(
                errors.M("limits.endpoints", max=limits.endpoints, plan=limits.plan),
                {"endpoints": errors.M("field.endpoints_max", max=limits.endpoints, plan=limits.plan)},
            ) from exc
        raise
    _ask_recipients(access, body.alert.recipients)
    return view(ep, access, _dispatched(access))


def _ask_recipients(access: Access, addresses: list[str]) -> None:
    """Addresses outside the org get alert mail only once they confirmed (a link is mailed)."""
    if addresses:
        from chalicelib.mail import recipients

        recipients.ask(access.org_id, access.org.name, access.org.language or "de", addresses)


def _valid_id(endpoint_id: str) -> bool:
    return 0 < len(endpoint_id) <= 64 and endpoint_id.replace("-", "").replace("_", "").isalnum()


def _load(org_id: str, endpoint_id: str) -> Endpoint:
    from pynamodb.exceptions import DoesNotExist

    if not _valid_id(endpoint_id):
        raise errors.NotFound(errors.M("not_found.endpoint"))
    try:
        return Endpoint.get(*Endpoint.key(org_id, endpoint_id))
    except DoesNotExist as exc:
        raise errors.NotFound(errors.M("not_found.endpoint")) from exc


#: Incidents an endpoint can have open (resolved when it is deleted).
INCIDENT_KINDS = ("endpoint_down", "certificate")


def reads(
    org_id: str,
    endpoint_id: str,
    *,
    status: bool = False,
    plan: bool = False,
    cursor: bool = False,
    incidents: bool = False,
) -> list[tuple[Any, tuple[str, str]]]:
    """The items an endpoint route reads first, for ``for_request(..., also=...)``: read in the
    same BatchGetItem as the caller's role (#19 §3). Empty for an invalid id (the route's 404)."""
    from chalicelib.billing.models import Subscription

    if not _valid_id(endpoint_id):
        return []
    out: list[tuple[Any, tuple[str, str]]] = [(Endpoint, Endpoint.key(org_id, endpoint_id))]
    if status:
        out.append((Status, Status.key(org_id, endpoint_id)))
    if plan:
        out.append((Subscription, Subscription.key(org_id)))
    if cursor:
        out.append((DispatchCursor, DispatchCursor.key()))
    if incidents:
        from chalicelib.incidents.models import OpenIncident

        out += [(OpenIncident, OpenIncident.key(org_id, kind, endpoint_id)) for kind in INCIDENT_KINDS]
    return out


def _load_for(access: Access, endpoint_id: str) -> Endpoint:
    """The endpoint as prefetched with the role (``reads``), else read now."""
    if _valid_id(endpoint_id):
        ep = access.found(Endpoint.key(access.org_id, endpoint_id), Endpoint)
        if ep is not None:
            return ep
    return _load(access.org_id, endpoint_id)


def _dispatched(access: Access) -> datetime | None:
    """``dispatched_through()`` from the prefetched cursor when there is one."""
    if DispatchCursor.key() not in access.asked:
        return dispatched_through()
    cursor = access.found(DispatchCursor.key(), DispatchCursor)
    return dispatched_from(cursor) if cursor is not None else None  # None: no run yet


def _limits(access: Access) -> Any:
    """The org's plan limits from the prefetched subscription when there is one."""
    from chalicelib.billing.models import Subscription
    from chalicelib.billing.plans import limits_of

    sub = access.found(Subscription.key(access.org_id), Subscription)
    return limits_of(sub) if sub is not None else limits_for(access.org_id)  # (absent: trial, read)


def get(access: Access, endpoint_id: str) -> dict[str, Any]:
    return view(_load_for(access, endpoint_id), access, _dispatched(access))


def list_endpoints(access: Access, limit: int, cursor: str | None) -> dict[str, Any]:
    query = Endpoint.query(
        org_pk(access.org_id),
        Endpoint.sk.startswith(ENDPOINT_PREFIX),
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"endpoints/{access.org_id}"),
    )
    items, next_cursor = db.page(query, limit, scope)
    if not items:
        return {"items": [], "next": next_cursor}
    from chalicelib.monitoring import queries

    dispatched = dispatched_through()
    # each endpoint's state on the list, so that a list needs no /status call per endpoint: the
    # page's status items and the org's subscription (paused by an expired plan) in one BatchGet
    statuses, active = queries.statuses_and_monitoring(access.org_id, [e.endpoint_id for e in items])
    out = []
    for e in items:
        st = statuses.get(e.endpoint_id)
        state = "paused" if e.paused or not active else (st.state if st is not None else "pending")
        out.append({**view(e, access, dispatched), "state": state, "error": st.error if st else None})
    return {"items": out, "next": next_cursor}


def patch(access: Access, endpoint_id: str, body: EndpointPatch) -> dict[str, Any]:
    access.require(Action.WRITE)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise errors.ValidationFailed({"body": errors.M("field.no_change")})
    for field in ("name", "url", "interval_minutes", "checks", "alert"):
        if field in changes and changes[field] is None:
            raise errors.ValidationFailed({field: errors.M("field.not_null")})
    ep = _load_for(access, endpoint_id)
    if body.alert is not None:
        before = (ep.alert.as_dict() if ep.alert is not None else {}).get("recipients") or []
        if list(body.alert.recipients) != list(before):
            ratelimit.take("recipients", access.org_id)  # a recipient change, before the write
    now = clock.now()
    actions = [Endpoint.updated_at.set(now), Endpoint.version.add(1)]
    if body.interval_minutes is not None:
        _check_interval(access, body.interval_minutes)
        actions.append(Endpoint.interval_minutes.set(body.interval_minutes))
    if body.name is not None:
        actions.append(Endpoint.name.set(body.name))
    if body.url is not None:
        actions.append(Endpoint.url.set(body.url))
    if body.checks is not None:
        actions.append(Endpoint.checks.set(body.checks.model_dump()))
    if "maintenance_windows" in changes:
        actions.append(Endpoint.maintenance_windows.set(_windows(body.maintenance_windows or [])))
    if body.alert is not None:
        old_secret = ep.alert.as_dict().get("webhook_secret") if ep.alert is not None else None
        actions.append(Endpoint.alert.set(_alert(body.alert, old_secret)))
    if body.sla_target is not None:
        actions.append(Endpoint.sla_target.set(str(body.sla_target)))
    paused = body.paused if body.paused is not None else bool(ep.paused)
    if body.paused is not None:
        actions.append(Endpoint.paused.set(paused))
    if paused:
        actions += [Endpoint.gsi1pk.remove(), Endpoint.gsi1sk.remove()]
    elif body.paused is False or body.url is not None or body.interval_minutes is not None:
        # resumed or retargeted: check soon (the worker derives the next slot from the interval)
        anchor = first_slot(now)
        actions += [
            Endpoint.next_check_at.set(anchor),
            Endpoint.gsi1pk.set(due_shard(endpoint_id)),
            Endpoint.gsi1sk.set(
                due_sk(access.org_id, endpoint_id, anchor, body.interval_minutes or int(ep.interval_minutes))
            ),
        ]
    entry = audit_log.entry(access, "endpoint.updated", endpoint_id, {"changed": sorted(changes)})
    from pynamodb.exceptions import TransactWriteError

    try:
        with db.transaction() as tx:
            tx.update(ep, actions=actions, condition=Endpoint.version == ep.version)
            if paused != bool(ep.paused):  # the partner overview counts paused endpoints
                counters.add_many_to(tx, access.org_id, {"endpoints_paused": 1 if paused else -1})
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            raise errors.Conflict(errors.M("conflict.endpoint_changed")) from exc
        raise
    if body.alert is not None:
        _ask_recipients(access, list(body.alert.recipients))
    return view(_load(access.org_id, endpoint_id), access, _dispatched(access))  # as written


def delete(access: Access, endpoint_id: str) -> None:
    """Delete the endpoint and its status; results and rollups go with the org purge or TTL."""
    from chalicelib.incidents import service as incidents

    access.require(Action.WRITE)
    ep = _load_for(access, endpoint_id)
    status_key = Status.key(access.org_id, endpoint_id)
    # read with the role when the route asked for it (reads(..., status=True, incidents=True))
    status = (
        access.found(status_key, Status)
        if status_key in access.asked
        else _status(access.org_id, endpoint_id)
    )
    entry = audit_log.entry(access, "endpoint.deleted", endpoint_id, {"name": ep.name, "url": ep.url})
    with db.transaction() as tx:
        tx.delete(ep, condition=Endpoint.pk.exists())
        if status is not None:
            tx.delete(status)
        tx.save(Gone.build(access.org_id, endpoint_id, clock.epoch(clock.now() + timedelta(days=400))))
        down = -1 if status is not None and status.down_counted else 0
        # one update of the counters item: a transaction may touch an item only once
        paused = -1 if ep.paused else 0
        counters.add_many_to(
            tx, access.org_id, {"endpoints": -1, "endpoints_down": down, "endpoints_paused": paused}
        )
        tx.save(entry)
    for kind in INCIDENT_KINDS:
        from chalicelib.incidents.models import OpenIncident

        pointer_key = OpenIncident.key(access.org_id, kind, endpoint_id)
        pointer = access.found(pointer_key, OpenIncident)
        if pointer_key in access.asked and pointer is None:
            continue  # read with the role: no incident of this kind is open
        incidents.resolve_incident(access.org_id, kind, endpoint_id, pointer=pointer)


def _status(org_id: str, endpoint_id: str) -> Status | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return Status.get(*Status.key(org_id, endpoint_id))
    except DoesNotExist:
        return None


def results(
    access: Access,
    endpoint_id: str,
    params: dict[str, str],
    limit: int,
    cursor: str | None,
    language: str | None = None,
) -> dict[str, Any]:
    _load_for(access, endpoint_id)
    now = clock.now()
    to = clock.query_time(params.get("to"), "to") or now
    start = clock.query_time(params.get("from"), "from") or to - timedelta(days=1)
    if start > to:
        raise errors.ValidationFailed({"from": errors.M("field.from_not_after_to")})
    query = Result.query(
        results_pk(access.org_id, endpoint_id),
        Result.sk.between(_ms_iso(start), _ms_iso(to) + "~"),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"results/{access.org_id}/{endpoint_id}"),
    )
    items, next_cursor = db.page(query, limit, scope)
    epoch_now = clock.epoch(now)
    # The emulator does not delete expired items, and DynamoDB deletes them late: skip them.
    return {
        "items": [result_view(r, language) for r in items if int(r.expires_at) > epoch_now],
        "next": next_cursor,
    }


def _ms_iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def result_view(r: Result, language: str | None = None) -> dict[str, Any]:
    """A raw result; ``error`` as a short cause in ``language`` (the technical text without one),
    plus ``error_code``/``error_params`` (``incidents.texts``)."""
    from chalicelib.incidents.texts import check_error

    return {
        "checked_at": r.sk,
        "state": r.state,
        "status_code": r.status_code,
        "response_ms": r.response_ms,
        **check_error(r.error, language),
        "maintenance": bool(r.maintenance),
        "timings": r.timings.as_dict() if r.timings is not None else {},
        "details": r.details.as_dict() if r.details is not None else {},
    }


def status_reads(org_id: str, endpoint_id: str) -> list[tuple[Any, tuple[str, str]]]:
    """What ``status`` reads first (endpoint, status, subscription): the route has them read in
    the caller's role BatchGet (``for_request(..., also=...)``), one call for all four items."""
    return reads(org_id, endpoint_id, status=True, plan=True)


def status(access: Access, endpoint_id: str, language: str | None = None) -> dict[str, Any]:
    """Role + endpoint + status + plan (one BatchGet, see ``status_reads``), the newest result
    (one Query) and the uptime (two Queries): 4 DynamoDB calls."""
    from chalicelib.billing.models import Subscription
    from chalicelib.billing.plans import limits_of
    from chalicelib.incidents.texts import check_error
    from chalicelib.monitoring import queries

    if not _valid_id(endpoint_id):
        raise errors.NotFound(errors.M("not_found.endpoint"))
    ep_key = Endpoint.key(access.org_id, endpoint_id)
    if ep_key in access.prefetched:
        ep = access.found(ep_key, Endpoint)
        st = access.found(Status.key(access.org_id, endpoint_id), Status)
        sub = access.found(Subscription.key(access.org_id), Subscription)
    else:  # not prefetched by the caller: endpoint and status in one BatchGet
        ep, st = queries.endpoint_with_status(access.org_id, endpoint_id)
        sub = None
    if ep is None:
        raise errors.NotFound(errors.M("not_found.endpoint"))
    latest = queries.latest_result(access.org_id, endpoint_id) if st is not None else None
    limits = limits_of(sub) if sub is not None else _limits(access)
    state = st.state if st is not None else "pending"
    if ep.paused or not limits.monitoring_active:
        state = "paused"
    now = clock.now()
    uptime, daily = rollups.uptime_and_days(access.org_id, endpoint_id, now)
    return {
        "state": state,
        "checked_at": clock.iso(clock.parse_iso(latest.sk)) if latest is not None else None,
        "response_ms": latest.response_ms if latest is not None else None,
        **check_error(st.error if st else None, language),
        "uptime": uptime,
        "daily": daily,
        "sla_target": ep.sla_target,
        "certificate": st.certificate.as_dict() if st is not None and st.certificate is not None else None,
        "headers": st.headers.as_dict() if st is not None and st.headers is not None else None,
    }
