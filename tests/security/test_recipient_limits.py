"""Changes of alert and report-schedule recipients are limited per org (issue 14 §4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib import clock
from tests.reports.conftest import create_endpoint


@pytest.fixture(autouse=True)
def limit(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set_now(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    monkeypatch.setenv("VIGIL_RATE_RECIPIENTS", "3/3600")


def test_alert_recipient_changes_are_limited_and_other_edits_are_not(api, world) -> None:
    ep = create_endpoint(api, world.customer_id, world.partner_token, "https://shop.example.com/")
    path = f"/orgs/{world.customer_id}/endpoints/{ep['id']}"
    for i in range(3):
        r = api.patch(path, world.partner_token, {"alert": {"recipients": [f"ops{i}@kunde.example"]}})
        assert r.status == 200, r
    refused = api.patch(path, world.partner_token, {"alert": {"recipients": ["fremd@example.com"]}})
    assert refused.status == 429 and 0 < int(refused.headers["Retry-After"]) <= 3600, refused
    stored = api.get(path, world.partner_token).json["alert"]["recipients"]
    assert stored == ["ops2@kunde.example"]  # nothing written
    # the same recipients again, or no alert at all, is no recipient change
    same = api.patch(path, world.partner_token, {"alert": {"recipients": ["ops2@kunde.example"]}})
    assert same.status == 200, same
    assert api.patch(path, world.partner_token, {"name": "Shop 2"}).status == 200
    # a new endpoint with recipients counts too, one without does not
    assert create_endpoint(api, world.customer_id, world.partner_token, "https://b.example.com/")
    r = api.post(
        f"/orgs/{world.customer_id}/endpoints",
        world.partner_token,
        {"name": "C", "url": "https://c.example.com/", "alert": {"recipients": ["x@example.com"]}},
    )
    assert r.status == 429, r


def test_report_schedules_are_limited(api, world) -> None:
    ep = create_endpoint(api, world.customer_id, world.partner_token, "https://shop.example.com/")
    body = {
        "target": {"type": "endpoint", "id": ep["id"]},
        "frequency": "weekly",
        "recipients": ["it@example.com"],
    }
    path = f"/orgs/{world.customer_id}/report-schedules"
    assert [api.post(path, world.partner_token, body).status for _ in range(3)] == [201] * 3
    refused = api.post(path, world.partner_token, body)
    assert refused.status == 429 and refused.headers["Retry-After"], refused
    assert len(api.get(path, world.partner_token).json["items"]) == 3
