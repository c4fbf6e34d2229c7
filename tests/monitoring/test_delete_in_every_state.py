"""Deleting endpoints and hosts in every state keeps the per-org counters and the partner overview
right (a down endpoint once answered 500 and could never be removed: its delete changed the
counters item twice in one transaction, which DynamoDB refuses)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.orgs import counters
from tests.hosts.conftest import heartbeat_body
from tests.monitoring.conftest import NOW, run_minute, set_plan
from tests.monitoring.test_checks import _create, _status
from tests.support import seed_world

FIGURES = ("endpoints", "endpoints_down", "endpoints_paused", "hosts", "hosts_down", "incidents_open")


def _heartbeat(api, agent_token: str, **changes) -> None:
    r = api.post(
        "/agent/heartbeat",
        None,
        heartbeat_body(**changes),
        headers={"Authorization": f"Bearer {agent_token}"},
    )
    assert r.status == 200, r


def _overview(api, world) -> dict[str, int]:
    r = api.get(f"/orgs/{world.partner_id}/customers", world.partner_token)
    assert r.status == 200, r
    row = next(c for c in r.json["items"] if c["id"] == world.customer_id)
    return {name: row[name] for name in FIGURES}


def _stored_counters(org_id: str) -> dict[str, int]:
    """The raw counters item (not clamped at 0 as the overview is)."""
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.orgs.counters import Counters

    try:
        item = Counters.get(*Counters.key(org_id), consistent_read=True)
    except DoesNotExist:
        return dict.fromkeys(FIGURES, 0)
    return {name: int(getattr(item, name) or 0) for name in FIGURES}


def test_deleting_endpoints_and_hosts_in_every_state_resets_the_counters(api, web, guard):
    from chalicelib.hosts.offline import mark_offline

    clock.set_now(NOW)
    world = seed_world(api)
    org, token = world.customer_id, world.partner_token
    set_plan(org)  # professional: 1-minute checks, room for every state
    base = web.base
    web.states["down"] = web.states["paused"] = web.states["maint"] = 500
    endpoints = {
        "up": _create(api, org, token, "up", f"{base}/healthy"),
        "down": _create(api, org, token, "down", f"{base}/state/down"),
        "paused": _create(api, org, token, "paused", f"{base}/state/paused"),  # down, then paused
        "maintenance": _create(
            api,
            org,
            token,
            "maintenance",
            f"{base}/state/maint",
            maintenance_windows=[
                {"starts_at": clock.iso(NOW), "ends_at": clock.iso(NOW + timedelta(hours=1))}
            ],
        ),
    }
    hosts = {}
    for name in ("pending", "online", "offline"):
        r = api.post(f"/orgs/{org}/hosts", token, {"name": name})
        assert r.status == 201, r
        hosts[name] = r.json
    _heartbeat(api, hosts["online"]["agent_token"])
    _heartbeat(api, hosts["offline"]["agent_token"])
    for _ in range(2):  # two failures in a row open the down incidents
        run_minute()
        clock.advance(timedelta(minutes=1))
    r = api.patch(f"/orgs/{org}/endpoints/{endpoints['paused']}", token, {"paused": True})
    assert r.status == 200, r
    clock.advance(timedelta(minutes=2))
    full_disk = [
        {
            "mount": "/",
            "fs": "ext4",
            "total_bytes": 100_000_000_000,
            "used_bytes": 97_000_000_000,
            "free_bytes": 3_000_000_000,
        }
    ]
    _heartbeat(api, hosts["online"]["agent_token"], disks=full_disk)  # online, with a disk incident
    assert mark_offline()["offline"] == 1
    endpoints["pending"] = _create(api, org, token, "pending", f"{base}/healthy")  # never checked

    states = {name: _status(api, org, token, ep)["state"] for name, ep in endpoints.items()}
    assert states == {
        "up": "up",
        "down": "down",
        "paused": "paused",
        "maintenance": "down",
        "pending": "pending",
    }
    host_states = {
        name: api.get(f"/orgs/{org}/hosts/{h['id']}", token).json["status"] for name, h in hosts.items()
    }
    assert host_states == {"pending": "pending", "online": "online", "offline": "offline"}
    open_kinds = sorted(i["kind"] for i in api.get(f"/orgs/{org}/incidents?state=open", token).json["items"])
    assert open_kinds == ["endpoint_down", "endpoint_down", "host_disk", "host_offline"]
    before = {
        "endpoints": 5,
        "endpoints_down": 2,
        "endpoints_paused": 1,
        "hosts": 3,
        "hosts_down": 1,
        "incidents_open": 4,
    }
    assert _stored_counters(org) == before
    assert _overview(api, world) == before

    for name, ep_id in endpoints.items():
        r = api.delete(f"/orgs/{org}/endpoints/{ep_id}", token)
        assert r.status == 204, (name, r)
        assert api.get(f"/orgs/{org}/endpoints/{ep_id}", token).status == 404, name
    for name, host in hosts.items():
        r = api.delete(f"/orgs/{org}/hosts/{host['id']}", token)
        assert r.status == 204, (name, r)
        assert api.get(f"/orgs/{org}/hosts/{host['id']}", token).status == 404, name

    zero = dict.fromkeys(FIGURES, 0)
    assert _stored_counters(org) == zero
    assert {name: counters.get(org)[name] for name in FIGURES} == zero
    assert _overview(api, world) == zero
    assert api.get(f"/orgs/{org}/incidents?state=open", token).json["items"] == []
    assert api.get(f"/orgs/{org}/endpoints", token).json["items"] == []
    assert api.get(f"/orgs/{org}/hosts", token).json["items"] == []
