"""#19 §3: the status route reads the caller's role, the endpoint, its status and the plan in one
BatchGetItem (4 DynamoDB calls in all), and stays tenant-isolated."""

from __future__ import annotations

from chalicelib import clock
from chalicelib.local.metering import count_calls
from tests.monitoring.conftest import NOW, run_minute, set_plan
from tests.monitoring.test_checks import _create
from tests.support import make_org


def test_status_route_takes_four_calls_and_stays_isolated(api, customer, web, guard):
    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    ep = _create(api, org_id, token, "Shop", f"{web.base}/healthy")
    run_minute()
    with count_calls() as calls:
        r = api.get(f"/orgs/{org_id}/endpoints/{ep}/status", token)
    assert r.status == 200 and r.json["state"] == "up" and r.json["checked_at"] is not None
    assert calls["dynamodb"] == 4, dict(calls)
    assert calls["dynamodb:BatchGetItem"] == 1

    set_plan(org_id, "trial", status="expired")  # the plan read in the same BatchGet
    assert api.get(f"/orgs/{org_id}/endpoints/{ep}/status", token).json["state"] == "paused"

    make_org("Andere GmbH", "x@andere.example.com")
    other = api.login("x@andere.example.com")
    assert api.get(f"/orgs/{org_id}/endpoints/{ep}/status", other).status == 404
    assert api.get(f"/orgs/{org_id}/endpoints/{'x' * 300}/status", token).status == 404
    assert api.get(f"/orgs/{org_id}/endpoints/nope/status", token).status == 404
