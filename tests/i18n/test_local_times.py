"""Mails show local time in the org's zone with its abbreviation, never bare UTC; the org's
time zone is settable and validated; the API keeps UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.incidents import alerts
from chalicelib.incidents.models import Incident
from tests.support import seed_world
from tests.support.api import Api, error_map
from tests.support.mail import mails


def _incident(resolved: bool = False) -> Incident:
    return Incident(
        "INC#o_x",
        "2026-12-02T07:53:00Z#i_1",
        incident_id="i_1",
        org_id="o_x",
        kind="endpoint_down",
        subject_type="endpoint",
        subject_id="e_1",
        subject_name="Shop",
        state="resolved" if resolved else "open",
        summary="HTTP 503",
        opened_at=datetime(2026, 12, 2, 7, 53, tzinfo=UTC),
        resolved_at=datetime(2026, 12, 2, 8, 10, tzinfo=UTC) if resolved else None,
    )


def test_alert_mail_in_the_org_zone(aws) -> None:
    # the addressees are administrators: unconfirmed extra recipients get no mail (mail.recipients)
    assert alerts.notify(
        _incident(resolved=True), "resolved", "Kunde GmbH", "de", admins=["ops@kunde.example"]
    )
    text = mails("ops@kunde.example")[-1].text
    assert "Beginn: 02.12.2026 08:53 MEZ" in text and "Behoben: 02.12.2026 09:10 MEZ" in text, text
    assert "UTC" not in text
    assert alerts.notify(
        _incident(),
        "opened",
        "Customer Ltd",
        "en",
        admins=["ny@kunde.example"],
        time_zone="America/New_York",
    )
    text = mails("ny@kunde.example")[-1].text
    assert "Started: 2026-12-02 02:53 GMT-05:00" in text, text  # reports.fmt style (see docs/i18n.md)


def test_org_time_zone_is_set_validated_and_the_api_stays_utc(api: Api) -> None:
    w = seed_world(api)
    org = w.customer_id
    r = api.get(f"/orgs/{org}", w.partner_token)
    assert r.json["time_zone"] == "Europe/Berlin"
    assert r.json["created_at"].endswith("Z")
    r = api.patch(f"/orgs/{org}", w.partner_token, {"time_zone": "America/New_York"})
    assert r.status == 200 and r.json["time_zone"] == "America/New_York", r
    for bad in ("Mars/Olympus", "../etc/passwd", "localtime", "", "Europe/Berlin/x/y", 5):
        r = api.patch(f"/orgs/{org}", w.partner_token, {"time_zone": bad})
        assert r.status == 400 and error_map(r.json) in (
            {"time_zone": "time_zone"},
            {"time_zone": "string_too_short"},
            {"time_zone": "string_expected"},
        ), (bad, r)
    r = api.patch(f"/orgs/{org}", w.partner_token, {"time_zone": None})
    assert r.status == 400 and error_map(r.json) == {"time_zone": "not_null"}, r
    assert api.get(f"/orgs/{org}", w.partner_token).json["time_zone"] == "America/New_York"
    r = api.post("/orgs", w.partner_token, {"name": "Wien GmbH", "time_zone": "Europe/Vienna"})
    assert r.status == 201 and r.json["time_zone"] == "Europe/Vienna", r
