"""On-demand reports: `POST /orgs/{org}/endpoints/{id}/reports` and `…/hosts/{id}/reports`.

Body ``{from, to, language}``, all optional: the last 30 days up to now, at most 366 days, in
the org's language. The data comes from rollups (``sources``), the PDF carries the name and
logo of the org in which the report is created (``service.load_branding``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field

from chalicelib import clock
from chalicelib.auth.access import Access, Action
from chalicelib.reports import service, sources
from chalicelib.validation import RequestedInstant, Strict

DEFAULT_PERIOD = timedelta(days=30)


class ReportIn(Strict):
    period_from: RequestedInstant | None = Field(None, alias="from")
    period_to: RequestedInstant | None = Field(None, alias="to")
    language: Literal["de", "en"] | None = None


def period_of(body: ReportIn) -> tuple[datetime, datetime]:
    """The requested period: ``to`` defaults to now, ``from`` to 30 days before ``to``."""
    period_to = body.period_to or clock.now()
    return body.period_from or period_to - DEFAULT_PERIOD, period_to


def create(access: Access, kind: str, target_id: str, body: ReportIn) -> dict[str, Any]:
    """Load the target's data for the period, render, store; the Report shape (201)."""
    access.require(Action.WRITE)  # before any reading: guests get 403 at once
    period = period_of(body)
    service.check_period(*period)
    language = body.language or access.org.language or "de"
    branding = service.load_branding(access)
    target, data = sources.report_data(kind, access.org_id, target_id, period, language, branding)
    return service.create_report(access, target, period, language, data)
