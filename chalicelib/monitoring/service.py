"""Endpoint CRUD, results and status (the API side of monitoring; no Chalice imports)."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import clock, db, errors, ids
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action
from chalicelib.billing.plans import limits_for
from chalicelib.monitoring import rollups
from chalicelib.monitoring.dispatcher import dispatched_through, next_slot_after
from chalicelib.monitoring.models import (
    ENDPOINT_PREFIX,
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


def _check_interval(org_id: str, interval: int) -> Any:
    limits = limits_for(org_id)
    if interval < limits.min_interval_minutes:
        raise errors.Unprocessable(
            errors.M("limits.interval", min=limits.min_interval_minutes, plan=limits.plan),
            {"interval_minutes": errors.M("field.interval_min", min=limits.min_interval_minutes)},
        )
    return limits


def create(access: Access, body: EndpointIn) -> dict[str, Any]:
    from pynamodb.exceptions import TransactWriteError

    access.require(Action.WRITE)
    limits = _check_interval(access.org_id, body.interval_minutes)
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
        next_check_at=now,
        created_at=now,
        updated_at=now,
    )
    if not body.paused:
        ep.gsi1pk = due_shard(endpoint_id)
        ep.gsi1sk = due_sk(access.org_id, endpoint_id, now, body.interval_minutes)
    entry = audit_log.entry(access, "endpoint.created", endpoint_id, {"name": body.name, "url": body.url})
    try:
        with db.transaction() as tx:
            tx.save(ep, condition=Endpoint.pk.does_not_exist())
            counters.add_to(tx, access.org_id, "endpoints", 1, limit=limits.endpoints)
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc, 1) or db.cancelled_by_condition(exc):
            raise errors.Unprocessable(
                errors.M("limits.endpoints", max=limits.endpoints, plan=limits.plan),
                {"endpoints": errors.M("field.endpoints_max", max=limits.endpoints, plan=limits.plan)},
            ) from exc
        raise
    return view(ep, access, dispatched_through())


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


def get(access: Access, endpoint_id: str) -> dict[str, Any]:
    return view(_load(access.org_id, endpoint_id), access, dispatched_through())


def list_endpoints(access: Access, limit: int, cursor: str | None) -> dict[str, Any]:
    query = Endpoint.query(
        org_pk(access.org_id),
        Endpoint.sk.startswith(ENDPOINT_PREFIX),
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"endpoints/{access.org_id}"),
    )
    items, next_cursor = db.page(query, limit, scope)
    dispatched = dispatched_through() if items else None
    return {"items": [view(e, access, dispatched) for e in items], "next": next_cursor}


def patch(access: Access, endpoint_id: str, body: EndpointPatch) -> dict[str, Any]:
    access.require(Action.WRITE)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise errors.ValidationFailed({"body": errors.M("field.no_change")})
    for field in ("name", "url", "interval_minutes", "checks", "alert"):
        if field in changes and changes[field] is None:
            raise errors.ValidationFailed({field: errors.M("field.not_null")})
    ep = _load(access.org_id, endpoint_id)
    now = clock.now()
    actions = [Endpoint.updated_at.set(now), Endpoint.version.add(1)]
    if body.interval_minutes is not None:
        _check_interval(access.org_id, body.interval_minutes)
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
        actions += [
            Endpoint.next_check_at.set(now),
            Endpoint.gsi1pk.set(due_shard(endpoint_id)),
            Endpoint.gsi1sk.set(
                due_sk(access.org_id, endpoint_id, now, body.interval_minutes or int(ep.interval_minutes))
            ),
        ]
    entry = audit_log.entry(access, "endpoint.updated", endpoint_id, {"changed": sorted(changes)})
    from pynamodb.exceptions import TransactWriteError

    try:
        with db.transaction() as tx:
            tx.update(ep, actions=actions, condition=Endpoint.version == ep.version)
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            raise errors.Conflict(errors.M("conflict.endpoint_changed")) from exc
        raise
    return get(access, endpoint_id)


def delete(access: Access, endpoint_id: str) -> None:
    """Delete the endpoint and its status; results and rollups go with the org purge or TTL."""
    from chalicelib.incidents import service as incidents

    access.require(Action.WRITE)
    ep = _load(access.org_id, endpoint_id)
    status = _status(access.org_id, endpoint_id)
    entry = audit_log.entry(access, "endpoint.deleted", endpoint_id, {"name": ep.name, "url": ep.url})
    with db.transaction() as tx:
        tx.delete(ep, condition=Endpoint.pk.exists())
        if status is not None:
            tx.delete(status)
        tx.save(Gone.build(access.org_id, endpoint_id, clock.epoch(clock.now() + timedelta(days=400))))
        down = -1 if status is not None and status.down_counted else 0
        # one update of the counters item: a transaction may touch an item only once
        counters.add_many_to(tx, access.org_id, {"endpoints": -1, "endpoints_down": down})
        tx.save(entry)
    for kind in ("endpoint_down", "certificate"):
        incidents.resolve_incident(access.org_id, kind, endpoint_id)


def _status(org_id: str, endpoint_id: str) -> Status | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return Status.get(*Status.key(org_id, endpoint_id))
    except DoesNotExist:
        return None


def results(
    access: Access, endpoint_id: str, params: dict[str, str], limit: int, cursor: str | None
) -> dict[str, Any]:
    _load(access.org_id, endpoint_id)
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
    return {"items": [result_view(r) for r in items if int(r.expires_at) > epoch_now], "next": next_cursor}


def _ms_iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def result_view(r: Result) -> dict[str, Any]:
    return {
        "checked_at": r.sk,
        "state": r.state,
        "status_code": r.status_code,
        "response_ms": r.response_ms,
        "error": r.error,
        "maintenance": bool(r.maintenance),
        "timings": r.timings.as_dict() if r.timings is not None else {},
        "details": r.details.as_dict() if r.details is not None else {},
    }


def status(access: Access, endpoint_id: str) -> dict[str, Any]:
    from chalicelib.monitoring import queries

    if not _valid_id(endpoint_id):
        raise errors.NotFound(errors.M("not_found.endpoint"))
    # endpoint and status in one BatchGet: the newest result is the third read of this route
    ep, st = queries.endpoint_with_status(access.org_id, endpoint_id)
    if ep is None:
        raise errors.NotFound(errors.M("not_found.endpoint"))
    latest = queries.latest_result(access.org_id, endpoint_id) if st is not None else None
    limits = limits_for(access.org_id)
    state = st.state if st is not None else "pending"
    if ep.paused or not limits.monitoring_active:
        state = "paused"
    now = clock.now()
    return {
        "state": state,
        "checked_at": clock.iso(clock.parse_iso(latest.sk)) if latest is not None else None,
        "response_ms": latest.response_ms if latest is not None else None,
        "error": st.error if st else None,
        "uptime": rollups.uptime(access.org_id, endpoint_id, now),
        "sla_target": ep.sla_target,
        "certificate": st.certificate.as_dict() if st is not None and st.certificate is not None else None,
        "headers": st.headers.as_dict() if st is not None and st.headers is not None else None,
    }
