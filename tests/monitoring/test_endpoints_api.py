"""Endpoint CRUD through the API: roles, validation, plan limits, audit, partner overview."""

from __future__ import annotations

from chalicelib import clock
from tests.monitoring.conftest import NOW, set_plan
from tests.support import seed_world
from tests.support.api import error_fields

BODY = {"name": "Shop", "url": "https://shop.example.com/"}


def _audit_actions(org_id: str) -> set[str]:
    from chalicelib.audit.models import AuditEntry

    return {e.action for e in AuditEntry.query(f"AUDIT#{org_id}")}


def test_create_get_list_patch_delete(api, customer):
    clock.set_now(NOW)
    org_id, token = customer
    r = api.post(
        f"/orgs/{org_id}/endpoints",
        token,
        {
            **BODY,
            "interval_minutes": 15,
            "checks": {"availability": {"keyword": "Willkommen"}},
            "alert": {"recipients": ["ops@kunde.example.com"], "webhook_url": "https://hooks.example.com/x"},
            "maintenance_windows": [{"starts_at": "2026-11-03T01:00:00Z", "ends_at": "2026-11-03T02:00:00Z"}],
        },
    )
    assert r.status == 201, r
    ep = r.json
    assert ep["url"] == "https://shop.example.com/"
    assert ep["interval_minutes"] == 15 and ep["sla_target"] == "99.9"
    assert ep["alert"]["consecutive_failures"] == 2
    assert ep["alert"]["webhook_secret"]  # shown to admins
    assert ep["checks"]["availability"]["expected_status_min"] == 200
    assert ep["checks"]["certificate"]["warn_days"] == [30, 14, 7, 1]
    assert ep["next_check_at"] == "2026-11-02T09:00:00Z"
    assert r.headers["Location"] == f"/orgs/{org_id}/endpoints/{ep['id']}"

    r = api.get(f"/orgs/{org_id}/endpoints", token)
    assert [e["id"] for e in r.json["items"]] == [ep["id"]]
    r = api.patch(f"/orgs/{org_id}/endpoints/{ep['id']}", token, {"name": "Shop DE", "paused": True})
    assert r.status == 200, r
    assert r.json["name"] == "Shop DE" and r.json["paused"] and r.json["next_check_at"] is None
    assert r.json["alert"]["webhook_secret"] == ep["alert"]["webhook_secret"]
    r = api.get(f"/orgs/{org_id}/endpoints/{ep['id']}/status", token)
    assert r.json["state"] == "paused"

    assert {"endpoint.created", "endpoint.updated"} <= _audit_actions(org_id)

    assert api.delete(f"/orgs/{org_id}/endpoints/{ep['id']}", token).status == 204
    assert api.get(f"/orgs/{org_id}/endpoints/{ep['id']}", token).status == 404
    assert "endpoint.deleted" in _audit_actions(org_id)
    from chalicelib.orgs import counters

    assert counters.get(org_id)["endpoints"] == 0


def test_validation_names_the_field(api, customer):
    org_id, token = customer
    cases = [
        ({**BODY, "url": "ftp://shop.example.com/"}, "url"),
        ({**BODY, "url": "https://user:pw@shop.example.com/"}, "url"),
        ({**BODY, "url": "https://shop.example.com/" + "a" * 2050}, "url"),
        ({**BODY, "interval_minutes": 7}, "interval_minutes"),
        ({**BODY, "name": ""}, "name"),
        ({**BODY, "color": "red"}, "color"),
        ({**BODY, "alert": {"recipients": ["not-an-address"]}}, "alert.recipients.0"),
        ({**BODY, "alert": {"webhook_url": "http://10.1.2.3/hook"}}, "alert.webhook_url"),
        (
            {**BODY, "checks": {"availability": {"expected_status_min": 500, "expected_status_max": 200}}},
            "checks.availability",
        ),
        (
            {
                **BODY,
                "maintenance_windows": [
                    {"starts_at": "2026-11-03T02:00:00Z", "ends_at": "2026-11-03T01:00:00Z"}
                ],
            },
            "maintenance_windows.0",
        ),
    ]
    for body, field in cases:
        r = api.post(f"/orgs/{org_id}/endpoints", token, body)
        assert r.status == 400, (body, r)
        assert field in error_fields(r.json), (field, r.json)
    from chalicelib.monitoring.models import Endpoint

    assert list(Endpoint.query(f"ORG#{org_id}")) == []  # nothing half-written


def test_idn_is_stored_as_punycode(api, customer):
    org_id, token = customer
    r = api.post(f"/orgs/{org_id}/endpoints", token, {**BODY, "url": "https://bücher.example/ä?q=1"})
    assert r.status == 201, r
    assert r.json["url"] == "https://xn--bcher-kva.example/ä?q=1"


def test_plan_limits_and_minimum_interval(api, customer):
    org_id, token = customer
    r = api.post(f"/orgs/{org_id}/endpoints", token, {**BODY, "interval_minutes": 1})
    assert r.status == 422 and r.json["code"] == "limits.interval", r
    assert "mindestens 5" in r.json["detail"], r
    set_plan(org_id, "basic")
    for i in range(10):
        assert api.post(f"/orgs/{org_id}/endpoints", token, {**BODY, "name": f"e{i}"}).status == 201
    r = api.post(f"/orgs/{org_id}/endpoints", token, {**BODY, "name": "one too many"})
    assert r.status == 422, r
    assert r.json["code"] == "limits.endpoints"
    assert r.json["detail"] == "Tarifgrenze erreicht: höchstens 10 Endpunkte im Tarif basic"
    assert len(api.get(f"/orgs/{org_id}/endpoints", token).json["items"]) == 10
    set_plan(org_id, "professional")
    assert api.post(f"/orgs/{org_id}/endpoints", token, {**BODY, "interval_minutes": 1}).status == 201


def test_roles_guest_reads_stranger_404(api):
    world = seed_world(api)
    cid = world.customer_id
    r = api.post(f"/orgs/{cid}/endpoints", world.partner_token, BODY)  # partner writes
    assert r.status == 201, r
    ep_id = r.json["id"]
    from chalicelib import admin

    admin.add_user(cid, "gast@kunde.example.com", "guest", "Demo-Passwort-2026!")
    guest = api.login("gast@kunde.example.com")
    assert api.get(f"/orgs/{cid}/endpoints/{ep_id}", guest).status == 200
    assert "webhook_secret" not in api.get(f"/orgs/{cid}/endpoints/{ep_id}", guest).json["alert"]
    assert api.post(f"/orgs/{cid}/endpoints", guest, BODY).status == 403
    assert api.patch(f"/orgs/{cid}/endpoints/{ep_id}", guest, {"name": "x"}).status == 403
    assert api.delete(f"/orgs/{cid}/endpoints/{ep_id}", guest).status == 403
    for call in (
        lambda: api.get(f"/orgs/{cid}/endpoints", world.other_token),
        lambda: api.get(f"/orgs/{cid}/endpoints/{ep_id}/status", world.other_token),
        lambda: api.post(f"/orgs/{cid}/endpoints", world.other_token, BODY),
    ):
        assert call().status == 404
    assert api.get(f"/orgs/{cid}/endpoints").status == 401


def test_partner_overview_counts_without_query_per_customer(api):
    world = seed_world(api)
    r = api.post(
        "/orgs",
        world.partner_token,
        {"name": "Zweiter Kunde", "linked": True, "support_by": "partner", "language": "de"},
    )
    second = r.json["id"]
    for org, n in ((world.customer_id, 2), (second, 1)):
        for i in range(n):
            assert (
                api.post(f"/orgs/{org}/endpoints", world.partner_token, {**BODY, "name": f"e{i}"}).status
                == 201
            )
    from chalicelib.incidents import service as incidents
    from chalicelib.local.metering import count_calls

    incidents.open_incident(second, "endpoint_down", "endpoint", "e1", "e1", "down")
    with count_calls() as calls:
        r = api.get(f"/orgs/{world.partner_id}/customers", world.partner_token)
    assert r.status == 200, r
    by_id = {c["id"]: c for c in r.json["items"]}
    assert by_id[world.customer_id]["endpoints"] == 2 and by_id[second]["endpoints"] == 1
    assert by_id[second]["incidents_open"] == 1 and by_id[world.customer_id]["incidents_open"] == 0
    assert by_id[second]["endpoints_down"] == 0 and by_id[second]["hosts"] == 0
    assert calls["dynamodb"] <= 6, calls  # auth + page + subscriptions + one counters BatchGet
