"""No N+1 in the console: the endpoint list carries each endpoint's state, and incidents filter by
subject server-side (`?subject=endpoint:<id>`)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.local.metering import count_calls
from tests.monitoring.conftest import NOW, run_minute, set_plan
from tests.monitoring.test_checks import _create
from tests.support.api import error_fields


def test_endpoint_list_carries_states_and_incidents_filter_by_subject(api, customer, web, guard):
    clock.set_now(NOW)
    org, token = customer
    set_plan(org)
    web.states["down"] = 500
    up = _create(api, org, token, "up", f"{web.base}/healthy")
    down = _create(api, org, token, "down", f"{web.base}/state/down")
    paused = _create(api, org, token, "paused", f"{web.base}/healthy", paused=True)
    pending_body = {"name": "later", "url": f"{web.base}/healthy", "interval_minutes": 1}
    for _ in range(2):
        run_minute()
        clock.advance(timedelta(minutes=1))
    pending = api.post(f"/orgs/{org}/endpoints", token, pending_body).json["id"]

    with count_calls() as calls:
        r = api.get(f"/orgs/{org}/endpoints", token)
    assert r.status == 200, r
    states = {e["id"]: e["state"] for e in r.json["items"]}
    assert states == {up: "up", down: "down", paused: "paused", pending: "pending"}
    assert next(e for e in r.json["items"] if e["id"] == down)["error"]
    assert calls["dynamodb:BatchGetItem"] <= 2, calls  # statuses in one BatchGet, not one per row

    # the status carries the daily figures of the uptime bar (same rollups as the uptime)
    st = api.get(f"/orgs/{org}/endpoints/{down}/status", token).json
    assert st["daily"] == [
        {
            "day": "2026-11-02",
            "checks": 2,
            "up": 0,
            "maintenance": 0,
            "uptime": "0.000",
            "mean_ms": st["daily"][0]["mean_ms"],
        }
    ]
    assert api.get(f"/orgs/{org}/endpoints/{up}/status", token).json["daily"][0]["uptime"] == "100.000"

    # the down endpoint's incident, and nothing of the others
    r = api.get(f"/orgs/{org}/incidents?subject=endpoint:{down}", token)
    assert r.status == 200, r
    assert [(i["kind"], i["subject"]["id"]) for i in r.json["items"]] == [("endpoint_down", down)]
    r = api.get(f"/orgs/{org}/incidents?subject=endpoint:{down}&state=open", token)
    assert [i["subject"]["id"] for i in r.json["items"]] == [down]
    assert api.get(f"/orgs/{org}/incidents?subject=endpoint:{up}", token).json["items"] == []
    assert api.get(f"/orgs/{org}/incidents?subject=endpoint:{up}&state=open", token).json["items"] == []

    for bad in ("endpoint:", "user:x", "endpoint:a%2Fb", "x" * 90):
        r = api.get(f"/orgs/{org}/incidents?subject={bad}", token)
        assert r.status == 400 and "subject" in error_fields(r.json), (bad, r)

    # an expired plan pauses every check: the list says so
    set_plan(org, "trial", "expired")
    states = {e["id"]: e["state"] for e in api.get(f"/orgs/{org}/endpoints", token).json["items"]}
    assert set(states.values()) == {"paused"}
