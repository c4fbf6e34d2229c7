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


#: Steps run inside ``DELETE /orgs/{id}`` right after its transaction (same signature as the
#: purgers): what would keep working from outside without a user's session — agent tokens, the
#: presigned links of report PDFs — is cut off at once, not when the purge gets there. A step
#: that fails or runs out of time is left to the purgers, which remove the same things again.
CUT_OFF: list[str] = [
    "chalicelib.hosts.service.revoke_tokens",
    "chalicelib.reports.service.withdraw_files",
]
