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


def test_endpoint_routes_fold_their_first_reads_into_the_role_batch_get(api, customer, web, guard, sink):
    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    base = f"/orgs/{org_id}/endpoints"

    def calls_of(method, path, body=None):
        with count_calls() as calls:
            r = (
                getattr(api, method)(path, token, body)
                if body is not None
                else getattr(api, method)(path, token)
            )
        assert r.status < 300, r
        return calls["dynamodb"], r

    n, r = calls_of("post", base, {"name": "A", "url": f"{web.base}/state/a", "interval_minutes": 1})
    ep = r.json["id"]
    assert n <= 4, n  # role + plan + cursor (1), the write (1), the idempotency record
    assert calls_of("get", f"{base}/{ep}")[0] == 1  # role + endpoint + cursor
    n, r = calls_of("patch", f"{base}/{ep}", {"interval_minutes": 5, "name": "B"})
    assert n == 3 and r.json["name"] == "B" and r.json["interval_minutes"] == 5  # fresh after the write
    assert calls_of("get", f"{base}/{ep}/results")[0] == 2

    # delete with an open incident: it is resolved (pointer read with the role)
    api.patch(f"{base}/{ep}", token, {"interval_minutes": 1, "alert": {"consecutive_failures": 1}})
    web.states["a"] = 500
    run_minute()
    assert [i["kind"] for i in api.get(f"/orgs/{org_id}/incidents?state=open", token).json["items"]] == [
        "endpoint_down"
    ]
    n, _ = calls_of("delete", f"{base}/{ep}")
    # role + endpoint + status + pointers (1), delete (1), incident + resolve (2), and the partner
    # overview's oldest open incident recomputed from the org's pointers (Query + update: 2)
    assert n <= 6, n
    assert api.get(f"/orgs/{org_id}/incidents?state=open", token).json["items"] == []
    assert api.get(f"{base}/{ep}", token).status == 404

    # an endpoint without incidents: 2 calls
    other = _create(api, org_id, token, "C", f"{web.base}/healthy")
    assert calls_of("delete", f"{base}/{other}")[0] == 2
