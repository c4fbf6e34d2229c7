"""Report schedules: validation, roles, next run, due selection, claiming a run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import clock
from chalicelib.reports import schedules
from chalicelib.reports.models import ReportSchedule
from tests.support.api import error_fields

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)  # a Wednesday
BODY = {
    "target": {"type": "endpoint", "id": "ep1"},
    "frequency": "weekly",
    "recipients": ["Chef@Example.com", "it@example.com", "chef@example.com"],
}


def _path(world):
    return f"/orgs/{world.customer_id}/report-schedules"


@pytest.fixture
def body(api, world):
    """BODY with a real endpoint of the customer org as target (unknown targets are 422)."""
    from tests.reports.conftest import create_endpoint

    ep = create_endpoint(api, world.customer_id, world.partner_token, "https://shop.example.com/")
    return {**BODY, "target": {"type": "endpoint", "id": ep["id"]}}


def _host(api, org_id, token):
    r = api.post(f"/orgs/{org_id}/hosts", token, {"name": "web-01", "tags": []})
    assert r.status == 201, r
    return r.json["id"]


def _own_endpoint(api, world):
    from tests.reports.conftest import create_endpoint

    ep = create_endpoint(api, world.partner_id, world.partner_token, "https://portal.example.com/")
    return {**BODY, "target": {"type": "endpoint", "id": ep["id"]}}


def test_create_list_delete(api, world, body):
    clock.set_now(NOW)
    r = api.post(_path(world), world.partner_token, body)
    assert r.status == 201, r
    s = r.json
    assert s["target"] == {"type": "endpoint", "id": body["target"]["id"], "name": "Webshop"}
    assert s["recipients"] == ["chef@example.com", "it@example.com"]  # lower-cased, de-duplicated
    assert s["language"] == "de"  # the org's language
    assert s["next_run"] == "2026-11-30T06:00:00Z"  # next Monday 06:00 UTC
    item = ReportSchedule.get(f"ORG#{world.customer_id}", f"SCHED#{s['id']}")
    assert item.gsi1sk.startswith("2026-11-30T06:00:00Z#") and item.gsi1pk.startswith("DUE#")

    monthly = api.post(
        _path(world),
        world.partner_token,
        {
            **body,
            "frequency": "monthly",
            "language": "en",
            "target": {"type": "host", "id": _host(api, world.customer_id, world.partner_token)},
        },
    ).json
    assert monthly["target"]["name"] == "web-01"
    assert monthly["next_run"] == "2026-12-01T06:00:00Z" and monthly["language"] == "en"

    listed = api.get(_path(world), world.partner_token).json["items"]
    assert {x["id"] for x in listed} == {s["id"], monthly["id"]}

    assert api.delete(f"{_path(world)}/{s['id']}", world.partner_token).status == 204
    assert api.delete(f"{_path(world)}/{s['id']}", world.partner_token).status == 404
    assert [x["id"] for x in api.get(_path(world), world.partner_token).json["items"]] == [monthly["id"]]

    from chalicelib.audit.models import AuditEntry

    actions = [e.action for e in AuditEntry.query(f"AUDIT#{world.customer_id}")]
    assert actions.count("report_schedule.created") == 2 and actions.count("report_schedule.deleted") == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({**BODY, "frequency": "daily"}, "frequency"),
        ({**BODY, "recipients": []}, "recipients"),
        ({**BODY, "recipients": ["not-an-address"]}, "recipients.0"),
        ({**BODY, "recipients": [f"u{i}@example.com" for i in range(11)]}, "recipients"),
        ({**BODY, "target": {"type": "printer", "id": "p1"}}, "target.type"),
        ({**BODY, "target": {"type": "endpoint", "id": "a/b"}}, "target.id"),
        ({**BODY, "target": {"type": "endpoint"}}, "target.id"),
        ({**BODY, "language": "fr"}, "language"),
        ({**BODY, "extra": 1}, "extra"),
        ({k: v for k, v in BODY.items() if k != "frequency"}, "frequency"),
    ],
)
def test_validation_names_the_field_and_stores_nothing(api, world, body, field):
    r = api.post(_path(world), world.partner_token, body)
    assert r.status == 400, r
    assert field in error_fields(r.json), r.json
    assert list(ReportSchedule.query(f"ORG#{world.customer_id}")) == []


def test_guest_may_read_but_not_write(api, world, body, guest_token):
    created = api.post(_path(world), world.partner_token, body).json
    assert api.get(_path(world), guest_token).status == 200
    r = api.post(_path(world), guest_token, body)
    assert r.status == 403, r
    assert api.delete(f"{_path(world)}/{created['id']}", guest_token).status == 403
    assert len(api.get(_path(world), guest_token).json["items"]) == 1


def test_unknown_or_other_orgs_targets_are_422(api, world, body):
    for target in (
        {"type": "endpoint", "id": "e-nope"},
        {"type": "host", "id": "h-nope"},
        _own_endpoint(api, world)["target"],
    ):  # the partner org's endpoint
        r = api.post(_path(world), world.partner_token, {**body, "target": target})
        assert r.status == 422 and "target.id" in error_fields(r.json), (target, r)
    assert list(ReportSchedule.query(f"ORG#{world.customer_id}")) == []


def test_strangers_get_404(api, world, body):
    created = api.post(_path(world), world.partner_token, body).json
    assert api.post(_path(world), world.other_token, body).status == 404
    assert api.get(_path(world), world.other_token).status == 404
    assert api.delete(f"{_path(world)}/{created['id']}", world.other_token).status == 404
    # a schedule id of this org under another org's path
    assert (
        api.delete(f"/orgs/{world.partner_id}/report-schedules/{created['id']}", world.partner_token).status
        == 404
    )


def test_limit_per_org(api, world, body, monkeypatch):
    monkeypatch.setattr(schedules, "MAX_SCHEDULES_PER_ORG", 2)
    for _ in range(2):
        assert api.post(_path(world), world.partner_token, body).status == 201
    r = api.post(_path(world), world.partner_token, body)
    assert r.status == 422 and r.json["code"] == "limits.schedules" and "höchstens 2" in r.json["detail"]


@pytest.mark.unit
@pytest.mark.parametrize(
    "frequency, after, expected",
    [
        ("weekly", datetime(2026, 11, 30, 5, 59, tzinfo=UTC), datetime(2026, 11, 30, 6, 0, tzinfo=UTC)),
        ("weekly", datetime(2026, 11, 30, 6, 0, tzinfo=UTC), datetime(2026, 12, 7, 6, 0, tzinfo=UTC)),
        ("weekly", datetime(2026, 12, 6, 23, 0, tzinfo=UTC), datetime(2026, 12, 7, 6, 0, tzinfo=UTC)),
        ("monthly", datetime(2026, 12, 1, 6, 0, tzinfo=UTC), datetime(2027, 1, 1, 6, 0, tzinfo=UTC)),
        ("monthly", datetime(2026, 12, 1, 5, 0, tzinfo=UTC), datetime(2026, 12, 1, 6, 0, tzinfo=UTC)),
        ("monthly", datetime(2027, 1, 31, 12, 0, tzinfo=UTC), datetime(2027, 2, 1, 6, 0, tzinfo=UTC)),
    ],
)
def test_next_run(frequency, after, expected):
    assert schedules.next_run(frequency, after) == expected


@pytest.mark.unit
def test_period_for_a_run():
    run = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    assert schedules.period_for("weekly", run) == (
        datetime(2026, 11, 23, tzinfo=UTC),
        datetime(2026, 11, 30, tzinfo=UTC),
    )
    assert schedules.period_for("monthly", datetime(2027, 1, 1, 6, tzinfo=UTC)) == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert schedules.period_for("monthly", datetime(2027, 3, 1, 6, tzinfo=UTC)) == (
        datetime(2027, 2, 1, tzinfo=UTC),
        datetime(2027, 3, 1, tzinfo=UTC),
    )


def test_due_schedules_and_claiming_a_run(api, world, body):
    clock.set_now(NOW)
    weekly = [api.post(_path(world), world.partner_token, body).json for _ in range(6)]
    monthly = api.post(_path(world), world.partner_token, {**body, "frequency": "monthly"}).json
    other_org = api.post(
        f"/orgs/{world.partner_id}/report-schedules", world.partner_token, _own_endpoint(api, world)
    ).json

    assert schedules.due_schedules(datetime(2026, 11, 30, 5, 59, 59, tzinfo=UTC)) == []
    monday = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    due = schedules.due_schedules(monday)  # a run exactly at next_run is due
    assert {s.schedule_id for s in due} == {s["id"] for s in weekly} | {other_org["id"]}
    assert monthly["id"] not in {s.schedule_id for s in due}

    first = due[0]
    stale = ReportSchedule.get(first.pk, first.sk)  # a second job run holding the same item
    assert schedules.advance(first) is True
    assert schedules.advance(stale) is False  # claimed once only
    stored = ReportSchedule.get(first.pk, first.sk)
    assert stored.next_run == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    assert stored.last_run == monday
    assert first.schedule_id not in {
        s.schedule_id for s in schedules.due_schedules(monday + timedelta(hours=1))
    }

    in_december = {s.schedule_id for s in schedules.due_schedules(datetime(2026, 12, 1, 6, tzinfo=UTC))}
    assert monthly["id"] in in_december and first.schedule_id not in in_december


def test_deleted_schedule_is_not_due_and_cannot_be_claimed(api, world, body):
    clock.set_now(NOW)
    created = api.post(_path(world), world.partner_token, body).json
    monday = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    [held] = schedules.due_schedules(monday)
    assert api.delete(f"{_path(world)}/{created['id']}", world.partner_token).status == 204
    assert schedules.due_schedules(monday) == []
    assert schedules.advance(held) is False
    assert list(ReportSchedule.query(f"ORG#{world.customer_id}")) == []


def test_scheduled_run_stores_a_report_by_the_schedule(api, world, body):
    """What the phase-2 job will do, minus loading real rollups and sending the mail."""
    from chalicelib.audit.models import AuditEntry
    from chalicelib.reports import service
    from chalicelib.reports.models import Report
    from tests.reports import samples
    from tests.support.pdf import pdf_text

    clock.set_now(NOW)
    api.post(_path(world), world.partner_token, {**body, "frequency": "monthly", "language": "en"})
    run_at = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    clock.set_now(run_at + timedelta(minutes=3))
    [schedule] = schedules.due_schedules(clock.now())
    ran = schedule.next_run
    assert schedules.advance(schedule)
    period = schedules.period_for(schedule.frequency, ran)
    data = samples.endpoint_data(*period, schedule.language, org_name="Innendekoration Stein & Mehr")
    report = service.create_scheduled_report(schedule, period, data)

    stored = Report.get(f"ORG#{world.customer_id}", f"REPORT#{report.report_id}")
    assert stored.schedule_id == schedule.schedule_id
    assert stored.created_by == f"schedule:{schedule.schedule_id}"
    assert (stored.period_from, stored.period_to) == (
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC),
    )
    listed = api.get(f"/orgs/{world.customer_id}/reports", world.partner_token).json["items"]
    assert [r["id"] for r in listed] == [report.report_id] and listed[0]["language"] == "en"
    [entry] = [e for e in AuditEntry.query(f"AUDIT#{world.customer_id}") if e.action == "report.created"]
    assert entry.actor_role == "system" and entry.target == report.report_id
    from chalicelib import storage

    pdf = storage.get("files", stored.s3_key)
    assert pdf is not None
    assert "provided to you by: Innendekoration Stein & Mehr" in pdf_text(pdf)
    assert schedules.due_schedules(clock.now()) == []


@pytest.mark.unit
def test_report_mail_texts_in_both_languages():
    from chalicelib.reports.mails import MAIL_TEXTS, report_mail

    assert set(MAIL_TEXTS["de"]) == set(MAIL_TEXTS["en"])
    period = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    subject, text = report_mail("de", "monthly", "Innendekoration Stein & Mehr", "Webshop", period)
    assert subject == "Monatlicher Bericht: Webshop (01.11.2026 – 30.11.2026)"
    assert (
        "Dieser Bericht ist automatisiert erstellt worden und wird Ihnen zur Verfügung "
        "gestellt von:\nInnendekoration Stein & Mehr"
    ) in text
    subject, text = report_mail("en", "weekly", "Acme", "web-01", period)
    assert subject == "Weekly report: web-01 (2026-11-01 – 2026-11-30)"
    assert "provided to you by:\nAcme" in text and "Bericht" not in text
