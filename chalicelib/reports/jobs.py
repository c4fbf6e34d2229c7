"""Scheduled report work: the weekly/monthly report mails (hourly; runs are due at 06:00 UTC)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.HOURS), name="report_schedules")
def report_schedules(event: Any) -> dict[str, int]:
    from chalicelib.reports import scheduled

    return scheduled.run_due(scheduled.budget_from(getattr(event, "context", None)))
