"""Reads of endpoints for other domains (reports); key shapes stay on the models."""

from __future__ import annotations

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


def statuses(org_id: str, endpoint_ids: list[str]) -> dict[str, Status]:
    """Latest status of several endpoints of an org by endpoint id (BatchGetItem per 100)."""
    out: dict[str, Status] = {}
    for start in range(0, len(endpoint_ids), 100):
        keys = [Status.key(org_id, e) for e in endpoint_ids[start : start + 100]]
        for st in Status.batch_get(keys):
            out[st.sk.split("#", 1)[1]] = st
    return out


def latest_result(org_id: str, endpoint_id: str) -> Result | None:
    """The newest stored check of the endpoint (one Query, limit 1), None before the first."""
    query = Result.query(results_pk(org_id, endpoint_id), scan_index_forward=False, limit=1)
    return next(iter(query), None)
