"""Registry of per-domain purge steps for deleting an org's data.

Each domain that stores org data adds the dotted path of a function
``purge_org(org_id: str, deadline: float) -> bool`` here. It deletes a batch of that org's
items/objects and returns True once nothing of the org is left in its domain; it must stop
around ``deadline`` (``time.monotonic()`` value) and be safe to call again (resumable).
Invoices issued to a partner are legal records and are never purged.
"""

from __future__ import annotations

PURGERS: list[str] = [
    "chalicelib.incidents.service.purge_org",
    "chalicelib.reports.service.purge_org",
    "chalicelib.hosts.service.purge_org",
    "chalicelib.monitoring.purge.purge_org",
    "chalicelib.statuspages.service.purge_org",
    "chalicelib.orgs.deletion.purge_files",
    "chalicelib.orgs.deletion.purge_core",  # always run last (deletes the org item)
]
