"""Reads of incidents for other domains (reports); key shapes stay on the models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from chalicelib import clock
from chalicelib.incidents.models import Incident, OpenIncident


def of_subject(
    org_id: str, subject_id: str, kinds: Iterable[str], opened_from: datetime, opened_to: datetime
) -> list[Incident]:
    """Incidents of one subject opened from ``opened_from`` to ``opened_to`` (one Query), plus
    those of ``kinds`` still open that opened earlier (BatchGet of the open-pointers, then of
    the incidents they point to). Unordered; the caller filters by kind and period."""
    found: dict[str, Incident] = {}
    lower = clock.iso(opened_from)
    upper = f"{clock.iso(opened_to)}~"  # '~' sorts after '#<id>': includes incidents opened at `to`
    for inc in Incident.query(
        Incident.partition(org_id),
        Incident.sk.between(lower, upper),
        filter_condition=(Incident.subject_id == subject_id),
    ):
        found[inc.sk] = inc
    pointers = list(OpenIncident.batch_get([OpenIncident.key(org_id, k, subject_id) for k in kinds]))
    missing = [Incident.key(org_id, p.incident_sk) for p in pointers if p.incident_sk not in found]
    for inc in Incident.batch_get(missing) if missing else ():
        found[inc.sk] = inc
    return list(found.values())
