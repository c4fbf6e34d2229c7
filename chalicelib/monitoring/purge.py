"""Delete an org's monitoring data in batches (registered in ``chalicelib.purge``).

Order makes it resumable: per endpoint (and per tombstone of a deleted one) first its results
and rollups, then its status, then the endpoint item itself — so an interrupted run finds the
remaining partitions again through the endpoint items it has not deleted yet. Finally the org's
monitoring counters.
"""

from __future__ import annotations

import time

from chalicelib import db
from chalicelib.monitoring.models import (
    ENDPOINT_PREFIX,
    GONE_PREFIX,
    Endpoint,
    Gone,
    Result,
    Rollup,
    Status,
    org_pk,
    results_pk,
    rollups_pk,
)
from chalicelib.orgs import counters


def purge_org(org_id: str, deadline: float) -> bool:
    def purge_endpoints(items: list[Endpoint] | list[Gone]) -> bool:
        for item in items:
            endpoint_id = item.sk.split("#", 1)[1]
            if not db.drain(Result, results_pk(org_id, endpoint_id), deadline, limit=100):
                return False
            if not db.drain(Rollup, rollups_pk(org_id, endpoint_id), deadline, limit=100):
                return False
            Status(*Status.key(org_id, endpoint_id)).delete()  # no error when absent
            item.delete()
            if time.monotonic() > deadline:
                return False
        return True

    if not db.drain(
        Endpoint, org_pk(org_id), deadline, Endpoint.sk.startswith(ENDPOINT_PREFIX), handle=purge_endpoints
    ):
        return False
    if not db.drain(Gone, org_pk(org_id), deadline, Gone.sk.startswith(GONE_PREFIX), handle=purge_endpoints):
        return False
    counters.delete(org_id)
    return True
