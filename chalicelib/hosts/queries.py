"""Reads of hosts for other domains (reports); key shapes stay on the models."""

from __future__ import annotations

from datetime import datetime

from chalicelib.hosts.models import Host, HostRollup, hour_key


def host(org_id: str, host_id: str) -> Host | None:
    """The host, or None when it is not in the org."""
    from pynamodb.exceptions import DoesNotExist

    try:
        return Host.get(*Host.key(org_id, host_id))
    except DoesNotExist:
        return None


def hourly_rollups(host_id: str, first: datetime, last: datetime) -> list[HostRollup]:
    """The host's hourly rollups of the hours holding ``first`` … ``last`` (one Query)."""
    return list(
        HostRollup.query(
            HostRollup.partition(host_id), HostRollup.sk.between(hour_key(first), hour_key(last))
        )
    )
