"""Scheduled purge of deleted orgs (see ``chalicelib.orgs.deletion``)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="org_purge")
def org_purge(event: Any) -> dict[str, int]:
    from chalicelib.orgs.deletion import run_scheduled

    return run_scheduled(getattr(event, "context", None))
