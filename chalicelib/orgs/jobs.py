"""Scheduled purges: deleted orgs (``chalicelib.orgs.deletion``), unconfirmed signups
(``chalicelib.orgs.signup``)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="org_purge")
def org_purge(event: Any) -> dict[str, int]:
    from chalicelib.orgs.deletion import run_scheduled

    return run_scheduled(getattr(event, "context", None))


@bp.schedule(Rate(1, unit=Rate.HOURS), name="signup_purge")
def signup_purge(event: Any) -> dict[str, int]:
    import time

    from chalicelib.orgs.signup import purge_expired

    context = getattr(event, "context", None)
    get_ms = getattr(context, "get_remaining_time_in_millis", None)
    budget = min(45.0, max(1.0, get_ms() / 1000 - 10)) if callable(get_ms) else 45.0
    return {"removed": purge_expired(time.monotonic() + budget)}
