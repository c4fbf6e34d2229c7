"""Delete an org's monitoring data in batches (registered in ``chalicelib.purge``).

Order makes it resumable: per endpoint (and per tombstone of a deleted one) first its results
and rollups, then its status, then the endpoint item itself — so an interrupted run finds the
remaining partitions again through the endpoint items it has not deleted yet. Finally the org's
monitoring counters.
"""

from __future__ import annotations

import time
from typing import Any

from chalicelib.monitoring.models import Endpoint, Gone, Result, Rollup, Status
from chalicelib.orgs import counters


def _drain(model: Any, pk: str, deadline: float) -> bool:
    while True:
        batch = list(model.query(pk, limit=100))
        if not batch:
            return True
        with model.batch_write() as writer:
            for item in batch:
                writer.delete(item)
        if time.monotonic() > deadline:
            return False


def purge_org(org_id: str, deadline: float) -> bool:
    owners: tuple[tuple[str, type[Endpoint] | type[Gone]], ...] = (("EP#", Endpoint), ("GONE#", Gone))
    for prefix, model in owners:
        while True:
            items: list[Endpoint | Gone] = list(
                model.query(f"ORG#{org_id}", model.sk.startswith(prefix), limit=25)
            )
            if not items:
                break
            for item in items:
                endpoint_id = item.sk.split("#", 1)[1]
                for m, pk in (
                    (Result, f"RES#{org_id}#{endpoint_id}"),
                    (Rollup, f"ROLL#{org_id}#{endpoint_id}"),
                ):
                    if not _drain(m, pk, deadline):
                        return False
                Status(*Status.key(org_id, endpoint_id)).delete()  # no error when absent
                item.delete()
                if time.monotonic() > deadline:
                    return False
    counters.delete(org_id)
    return True
