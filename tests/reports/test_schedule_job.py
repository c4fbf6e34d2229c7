"""The hourly job `report_schedules`: due schedules → report record + mail with the PDF.

Real data: the endpoint is checked by the monitoring worker against an HTTPS site on loopback
during the week the report covers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import clock, storage
from chalicelib.reports.i18n import TEXTS
from chalicelib.reports.models import Report, ReportSchedule
from tests.faults import inject
from tests.reports.conftest import create_endpoint, run_checks
from tests.support import mails
from tests.support.lambdas import lambda_context
from tests.support.mail import pre_confirm
from tests.support.pdf import pdf_text
from tests.support.world import upload_logo

MONDAY = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
RUN = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
RECIPIENTS = ["chef@kunde.example.com", "it@kunde.example.com"]
CUSTOMER = "Innendekoration Stein & Mehr"
EVENT = {
    "version": "0",
    "id": "test",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-30T06:05:00Z",
    "region": "eu-central-1",
    "resources": ["test:report_schedules"],
    "detail": {},
}


def _reports(world) -> list[Report]:
    return list(Report.query(f"ORG#{world.customer_id}", Report.sk.startswith("REPORT#")))


def _job() -> dict:
    from chalicelib.reports.jobs import report_schedules

    return dict(report_schedules(EVENT, lambda_context("report_schedules", timeout_s=900)))


def _schedule(api, world, target, **extra) -> dict:
    pre_confirm(*extra.get("recipients", RECIPIENTS))  # external recipients confirmed once
    r = api.post(
        f"/orgs/{world.customer_id}/report-schedules",
        world.partner_token,
        {"target": target, "frequency": "weekly", "recipients": RECIPIENTS, **extra},
    )
    assert r.status == 201, r
    return r.json


@pytest.fixture
def weekly(api, world, site, checks_allowed, logo_png):
    """A customer endpoint with two hours of real checks in the week before RUN, the customer's
    logo, and a weekly schedule (German) created by the partner."""
    clock.set_now(MONDAY)
    ep = create_endpoint(api, world.customer_id, world.partner_token, f"{site.base}/state/weekly")
    run_checks(24, timedelta(minutes=5), site, down_ticks=(5, 6), state="weekly")
    upload_logo(api, world.customer_id, world.partner_token, logo_png)
    schedule = _schedule(api, world, {"type": "endpoint", "id": ep["id"]})
    assert schedule["next_run"] == clock.iso(RUN)
    clock.set_now(RUN + timedelta(minutes=5))
    return ep, schedule


def test_due_weekly_schedule_mails_the_report_to_the_recipients(api, world, weekly):
    _ep, schedule = weekly
    assert _job()["mailed"] == 1

    [report] = _reports(world)
    assert report.schedule_id == schedule["id"] and report.created_by == f"schedule:{schedule['id']}"
    assert (report.period_from, report.period_to) == (datetime(2026, 11, 23, tzinfo=UTC), RUN.replace(hour=0))
    assert report.target.name == "Webshop" and report.language == "de"
    pdf = storage.get("files", report.s3_key)
    assert pdf is not None
    for to in RECIPIENTS:
        [mail] = mails(to)
        assert mail.subject == "Wöchentlicher Bericht: Webshop (23.11.2026 – 29.11.2026)"
        assert f"zur Verfügung gestellt von:\n{CUSTOMER}" in mail.text
        [(name, attached)] = mail.attachments.items()
        assert name.endswith(".pdf") and attached == pdf
    text = pdf_text(pdf)
    assert f"{TEXTS['de']['provided_by']} {CUSTOMER}" in text
    assert "Endpunkt antwortet mit Fehler" in text  # the two failed checks opened an incident that week
    stored = ReportSchedule.get(f"ORG#{world.customer_id}", f"SCHED#{schedule['id']}")
    assert stored.next_run == RUN + timedelta(days=7) and stored.last_run == RUN

    # the next hourly run (or an overlapping one) finds nothing to do
    again = _job()
    assert again["mailed"] == 0 and again["deferred"] == 0
    assert len(list(_reports(world))) == 1
    assert len(mails(RECIPIENTS[0])) == 1


def test_ses_failure_leaves_the_mail_in_the_outbox_and_the_outbox_job_delivers_it(api, world, weekly):
    from chalicelib.mail.jobs import mail_outbox
    from chalicelib.mail.service import pending_count

    with inject("ses", "SendRawEmail") as fault:
        result = _job()
    assert fault.failed == 1
    assert result["deferred"] == 1 and result["mailed"] == 0
    # nothing reached the recipients (the partner's own alert mails about the site are no report)
    assert not any(mails(to) for to in RECIPIENTS) and pending_count() == 1
    [report] = _reports(world)  # the report exists meanwhile

    clock.advance(timedelta(minutes=2))  # past the first backoff
    mail_outbox({**EVENT, "resources": ["test:mail_outbox"]}, None)
    assert pending_count() == 0
    for to in RECIPIENTS:
        [mail] = mails(to)
        assert list(mail.attachments.values()) == [storage.get("files", report.s3_key)]


def test_failed_generation_releases_the_run_for_the_next_hour(api, world, weekly):
    _ep, schedule = weekly
    with inject("s3", "PutObject"):
        assert _job()["failed"] == 1
    stored = ReportSchedule.get(f"ORG#{world.customer_id}", f"SCHED#{schedule['id']}")
    assert stored.next_run == RUN and stored.last_run is None  # released, still due
    assert list(_reports(world)) == [] and not any(mails(to) for to in RECIPIENTS)
    clock.advance(timedelta(hours=1))
    assert _job()["mailed"] == 1
    assert len(mails(RECIPIENTS[0])) == 1


def test_schedule_of_a_deleted_target_is_dropped(api, world):
    from chalicelib.audit.models import AuditEntry

    clock.set_now(MONDAY)
    ep = create_endpoint(api, world.customer_id, world.partner_token, "https://shop.example.com/")
    host = api.post(
        f"/orgs/{world.customer_id}/hosts", world.partner_token, {"name": "web-01", "tags": []}
    ).json
    kept = create_endpoint(
        api, world.customer_id, world.partner_token, "https://blog.example.com/", name="Blog"
    )
    gone = [
        _schedule(api, world, {"type": "endpoint", "id": ep["id"]}),
        _schedule(api, world, {"type": "host", "id": host["id"]}, language="en"),
    ]
    alive = _schedule(api, world, {"type": "endpoint", "id": kept["id"]})
    assert api.delete(f"/orgs/{world.customer_id}/endpoints/{ep['id']}", world.partner_token).status == 204
    assert api.delete(f"/orgs/{world.customer_id}/hosts/{host['id']}", world.partner_token).status == 204

    clock.set_now(RUN + timedelta(minutes=5))
    result = _job()
    assert result["dropped"] == 2 and result["mailed"] == 1
    left = [
        s.schedule_id
        for s in ReportSchedule.query(f"ORG#{world.customer_id}", ReportSchedule.sk.startswith("SCHED#"))
    ]
    assert left == [alive["id"]]
    reports = list(_reports(world))
    assert [r.schedule_id for r in reports] == [alive["id"]]
    [mail] = mails(RECIPIENTS[0])
    assert "Blog" in mail.subject
    dropped = [
        e for e in AuditEntry.query(f"AUDIT#{world.customer_id}") if e.action == "report_schedule.dropped"
    ]
    assert sorted(e.target for e in dropped) == sorted(s["id"] for s in gone)
    assert {e.actor_role for e in dropped} == {"system"}
