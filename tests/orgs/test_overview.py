"""The partner overview (GET /orgs/{partner}/customers): rows, sorting, filters, totals, calls."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.local.metering import count_calls
from tests.hosts.conftest import heartbeat_body
from tests.support import seed_world
from tests.support.api import error_fields
from tests.support.world import new_customer, order

BODY = {"name": "Shop", "url": "https://shop.example.com/", "interval_minutes": 5}


def _rows(api, world, query: str = "") -> dict:
    r = api.get(f"/orgs/{world.partner_id}/customers{query}", world.partner_token)
    assert r.status == 200, r
    return r.json


def _cockpit(api):
    """GIVEN a partner with four customers in different states:
    - "Innendekoration Stein & Mehr": trial, 2 endpoints (one down with an open incident, one paused)
    - "Bäckerei Korn": Basic monthly, supported by the partner (30 % discount), all well
    - "Autohaus Blech": Professional yearly, supported by the vendor (20 %), one host offline
    - "Zahnarzt Weiß": trial that expired
    """
    from chalicelib.billing.models import Subscription
    from chalicelib.hosts.offline import mark_offline
    from chalicelib.incidents import service as incidents
    from chalicelib.orgs import counters

    world = seed_world(api, profiles=True)
    token = world.partner_token
    trial = world.customer_id
    bakery = new_customer(api, token, "Bäckerei Korn")
    cars = new_customer(api, token, "Autohaus Blech", support_by="vendor")
    dentist = new_customer(api, token, "Zahnarzt Weiß")
    assert order(api, token, bakery, "basic", "month", key="k-bakery").status == 201
    assert order(api, token, cars, "professional", "year", key="k-cars").status == 201

    shop = api.post(f"/orgs/{trial}/endpoints", token, BODY).json["id"]
    r = api.post(f"/orgs/{trial}/endpoints", token, {**BODY, "name": "Blog", "paused": True})
    assert r.status == 201, r
    counters.increment(trial, "endpoints_down", 1)  # as the worker counts a down endpoint
    opened = clock.now() - timedelta(hours=3)
    incidents.open_incident(trial, "endpoint_down", "endpoint", shop, "Shop", "down", at=opened)
    assert api.post(f"/orgs/{bakery}/endpoints", token, BODY).status == 201

    host = api.post(f"/orgs/{cars}/hosts", token, {"name": "srv1"})
    assert host.status == 201, host
    r = api.post(
        "/agent/heartbeat",
        None,
        heartbeat_body(),
        headers={"Authorization": f"Bearer {host.json['agent_token']}"},
    )
    clock.advance(timedelta(minutes=30))
    offline = mark_offline()["offline"]

    sub = Subscription.get(*Subscription.key(dentist))
    sub.update(actions=[Subscription.status.set("expired")])
    return (
        world,
        {"trial": trial, "bakery": bakery, "cars": cars, "dentist": dentist, "shop": shop},
        (
            r.status,
            offline,
        ),
    )


def test_overview_rows_carry_plan_states_revenue_and_health(api):
    clock.set_now(clock.parse_iso("2026-03-02T09:00:00Z"))
    world, ids, (heartbeat, offline) = _cockpit(api)
    if heartbeat != 200 or offline != 1:  # the host must be offline for this scene
        raise AssertionError(f"heartbeat {heartbeat}, offline {offline}")

    page = _rows(api, world)
    rows = {c["id"]: c for c in page["items"]}
    assert [c["name"] for c in page["items"]] == [
        "Autohaus Blech",
        "Bäckerei Korn",
        "Innendekoration Stein & Mehr",
        "Zahnarzt Weiß",
    ]  # default: by name

    trial = rows[ids["trial"]]
    assert trial["plan"] == "trial" and trial["status"] == "trialing" and trial["interval"] == "month"
    assert trial["trial_days_left"] == 14
    assert (
        trial["endpoints"],
        trial["endpoints_up"],
        trial["endpoints_down"],
        trial["endpoints_paused"],
    ) == (
        2,
        0,
        1,
        1,
    )
    assert trial["incidents_open"] == 1 and trial["health"] == "red"
    assert trial["oldest_incident_at"] == "2026-03-02T06:00:00Z"
    assert trial["mrr_net"] == "0.00" and trial["support_by"] == "partner"

    bakery = rows[ids["bakery"]]
    assert bakery["status"] == "active" and bakery["plan"] == "basic" and bakery["trial_days_left"] is None
    assert bakery["mrr_net"] == "34.30" and bakery["currency"] == "EUR"  # 49.00 − 30 %
    assert bakery["endpoints_up"] == 1 and bakery["health"] == "green"

    cars = rows[ids["cars"]]
    assert cars["interval"] == "year" and cars["support_by"] == "vendor"
    assert cars["mrr_net"] == "99.33"  # 149.00 × 10 / 12 − 20 %
    assert (cars["hosts"], cars["hosts_online"], cars["hosts_offline"]) == (1, 0, 1)
    assert cars["health"] == "red" and cars["incidents_open"] == 1  # the host_offline incident

    dentist = rows[ids["dentist"]]
    assert dentist["status"] == "expired" and dentist["mrr_net"] == "0.00" and dentist["health"] == "amber"

    assert page["totals"] == {
        "customers": 4,
        "mrr_net": "133.63",
        "currency": "EUR",
        "incidents_open": 2,
        "trials_ending_7d": 0,
        "red": 2,
        "amber": 1,
    }


def test_overview_sorts_filters_and_pages_server_side(api):
    clock.set_now(clock.parse_iso("2026-03-02T09:00:00Z"))
    world, _ids, _ = _cockpit(api)

    def names(query: str) -> list[str]:
        return [c["name"] for c in _rows(api, world, query)["items"]]

    # incidents: most open first, the older incident first among equals
    assert names("?sort=incidents")[:2] == ["Innendekoration Stein & Mehr", "Autohaus Blech"]
    assert names("?sort=mrr")[:2] == ["Autohaus Blech", "Bäckerei Korn"]
    assert names("?sort=trial_end")[0] == "Innendekoration Stein & Mehr"  # the only running trial
    assert names("?status=trialing") == ["Innendekoration Stein & Mehr"]
    assert names("?status=active&sort=mrr") == ["Autohaus Blech", "Bäckerei Korn"]
    assert names("?status=expired") == ["Zahnarzt Weiß"]
    assert names("?q=b%C3%A4") == ["Bäckerei Korn"]  # prefix, case-insensitive
    assert names("?q=A") == ["Autohaus Blech"]
    assert _rows(api, world, "?q=zz")["totals"]["customers"] == 0

    # pages cut from the sorted list; the cursor belongs to this sort and filter
    first = _rows(api, world, "?sort=incidents&limit=3")
    assert len(first["items"]) == 3 and first["next"]
    rest = _rows(api, world, f"?sort=incidents&limit=3&next={first['next']}")
    assert [c["name"] for c in first["items"] + rest["items"]] == names("?sort=incidents")
    assert rest["next"] is None
    r = api.get(
        f"/orgs/{world.partner_id}/customers?sort=name&limit=3&next={first['next']}", world.partner_token
    )
    assert r.status == 400 and "next" in error_fields(r.json), r

    for bad in ("?sort=size", "?status=canceled", "?q=a%23b"):
        r = api.get(f"/orgs/{world.partner_id}/customers{bad}", world.partner_token)
        assert r.status == 400, (bad, r)
        assert error_fields(r.json) & {"sort", "status", "q"}, (bad, r)


def test_oldest_incident_follows_resolves(api):
    from chalicelib.incidents import service as incidents

    clock.set_now(clock.parse_iso("2026-03-02T09:00:00Z"))
    world = seed_world(api)
    org = world.customer_id
    t1 = clock.now() - timedelta(hours=5)
    t2 = clock.now() - timedelta(hours=2)
    incidents.open_incident(org, "endpoint_down", "endpoint", "e_a", "A", "down", at=t1)
    incidents.open_incident(org, "endpoint_down", "endpoint", "e_b", "B", "down", at=t2)

    def oldest() -> str | None:
        row = next(c for c in _rows(api, world)["items"] if c["id"] == org)
        return row["oldest_incident_at"]

    assert oldest() == "2026-03-02T04:00:00Z"
    incidents.resolve_incident(org, "endpoint_down", "e_a")
    assert oldest() == "2026-03-02T07:00:00Z"
    incidents.resolve_incident(org, "endpoint_down", "e_b")
    assert oldest() is None


def test_partner_home_with_50_customers_costs_a_fixed_number_of_calls(api, capsys):
    """The partner home: /me, the overview and the partner's own open incidents. Printed, and
    quoted in docs/console.md; it must not grow with the number of customers."""
    from chalicelib.incidents import service as incidents

    world = seed_world(api)
    token = world.partner_token
    ids = [world.customer_id] + [new_customer(api, token, f"Kunde {i:02d}") for i in range(49)]
    for org in ids[::5]:
        incidents.open_incident(org, "endpoint_down", "endpoint", "e_x", "X", "down")

    with count_calls() as calls:
        api_calls = 0
        for path in (
            "/me",
            f"/orgs/{world.partner_id}/customers?sort=incidents&limit=50",
            f"/orgs/{world.partner_id}/incidents?state=open",
        ):
            r = api.get(path, token)
            assert r.status == 200, (path, r)
            api_calls += 1
    page = api.get(f"/orgs/{world.partner_id}/customers?sort=incidents&limit=50", token).json
    assert len(page["items"]) == 50 and page["totals"]["incidents_open"] == 10
    ops = ", ".join(f"{k.split(':')[1]} {v}" for k, v in sorted(calls.items()) if k.startswith("dynamodb:"))
    with capsys.disabled():
        print(
            f"\npartner home, 50 customers: {api_calls} API calls, {calls['dynamodb']} DynamoDB calls ({ops})"
        )
    with count_calls() as overview_only:
        api.get(f"/orgs/{world.partner_id}/customers?sort=incidents&limit=50", token)
    with capsys.disabled():
        print(f"overview alone: {overview_only['dynamodb']} DynamoDB calls ({dict(overview_only)})")
    assert overview_only["dynamodb:Query"] == 1 and overview_only["dynamodb:BatchGetItem"] <= 2, overview_only
    assert calls["dynamodb"] <= 16, calls
