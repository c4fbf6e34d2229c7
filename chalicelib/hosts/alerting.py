"""Host incidents (offline, disk, memory) opened/resolved through the shared incident service.

Each transition mails the org's admins once, in the org's language. Opening respects
``monitoring_active`` (an expired trial pauses alerts, nothing is deleted); resolving always
happens so that no incident stays open forever.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from chalicelib.incidents import alerts
from chalicelib.incidents import service as incidents

log = logging.getLogger("vigil.hosts")

_SUMMARY = {
    "de": {
        "host_offline": "Seit {since} UTC kein Lebenszeichen des Agenten (Intervall {interval} s).",
        "host_disk": "Einhängepunkt {mount} ist zu {percent} % belegt (Grenze {limit} %).",
        "host_memory": "Arbeitsspeicher zu {percent} % belegt (Grenze {limit} %).",
    },
    "en": {
        "host_offline": "No heartbeat from the agent since {since} UTC (interval {interval} s).",
        "host_disk": "Mount {mount} is {percent} % full (limit {limit} %).",
        "host_memory": "Memory is {percent} % used (limit {limit} %).",
    },
}


class OrgInfo:
    """Name and language of an org, read once per job run / heartbeat transition."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, str]] = {}
        self._zones: dict[str, str | None] = {}

    def get(self, org_id: str) -> tuple[str, str]:
        found = self._cache.get(org_id)
        if found is None:
            from pynamodb.exceptions import DoesNotExist

            from chalicelib.orgs.models import Org

            try:
                org = Org.get(*Org.key(org_id))
                found = (org.name, org.language)
                self._zones[org_id] = org.zone
            except DoesNotExist:
                found = (org_id, "en")
            self._cache[org_id] = found
        return found

    def zone(self, org_id: str) -> str | None:
        """The org's time zone (after ``get``; None → the default zone)."""
        return self._zones.get(org_id)


def summary(kind: str, language: str, **values: Any) -> str:
    texts = _SUMMARY.get(language, _SUMMARY["en"])
    return texts[kind].format(**values)


def open_alert(
    orgs: OrgInfo,
    org_id: str,
    kind: str,
    host_id: str,
    host_name: str,
    text: str,
    details: dict[str, Any] | None,
    at: datetime,
) -> bool:
    """Open (kind, host) unless open already, and mail the admins; True when newly opened."""
    from chalicelib.incidents.texts import HOST_CODES

    incident = incidents.open_incident(
        org_id,
        kind,
        "host",
        host_id,
        host_name,
        text,
        details,
        at=at,
        code=HOST_CODES.get(kind),
        params=details,
    )
    if incident is None:
        return False
    name, language = orgs.get(org_id)
    alerts.notify(incident, "opened", name, language, time_zone=orgs.zone(org_id))
    return True


def resolve_alert(
    orgs: OrgInfo, org_id: str, kind: str, host_id: str, at: datetime, mail: bool = True
) -> bool:
    incident = incidents.resolve_incident(org_id, kind, host_id, at=at)
    if incident is None:
        return False
    if mail:
        name, language = orgs.get(org_id)
        alerts.notify(incident, "resolved", name, language, time_zone=orgs.zone(org_id))
    return True
