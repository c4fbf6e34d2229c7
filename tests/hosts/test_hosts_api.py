"""Host management through the API: create/rotate/delete, quota, roles, tenants, audit, reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.hosts.conftest import heartbeat_body
from tests.support import mails, temp_password
from tests.support.api import error_fields, error_map


def _audit_actions(org_id: str) -> list[tuple[str, str]]:
    from chalicelib.audit.models import AuditEntry

    return [(e.action, e.target) for e in AuditEntry.query(f"AUDIT#{org_id}") if e.action.startswith("host.")]


def _guest_token(api, world) -> str:
    r = api.post(
        f"/orgs/{world.customer_id}/members",
        world.partner_token,
        {"email": "gast@example.com", "role": "guest"},
    )
    assert r.status == 201, r
    return api.first_login("gast@example.com", temp_password(mails("gast@example.com")[-1].text))


def test_create_returns_token_once_and_stores_only_its_keyed_hash(api, world):
    from chalicelib.hosts import tokens
    from chalicelib.hosts.models import AgentToken, Host

    r = api.post(
        f"/orgs/{world.customer_id}/hosts",
        world.partner_token,
        {"name": " web-01 ", "tags": ["prod", "prod", "db"]},
    )
    assert r.status == 201, r
    body = r.json
    assert body["name"] == "web-01" and body["tags"] == ["prod", "db"]
    assert body["status"] == "pending" and body["metrics"] is None
    assert body["agent_token"].startswith("vgl_") and len(body["agent_token"]) > 40
    assert body["install"].startswith("curl ") and body["agent_token"] in body["install"]
    assert r.headers.get("Cache-Control") == "no-store"
    stored = Host.get(*Host.key(world.customer_id, body["id"]))
    assert body["agent_token"] not in str(stored.attribute_values)
    assert stored.token_hash == tokens.hash_token(body["agent_token"]) != body["agent_token"]
    link = AgentToken.get(*AgentToken.key(stored.token_hash))
    assert (link.org_id, link.host_id) == (world.customer_id, body["id"])
    # reads never show the token again
    again = api.get(f"/orgs/{world.customer_id}/hosts/{body['id']}", world.partner_token).json
    assert "agent_token" not in again and "install" not in again
    listed = api.get(f"/orgs/{world.customer_id}/hosts", world.partner_token).json
    assert [h["id"] for h in listed["items"]] == [body["id"]] and listed["next"] is None
    assert "agent_token" not in listed["items"][0]


def test_token_hash_is_keyed_by_the_configured_secret(monkeypatch):
    from chalicelib.hosts import tokens

    local = tokens.hash_token("vgl_abc")
    monkeypatch.setenv("VIGIL_AGENT_TOKEN_KEY", "another-secret")
    assert tokens.hash_token("vgl_abc") != local
    monkeypatch.delenv("VIGIL_AGENT_TOKEN_KEY")
    monkeypatch.setenv("VIGIL_STAGE", "prod")
    import pytest

    with pytest.raises(RuntimeError, match="VIGIL_AGENT_TOKEN_KEY"):
        tokens.hash_token("vgl_abc")


def test_name_and_tags_are_validated(api, world):
    base = f"/orgs/{world.customer_id}/hosts"
    r = api.post(base, world.partner_token, {"name": ""})
    assert r.status == 400 and "name" in error_fields(r.json), r
    r = api.post(base, world.partner_token, {"name": "x", "tags": ["t"] * 21})
    assert r.status == 400 and "tags" in error_fields(r.json), r
    r = api.post(base, world.partner_token, {"name": "x", "owner": "me"})
    assert r.status == 400 and error_map(r.json) == {"owner": "unknown_field"}, r


def test_quota_of_the_plan_is_enforced_and_freed_by_delete(api, world):
    from chalicelib.hosts.service import host_count

    base = f"/orgs/{world.customer_id}/hosts"
    first = api.post(base, world.partner_token, {"name": "a"}).json
    assert api.post(base, world.partner_token, {"name": "b"}).status == 201
    r = api.post(base, world.partner_token, {"name": "c"})  # trial: 2 hosts
    assert r.status == 422, r
    assert r.json["code"] == "limits.hosts" and error_map(r.json) == {"hosts": "hosts_quota"}
    assert host_count(world.customer_id) == 2
    assert len(api.get(base, world.partner_token).json["items"]) == 2
    # the partner's operations view counts them without a query per customer
    overview = api.get(f"/orgs/{world.partner_id}/customers", world.partner_token).json["items"]
    assert {c["id"]: c["hosts"] for c in overview}[world.customer_id] == 2
    assert api.delete(f"{base}/{first['id']}", world.partner_token).status == 204
    assert host_count(world.customer_id) == 1
    assert api.post(base, world.partner_token, {"name": "c"}).status == 201


def test_guest_reads_but_cannot_write(api, world, make_host):
    host = make_host()
    guest = _guest_token(api, world)
    base = f"/orgs/{world.customer_id}/hosts"
    assert api.get(base, guest).status == 200
    assert api.get(f"{base}/{host['id']}", guest).status == 200
    assert api.get(f"{base}/{host['id']}/metrics", guest).status == 200
    for r in (
        api.post(base, guest, {"name": "x"}),
        api.post(f"{base}/{host['id']}/token", guest),
        api.patch(f"{base}/{host['id']}", guest, {"name": "y"}),
        api.delete(f"{base}/{host['id']}", guest),
    ):
        assert r.status == 403, r
    assert api.get(f"{base}/{host['id']}", guest).json["name"] == "web-01"


def test_strangers_get_404_for_everything(api, world, make_host):
    host = make_host()
    base = f"/orgs/{world.customer_id}/hosts"
    stranger = world.other_token
    for r in (
        api.get(base, stranger),
        api.post(base, stranger, {"name": "x"}),
        api.get(f"{base}/{host['id']}", stranger),
        api.get(f"{base}/{host['id']}/metrics", stranger),
        api.post(f"{base}/{host['id']}/token", stranger),
        api.patch(f"{base}/{host['id']}", stranger, {"name": "y"}),
        api.delete(f"{base}/{host['id']}", stranger),
    ):
        assert r.status == 404, r
    # a host id of another org under one's own org is not found either
    other = make_host("theirs", org_id=world.other_partner_id, token=world.other_token)
    assert api.get(f"{base}/{other['id']}", world.partner_token).status == 404
    assert api.get(base.replace(world.customer_id, world.other_partner_id), world.partner_token).status == 404
    assert api.get(f"{base}", None).status == 401


def test_create_patch_rotate_delete_are_audited(api, world, make_host):
    host = make_host()
    base = f"/orgs/{world.customer_id}/hosts/{host['id']}"
    r = api.patch(base, world.partner_token, {"name": "web-02", "disk_limit": 80})
    assert r.status == 200 and r.json["name"] == "web-02", r
    assert r.json["thresholds"] == {"disk_percent": 80, "memory_percent": 95}
    assert api.post(f"{base}/token", world.partner_token).status == 201
    assert api.delete(base, world.partner_token).status == 204
    assert api.get(base, world.partner_token).status == 404
    assert sorted(_audit_actions(world.customer_id)) == sorted(
        [
            ("host.created", host["id"]),
            ("host.updated", host["id"]),
            ("host.token_rotated", host["id"]),
            ("host.deleted", host["id"]),
        ]
    )
    from chalicelib.audit.models import AuditEntry

    roles = {
        e.actor_role for e in AuditEntry.query(f"AUDIT#{world.customer_id}") if e.action.startswith("host.")
    }
    assert roles == {"partner"}


def test_patch_validates_thresholds(api, world, make_host):
    host = make_host()
    base = f"/orgs/{world.customer_id}/hosts/{host['id']}"
    for body, field in (
        ({"disk_limit": 0}, "disk_limit"),
        ({"memory_limit": 101}, "memory_limit"),
        ({}, "body"),
        ({"name": None}, "name"),
    ):
        r = api.patch(base, world.partner_token, body)
        assert r.status == 400 and field in error_fields(r.json), (body, r)


def test_detail_shows_latest_metrics_and_uptime(api, world, make_host, send):
    from chalicelib import clock

    clock.set_now(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    host = make_host()
    for _ in range(6):  # every 10 minutes for an hour, agent interval 600 s
        clock.advance(timedelta(minutes=10))
        assert send(host["agent_token"], heartbeat_body(interval_s=600)).status == 200
    body = api.get(f"/orgs/{world.customer_id}/hosts/{host['id']}", world.partner_token).json
    assert body["status"] == "online" and body["last_seen_at"] == "2026-11-27T09:00:00Z"
    assert body["metrics"]["memory"]["used_percent"] == "25.0"
    assert body["metrics"]["disks"][0]["used_percent"] == "40.0"
    assert body["metrics"]["swap"]["used_percent"] == "0.0"
    # monitored since the first heartbeat (08:10), each heartbeat standing for 600 s
    assert body["uptime"] == {"24h": "100.000", "7d": "100.000", "30d": "100.000"}
    clock.advance(timedelta(hours=1))  # 09:10–10:00 without heartbeats: 3,600 s of 6,600 s online
    body = api.get(f"/orgs/{world.customer_id}/hosts/{host['id']}", world.partner_token).json
    assert body["uptime"]["24h"] == "54.545"


def test_metrics_returns_hourly_rollups_in_range(api, world, make_host, send):
    from chalicelib import clock

    clock.set_now(datetime(2026, 11, 27, 8, 50, tzinfo=UTC))
    host = make_host()
    loads = [1.0, 3.0, 2.0]
    for load in loads:  # 08:55, 09:05, 09:15
        clock.advance(timedelta(minutes=5 if load == 1.0 else 10))
        body = heartbeat_body(load={"load1": load, "load5": load, "load15": load})
        assert send(host["agent_token"], body).status == 200
    base = f"/orgs/{world.customer_id}/hosts/{host['id']}/metrics"
    r = api.get(f"{base}?from=2026-11-27T08:00:00Z&to=2026-11-27T10:00:00Z", world.partner_token)
    assert r.status == 200, r
    items = r.json["items"]
    assert [(i["hour"], i["heartbeats"], i["load"]["load1"]) for i in items] == [
        ("2026-11-27T08:00:00Z", 1, 1.0),
        ("2026-11-27T09:00:00Z", 2, 2.5),
    ]
    assert items[1]["online_percent"] == "3.3" and items[1]["memory_used_percent"] == "25.0"
    page = api.get(
        f"{base}?from=2026-11-27T08:00:00Z&to=2026-11-27T10:00:00Z&limit=1", world.partner_token
    ).json
    assert len(page["items"]) == 1 and page["next"]
    rest = api.get(
        f"{base}?from=2026-11-27T08:00:00Z&to=2026-11-27T10:00:00Z&limit=1&next={page['next']}",
        world.partner_token,
    ).json
    assert [i["hour"] for i in rest["items"]] == ["2026-11-27T09:00:00Z"]
    for query, field in (
        ("from=yesterday", "from"),
        ("from=2026-11-27T10:00:00Z&to=2026-11-27T09:00:00Z", "from"),
        ("from=2026-01-01T00:00:00Z&to=2026-11-27T09:00:00Z", "from"),
    ):
        r = api.get(f"{base}?{query}", world.partner_token)
        assert r.status == 400 and field in error_fields(r.json), (query, r)


def test_list_is_paginated(api, world, make_host):
    from chalicelib.billing.models import Subscription

    sub = Subscription.get(*Subscription.key(world.customer_id))
    sub.update(actions=[Subscription.plan.set("professional"), Subscription.status.set("active")])
    ids = [make_host(f"h{i}")["id"] for i in range(3)]
    base = f"/orgs/{world.customer_id}/hosts"
    first = api.get(f"{base}?limit=2", world.partner_token).json
    second = api.get(f"{base}?limit=2&next={first['next']}", world.partner_token).json
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert sorted(h["id"] for h in first["items"] + second["items"]) == sorted(ids)
    assert second["next"] is None
