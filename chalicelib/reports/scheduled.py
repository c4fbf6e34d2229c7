"""The scheduled report run: generate each due schedule's report and mail it with the PDF.

Per due schedule (``schedules.due_schedules``, oldest first):
1. the org must still exist and not be in deletion (else skipped: the purge removes it);
2. the target must still exist, else the schedule is dropped (``schedules.drop``);
3. ``schedules.advance`` claims the run (overlapping job runs generate each report once);
4. data for ``period_for(frequency, run)`` from rollups, PDF + record (``create_scheduled_report``),
   branded with the schedule's org (name and logo);
5. the mail with the PDF attached goes through ``mail.service.send(..., durable=True)``: it is
   in the outbox before SES is tried, so an SES failure is retried by the outbox job.
A failure in 4–5 releases the claim (``schedules.release``): the next hourly run tries again.
The run stops starting new reports at ``deadline``; the rest waits for the next run.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from chalicelib import clock, storage
from chalicelib.reports import fmt, mails, schedules, service, sources
from chalicelib.reports.models import ReportSchedule

log = logging.getLogger("vigil.reports.scheduled")

#: Stop starting new reports this long before the Lambda timeout (seconds).
MARGIN_S = 10.0
DEFAULT_BUDGET_S = 12 * 60


def budget_from(context: Any = None, budget_s: float = DEFAULT_BUDGET_S) -> float:
    """A monotonic deadline: the budget, or less when the Lambda has less time left."""
    remaining = budget_s
    get_ms = getattr(context, "get_remaining_time_in_millis", None)
    if callable(get_ms):
        remaining = min(budget_s, max(1.0, get_ms() / 1000 - MARGIN_S))
    return time.monotonic() + remaining


def _org(org_id: str) -> Any | None:
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.orgs.models import Org

    try:
        org = Org.get(*Org.key(org_id))
    except DoesNotExist:
        return None
    return None if getattr(org, "status", "active") == "deleting" else org


def run_one(schedule: ReportSchedule) -> str:
    """Handle one due schedule; returns what happened (mailed|deferred|dropped|skipped|taken|failed)."""
    from chalicelib.mail.service import Attachment, Message, send
    from chalicelib.mail.whitelabel import branded

    org = _org(schedule.org_id)
    if org is None:
        return "skipped"
    name = schedules.target_name(schedule.target.type, schedule.org_id, schedule.target.id)
    if name is None:
        schedules.drop(schedule, f"{schedule.target.type} deleted")
        log.info(
            "schedule %s dropped: %s %s is gone",
            schedule.schedule_id,
            schedule.target.type,
            schedule.target.id,
        )
        return "dropped"
    ran, last_run = schedule.next_run, schedule.last_run
    if not schedules.advance(schedule):
        return "taken"
    try:
        period = schedules.period_for(schedule.frequency, ran)
        branding = service.branding_of(org.org_id, org.name, fmt.org_time_zone(org))
        _, data = sources.report_data(
            schedule.target.type, schedule.org_id, schedule.target.id, period, schedule.language, branding
        )
        schedule.target.name = name  # the current name (it may have been renamed)
        report = service.create_scheduled_report(schedule, period, data)
        pdf = storage.get(service.BUCKET, report.s3_key) or b""
        subject, text = mails.report_mail(schedule.language, schedule.frequency, org.name, name, period)
        from chalicelib.mail import recipients

        to = recipients.deliverable(schedule.org_id, schedule.recipients)
        if not to:
            log.info("schedule %s: no confirmed recipient; report kept, no mail", schedule.schedule_id)
            return "skipped"
        message = Message(
            to=to,
            subject=subject,
            text=text,
            attachments=[Attachment(service.filename(report), pdf, "application/pdf")],
        )
        sent = send(branded(message, org, schedule.language), durable=True)
    except Exception:
        log.exception("scheduled report %s failed; released for the next run", schedule.schedule_id)
        schedules.release(schedule, ran, last_run)
        return "failed"
    return "mailed" if sent else "deferred"


def run_due(deadline: float) -> dict[str, int]:
    """Every schedule due now, until none is left or the deadline passed."""
    counts = dict.fromkeys(("mailed", "deferred", "dropped", "skipped", "taken", "failed"), 0)
    seen: set[str] = set()
    while time.monotonic() < deadline:
        due = [s for s in schedules.due_schedules(clock.now()) if s.schedule_id not in seen]
        if not due:
            break
        for schedule in due:
            if time.monotonic() >= deadline:
                break
            seen.add(schedule.schedule_id)
            counts[run_one(schedule)] += 1
    return counts
