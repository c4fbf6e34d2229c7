"""Open, resolve and list incidents; each transition alerts once.

Opening is a transaction of the incident and its open-pointer with the condition that no
pointer exists: concurrent workers cannot open the same incident twice, and a flapping subject
opens a new incident only after the previous one was resolved.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock, db, errors, ids
from chalicelib.incidents.models import Incident, OpenIncident
from chalicelib.orgs import counters

log = logging.getLogger("vigil.incidents")

KEEP = timedelta(days=400)


def view(i: Incident, language: str | None = None, time_zone: str | None = None) -> dict[str, Any]:
    """The incident as the API shows it: ``summary`` rendered from ``code``/``params`` in
    ``language`` with local times (the stored summary when no language is given: webhooks)."""
    from chalicelib.incidents import texts

    code, params = texts.code_of(i)
    return {
        "id": i.incident_id,
        "kind": i.kind,
        "state": i.state,
        "subject": {"type": i.subject_type, "id": i.subject_id, "name": i.subject_name},
        "summary": texts.incident_text(i, language, time_zone) if language else i.summary,
        "code": code,
        "params": params,
        "details": i.details.as_dict() if i.details is not None else {},
        "opened_at": clock.iso(i.opened_at),
        "resolved_at": clock.iso(i.resolved_at),
    }


def open_incident(
    org_id: str,
    kind: str,
    subject_type: str,
    subject_id: str,
    subject_name: str,
    summary: str,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
    code: str | None = None,
    params: dict[str, Any] | None = None,
) -> Incident | None:
    """Open an incident unless one is open for (kind, subject); returns it when new.

    ``code``/``params``: the cause for readers (``incidents.texts``); ``summary`` stays as a
    technical fallback."""
    from pynamodb.exceptions import TransactWriteError

    at = at or clock.now()
    incident_id = ids.new_id("i")
    incident = Incident(
        *Incident.key(org_id, Incident.sort_key(at, incident_id)),
        incident_id=incident_id,
        org_id=org_id,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_name=subject_name,
        state="open",
        summary=summary[:500],
        details=details or None,
        code=code,
        params={k: v for k, v in (params or {}).items() if v is not None} or None,
        opened_at=at,
        expires_at=clock.epoch(at + KEEP),
    )
    pointer = OpenIncident(*OpenIncident.key(org_id, kind, subject_id), incident_sk=incident.sk, opened_at=at)
    try:
        with db.transaction() as tx:
            tx.save(pointer, condition=OpenIncident.pk.does_not_exist())
            tx.save(incident)
            counters.add_to(tx, org_id, "incidents_open", 1, oldest_incident_at=at)  # partner overview
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            return None
        raise
    log.info("incident %s opened: %s %s", incident_id, kind, subject_id)
    return incident


def resolve_incident(
    org_id: str,
    kind: str,
    subject_id: str,
    at: datetime | None = None,
    pointer: OpenIncident | None = None,
) -> Incident | None:
    """Resolve the open incident of (kind, subject), if any; returns it when resolved now.
    ``pointer``: its open-incident pointer when the caller read it already (one GetItem less)."""
    from pynamodb.exceptions import DoesNotExist, TransactWriteError

    at = at or clock.now()
    if pointer is None:
        try:
            pointer = OpenIncident.get(*OpenIncident.key(org_id, kind, subject_id))
        except DoesNotExist:
            return None
    try:
        incident = Incident.get(*Incident.key(org_id, pointer.incident_sk))
    except DoesNotExist:
        pointer.delete()
        return None
    try:
        with db.transaction() as tx:
            tx.delete(pointer, condition=OpenIncident.incident_sk == pointer.incident_sk)
            tx.update(
                incident,
                actions=[Incident.state.set("resolved"), Incident.resolved_at.set(at)],
                condition=Incident.state == "open",
            )
            counters.add_to(tx, org_id, "incidents_open", -1)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            return None  # resolved concurrently
        raise
    incident.state, incident.resolved_at = "resolved", at
    _recompute_oldest(org_id)
    return incident


def _recompute_oldest(org_id: str) -> None:
    """The partner overview's ``oldest_incident_at`` after a resolve: the earliest start among
    the org's open-incident pointers (one Query of ``INCOPEN#<org>``, a handful of items)."""
    starts = [p.opened_at for p in OpenIncident.query(OpenIncident.partition(org_id))]
    counters.set_oldest_incident(org_id, min(starts) if starts else None)


def is_open(org_id: str, kind: str, subject_id: str) -> bool:
    from pynamodb.exceptions import DoesNotExist

    try:
        OpenIncident.get(*OpenIncident.key(org_id, kind, subject_id))
    except DoesNotExist:
        return False
    return True


def open_incident_of(org_id: str, kind: str, subject_id: str) -> Incident | None:
    """The open incident of (kind, subject), if any (two GetItems)."""
    from pynamodb.exceptions import DoesNotExist

    try:
        pointer = OpenIncident.get(*OpenIncident.key(org_id, kind, subject_id))
        return Incident.get(*Incident.key(org_id, pointer.incident_sk))
    except DoesNotExist:
        return None


def parse_subject(raw: str | None) -> tuple[str, str] | None:
    """``?subject=endpoint:<id>`` or ``host:<id>`` → (type, id); 400 on anything else."""
    if raw is None:
        return None
    kind, _, subject_id = raw.partition(":")
    valid_id = 0 < len(subject_id) <= 64 and subject_id.replace("-", "").replace("_", "").isalnum()
    if kind not in ("endpoint", "host") or not valid_id or not subject_id.isascii():
        raise errors.ValidationFailed({"subject": errors.M("field.subject_format")})
    return kind, subject_id


def list_incidents(
    org_id: str,
    limit: int,
    cursor: str | None,
    state: str | None = None,
    subject: tuple[str, str] | None = None,
    language: str | None = None,
    time_zone: str | None = None,
) -> dict[str, Any]:
    """One page of incidents, newest first; a page is short only at the end of the list.

    ``state=open`` reads the open-incident pointers (``INCOPEN#<org>``, paged in key order) and
    fetches their incidents with one BatchGet: no walk through the resolved history. Other
    states filter the ``INC#<org>`` query, and PynamoDB keeps reading until the page is full.
    ``subject`` (type, id) filters the same Query server-side (the org's incidents are kept
    90 days, so the walk is bounded); with ``state=open`` the pointers are filtered instead.
    """
    if state == "open":
        return _open_page(org_id, limit, cursor, subject, language, time_zone)
    pk = Incident.partition(org_id)
    condition = (Incident.state == state) if state is not None else None
    if subject is not None:
        by_subject = (Incident.subject_type == subject[0]) & (Incident.subject_id == subject[1])
        condition = by_subject if condition is None else condition & by_subject
    scope = f"incidents/{org_id}/{state or ''}" + (f"/{subject[0]}:{subject[1]}" if subject else "")
    query = Incident.query(
        pk,
        scan_index_forward=False,
        filter_condition=condition,
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope, pk=pk),
    )
    items, next_cursor = db.page(query, limit, scope)
    return {"items": [view(i, language, time_zone) for i in items], "next": next_cursor}


def _open_page(
    org_id: str,
    limit: int,
    cursor: str | None,
    subject: tuple[str, str] | None = None,
    language: str | None = None,
    time_zone: str | None = None,
) -> dict[str, Any]:
    """Open incidents by their pointers (sk ``<kind>#<subject>``); each page newest first."""
    pk = OpenIncident.partition(org_id)
    scope = f"incidents/{org_id}/open" + (f"/{subject[0]}:{subject[1]}" if subject else "")
    # DynamoDB has no ends_with: `contains` narrows, the exact subject is checked below
    condition = OpenIncident.sk.contains(f"#{subject[1]}") if subject else None
    query = OpenIncident.query(
        pk,
        filter_condition=condition,
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope, pk=pk),
    )
    pointers, next_cursor = db.page(query, limit, scope)
    found = Incident.batch_get([Incident.key(org_id, p.incident_sk) for p in pointers]) if pointers else []
    items = sorted(
        (i for i in found if i.state == "open" and (subject is None or i.subject_id == subject[1])),
        key=lambda i: i.sk,
        reverse=True,
    )
    return {"items": [view(i, language, time_zone) for i in items], "next": next_cursor}


def purge_org(org_id: str, deadline: float) -> bool:
    """Delete an org's incidents in batches (see ``chalicelib.purge``)."""
    return db.drain(OpenIncident, OpenIncident.partition(org_id), deadline) and db.drain(
        Incident, Incident.partition(org_id), deadline
    )
