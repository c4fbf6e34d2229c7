"""Reads of endpoints for other domains (reports); key shapes stay on the models."""

from __future__ import annotations

from typing import Any

from chalicelib import db
from chalicelib.monitoring.models import Endpoint, Result, Status, results_pk


def endpoint(org_id: str, endpoint_id: str) -> Endpoint | None:
    """The endpoint, or None when it is not in the org."""
    from pynamodb.exceptions import DoesNotExist

    try:
        return Endpoint.get(*Endpoint.key(org_id, endpoint_id))
    except DoesNotExist:
        return None


def endpoint_with_status(org_id: str, endpoint_id: str) -> tuple[Endpoint | None, Status | None]:
    """The endpoint and its latest status (either None when absent), one BatchGetItem."""
    ep_key, status_key = Endpoint.key(org_id, endpoint_id), Status.key(org_id, endpoint_id)
    items = db.batch_get_mixed([(Endpoint, ep_key), (Status, status_key)])
    return db.found_as(items, ep_key, Endpoint), db.found_as(items, status_key, Status)


def statuses_and_monitoring(org_id: str, endpoint_ids: list[str]) -> tuple[dict[str, Status], bool]:
    """Latest status of endpoints of an org by endpoint id, and whether the org's subscription
    lets checks run — one BatchGetItem across the monitoring and billing tables per 100 keys."""
    from chalicelib.billing.models import Subscription
    from chalicelib.billing.plans import MONITORING_STATES

    wanted: list[tuple[Any, tuple[str, str]]] = [(Subscription, Subscription.key(org_id))]
    wanted += [(Status, Status.key(org_id, e)) for e in endpoint_ids]
    found = db.batch_get_across(wanted)
    out: dict[str, Status] = {}
    for (model, key), item in found.items():
        if model is Status and isinstance(item, Status):
            out[key[1].split("#", 1)[1]] = item
    sub = found.get((Subscription, Subscription.key(org_id)))
    active = isinstance(sub, Subscription) and sub.status in MONITORING_STATES
    return out, active


def latest_result(org_id: str, endpoint_id: str) -> Result | None:
    """The newest stored check of the endpoint (one Query, limit 1), None before the first."""
    query = Result.query(results_pk(org_id, endpoint_id), scan_index_forward=False, limit=1)
    return next(iter(query), None)
