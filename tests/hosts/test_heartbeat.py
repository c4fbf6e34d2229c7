"""POST /agent/heartbeat: the token alone decides the host; bad input stores nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.hosts.conftest import heartbeat_body
from tests.support import mails
from tests.support.api import error_fields


def _stored(org_id: str, host_id: str):
    from chalicelib.hosts.models import Host, HostRollup

    host = Host.get(*Host.key(org_id, host_id))
    return host, list(HostRollup.query(f"RU#{host_id}"))


@pytest.fixture(autouse=True)
def fixed_time():
    from chalicelib import clock

    clock.set_now(datetime(2026, 11, 27, 9, 30, tzinfo=UTC))


def test_accepted_heartbeat_updates_host_and_rollup(api, world, make_host, send):
    host = make_host()
    r = send(host["agent_token"])
    assert r.status == 200, r
    assert r.json == {"status": "accepted", "host_id": host["id"], "interval_s": 60}
    stored, rollups = _stored(world.customer_id, host["id"])
    assert stored.status == "online" and stored.metrics.as_dict()["hostname"] == "web-01"
    assert stored.gsi1pk.startswith("LIVE#")
    assert stored.gsi1sk.startswith("2026-11-27T09:33:00Z#")  # + 3 × 60 s
    assert [(r.sk, int(r.n)) for r in rollups] == [("2026-11-27T09", 1)]


def test_x_agent_token_header_works_too(api, world, make_host, send):
    host = make_host()
    assert send(host["agent_token"], header="x-agent-token").status == 200


def test_unknown_malformed_and_missing_tokens_get_the_same_401(api, world, make_host, send):
    host = make_host()
    answers = [
        send("vgl_" + "A" * 43),
        send("not-a-token"),
        send(world.partner_token),
        api.post("/agent/heartbeat", None, heartbeat_body()),
    ]
    for r in answers:
        assert r.status == 401, r
    assert len({r.json["detail"] for r in answers}) == 1
    stored, rollups = _stored(world.customer_id, host["id"])
    assert stored.status == "pending" and rollups == []


def test_revoked_token_looks_like_an_unknown_one(api, world, make_host, send):
    host = make_host()
    assert send(host["agent_token"]).status == 200
    assert api.delete(f"/orgs/{world.customer_id}/hosts/{host['id']}", world.partner_token).status == 204
    revoked = send(host["agent_token"])
    unknown = send("vgl_" + "B" * 43)
    assert revoked.status == unknown.status == 401
    assert revoked.json == unknown.json


def test_rotation_refuses_the_old_token_and_accepts_the_new(api, world, make_host, send):
    from chalicelib import clock

    host = make_host()
    assert send(host["agent_token"]).status == 200
    r = api.post(f"/orgs/{world.customer_id}/hosts/{host['id']}/token", world.partner_token)
    assert r.status == 201, r
    new = r.json["agent_token"]
    assert new != host["agent_token"] and r.json["id"] == host["id"]
    clock.advance(timedelta(seconds=30))
    assert send(host["agent_token"]).status == 401
    assert send(new).status == 200
    _, rollups = _stored(world.customer_id, host["id"])
    assert int(rollups[0].n) == 2


def test_host_id_in_the_body_is_ignored(api, world, make_host, send):
    mine = make_host()
    theirs = make_host("theirs", org_id=world.other_partner_id, token=world.other_token)
    r = send(mine["agent_token"], heartbeat_body(host_id=theirs["id"], hostname="mine"))
    assert r.status == 200 and r.json["host_id"] == mine["id"], r
    stored_mine, _ = _stored(world.customer_id, mine["id"])
    stored_theirs, rollups_theirs = _stored(world.other_partner_id, theirs["id"])
    assert stored_mine.metrics.as_dict()["hostname"] == "mine"
    assert stored_theirs.status == "pending" and stored_theirs.metrics is None
    assert rollups_theirs == []


def test_one_heartbeat_per_10_seconds_with_retry_after(api, world, make_host, send):
    from chalicelib import clock

    host = make_host()
    assert send(host["agent_token"]).status == 200
    clock.advance(timedelta(seconds=4))
    r = send(host["agent_token"])
    assert r.status == 429 and r.headers["Retry-After"] == "6", r
    clock.advance(timedelta(seconds=6))
    assert send(host["agent_token"]).status == 200
    _, rollups = _stored(world.customer_id, host["id"])
    assert int(rollups[0].n) == 2  # the refused one was not folded in


def _oversize() -> bytes:
    body = heartbeat_body()
    body["os"]["version"] = "x" * 70_000
    return json.dumps(body).encode()


def _many_mounts(n: int) -> dict:
    disk = {"mount": "/", "fs": "ext4", "total_bytes": 10, "used_bytes": 1, "free_bytes": 9}
    return heartbeat_body(disks=[dict(disk, mount=f"/m{i}") for i in range(n)])


BAD = [
    ("oversize", _oversize(), 413, None),
    ("10000 mounts", json.dumps(_many_mounts(10_000)).encode(), 413, None),
    ("65 mounts", json.dumps(_many_mounts(65)).encode(), 400, "disks"),
    (
        "negative disk",
        json.dumps(
            heartbeat_body(
                disks=[{"mount": "/", "fs": "ext4", "total_bytes": 10, "used_bytes": -1, "free_bytes": 9}]
            )
        ).encode(),
        400,
        "disks.0.used_bytes",
    ),
    (
        "used above total",
        json.dumps(
            heartbeat_body(
                disks=[{"mount": "/", "fs": "ext4", "total_bytes": 10, "used_bytes": 11, "free_bytes": 0}]
            )
        ).encode(),
        400,
        "disks.0",
    ),
    ("string number", json.dumps(heartbeat_body(cpu_count="4")).encode(), 400, "cpu_count"),
    ("bool as number", json.dumps(heartbeat_body(uptime_s=True)).encode(), 400, "uptime_s"),
    (
        "load as string",
        json.dumps(heartbeat_body(load={"load1": "1", "load5": 1, "load15": 1})).encode(),
        400,
        "load.load1",
    ),
    (
        "absurd load",
        json.dumps(heartbeat_body(load={"load1": 1e9, "load5": 1, "load15": 1})).encode(),
        400,
        "load.load1",
    ),
    ("memory not an object", json.dumps(heartbeat_body(memory=[1, 2])).encode(), 400, "memory"),
    ("unknown field", json.dumps(heartbeat_body(cpu_temp=99)).encode(), 400, "cpu_temp"),
    (
        "missing field",
        json.dumps({k: v for k, v in heartbeat_body().items() if k != "memory"}).encode(),
        400,
        "memory",
    ),
    ("not an object", b"[1,2,3]", 400, "body"),
    ("not JSON", b"{nope", 400, "body"),
]


@pytest.mark.parametrize("name,raw,status,field", BAD, ids=[b[0] for b in BAD])
def test_bad_payloads_are_refused_and_nothing_is_stored(
    api, world, make_host, send, name, raw, status, field
):
    host = make_host()
    r = api.call(
        "POST", "/agent/heartbeat", None, body=raw, headers={"Authorization": f"Bearer {host['agent_token']}"}
    )
    assert r.status == status, r
    if field:
        assert field in error_fields(r.json), r.json
    stored, rollups = _stored(world.customer_id, host["id"])
    assert stored.status == "pending" and stored.metrics is None and stored.last_seen_at is None
    assert rollups == []


def _disk(pct: int) -> list:
    return [{"mount": "/var", "fs": "xfs", "total_bytes": 100, "used_bytes": pct, "free_bytes": 100 - pct}]


def test_disk_and_memory_thresholds_open_and_resolve_incidents(api, world, make_host, send):
    from chalicelib import clock
    from chalicelib.incidents import service as incidents

    r = api.post(f"/orgs/{world.partner_id}/hosts", world.partner_token, {"name": "db-01"})
    host = r.json
    token = host["agent_token"]
    assert send(token).status == 200
    clock.advance(timedelta(minutes=1))
    full = heartbeat_body(disks=_disk(93), memory={"total_bytes": 100, "available_bytes": 3})  # 97 % used
    assert send(token, full).status == 200
    assert incidents.is_open(world.partner_id, "host_disk", host["id"])
    assert incidents.is_open(world.partner_id, "host_memory", host["id"])
    subjects = sorted(m.subject for m in mails("partner@example.com") if "db-01" in m.subject)
    assert subjects == ["[NEU] Arbeitsspeicher knapp: db-01", "[NEU] Festplatte fast voll: db-01"]
    listed = api.get(f"/orgs/{world.partner_id}/incidents", world.partner_token).json["items"]
    disk = next(i for i in listed if i["kind"] == "host_disk")
    # code + parameters, the text in the org's language (no Accept-Language): German numbers
    assert disk["code"] == "host.disk" and disk["params"]["used_percent"] == "93.0"
    assert "/var" in disk["summary"] and "93,0 %" in disk["summary"]
    # still full: no second incident, no second mail
    clock.advance(timedelta(minutes=1))
    assert send(token, full).status == 200
    assert len([m for m in mails("partner@example.com") if "db-01" in m.subject]) == 2
    # back to normal: both resolved and announced
    clock.advance(timedelta(minutes=1))
    assert send(token).status == 200
    assert not incidents.is_open(world.partner_id, "host_disk", host["id"])
    assert not incidents.is_open(world.partner_id, "host_memory", host["id"])
    resolved = [m.subject for m in mails("partner@example.com") if m.subject.startswith("[BEHOBEN]")]
    assert sorted(resolved) == [
        "[BEHOBEN] Arbeitsspeicher knapp: db-01",
        "[BEHOBEN] Festplatte fast voll: db-01",
    ]


def test_per_host_threshold_from_patch_applies(api, world, make_host, send):
    from chalicelib import clock
    from chalicelib.incidents import service as incidents

    host = make_host()
    r = api.patch(f"/orgs/{world.customer_id}/hosts/{host['id']}", world.partner_token, {"disk_limit": 95})
    assert r.status == 200, r
    assert send(host["agent_token"], heartbeat_body(disks=_disk(93))).status == 200
    assert not incidents.is_open(world.customer_id, "host_disk", host["id"])
    r = api.patch(f"/orgs/{world.customer_id}/hosts/{host['id']}", world.partner_token, {"disk_limit": 90})
    clock.advance(timedelta(minutes=1))
    assert send(host["agent_token"], heartbeat_body(disks=_disk(93))).status == 200
    assert incidents.is_open(world.customer_id, "host_disk", host["id"])


def test_steady_heartbeat_costs_two_dynamodb_calls(api, world, make_host, send):
    from chalicelib import clock
    from chalicelib.local.metering import count_calls

    host = make_host()
    assert send(host["agent_token"]).status == 200  # first one flips pending → online
    clock.advance(timedelta(minutes=1))
    with count_calls() as calls:
        assert send(host["agent_token"]).status == 200
    assert calls["dynamodb"] == 2, calls
    assert calls["dynamodb:GetItem"] == 1 and calls["dynamodb:TransactWriteItems"] == 1


def test_paused_monitoring_stores_heartbeats_but_opens_no_threshold_incident(api, world, make_host, send):
    from chalicelib.billing.models import Subscription
    from chalicelib.incidents import service as incidents

    host = make_host()
    sub = Subscription.get(*Subscription.key(world.customer_id))
    sub.update(actions=[Subscription.status.set("expired")])
    assert send(host["agent_token"], heartbeat_body(disks=_disk(99))).status == 200
    stored, rollups = _stored(world.customer_id, host["id"])
    assert stored.status == "online" and len(rollups) == 1
    assert not incidents.is_open(world.customer_id, "host_disk", host["id"])
