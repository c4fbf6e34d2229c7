"""Status pages: management through the API, the public view's allow-list, caching, limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import clock
from tests.support import seed_world
from tests.support.api import error_fields
from tests.support.world import PARTNER, upload_logo

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
ENDPOINT = {"name": "Shop", "url": "https://shop.example.com/"}

#: Every key the public JSON may contain, per level: nothing else of the org may appear.
PUBLIC_KEYS = {"slug", "title", "language", "provided_by", "state", "components", "incidents", "notes",
               "maintenance", "generated_at"}  # fmt: skip
PROVIDER_KEYS = {"name", "logo_url"}
COMPONENT_KEYS = {"name", "type", "state", "availability_90d", "days", "response_ms_mean_90d"}
DAY_KEYS = {"date", "availability"}
INCIDENT_KEYS = {"title", "component", "state", "opened_at", "resolved_at"}
NOTE_KEYS = {"text", "posted_at"}
MAINTENANCE_KEYS = {"component", "starts_at", "ends_at"}


def _history(org_id: str, endpoint_id: str, host_id: str) -> None:
    """Three days of checks every 10 minutes (the middle day with 12 failures = 2 h), the endpoint
    down now with an open incident, and two days of heartbeats of the host."""
    from chalicelib.hosts.models import HostRollup
    from chalicelib.incidents import service as incidents
    from chalicelib.monitoring import rollups
    from chalicelib.monitoring.models import Status

    samples = []
    start = datetime(2026, 11, 17, tzinfo=UTC)
    for i in range(3 * 144):
        at = start + timedelta(minutes=10 * i)
        up = not (144 <= i < 156)
        samples.append(rollups.Sample(org_id, endpoint_id, at, up, 40 if up else None, False))
    for r in rollups.merge_samples(samples):
        r.save()
    Status(*Status.key(org_id, endpoint_id), state="down", error="connection refused 10.0.0.7").save()
    incidents.open_incident(
        org_id, "endpoint_down", "endpoint", endpoint_id, "Shop", "connect to 10.0.0.7 failed",
        at=NOW - timedelta(minutes=20),
    )  # fmt: skip
    for h in range(48):
        at = datetime(2026, 11, 18, tzinfo=UTC) + timedelta(hours=h)
        HostRollup(*HostRollup.key(host_id, at.strftime("%Y-%m-%dT%H")), org_id=org_id, host_id=host_id,
                   n=60, interval_s=60).save()  # fmt: skip


@pytest.fixture
def page(api) -> dict[str, Any]:
    clock.set_now(NOW)
    w = seed_world(api)
    org, token = w.customer_id, w.partner_token
    upload_logo(api, w.partner_id, token)
    ep = api.post(f"/orgs/{org}/endpoints", token, ENDPOINT).json
    host = api.post(f"/orgs/{org}/hosts", token, {"name": "web-01"}).json
    _history(org, ep["id"], host["id"])
    # created in the past so that the host's days count from 18 Nov
    from chalicelib.hosts.models import Host

    stored = Host.get(*Host.key(org, host["id"]))
    stored.update(
        actions=[Host.created_at.set(datetime(2026, 11, 18, tzinfo=UTC)), Host.status.set("online")]
    )
    r = api.post(
        f"/orgs/{org}/status-pages",
        token,
        {"slug": "stein-status", "title": "Status Stein", "endpoints": [ep["id"]], "hosts": [host["id"]]},
    )
    assert r.status == 201, r
    r = api.post(f"/orgs/{org}/status-pages/stein-status/notes", token, {"text": "Wir arbeiten daran."})
    assert r.status == 201, r
    return {"world": w, "org": org, "token": token, "endpoint": ep, "host": host}


def _keys_allowed(body: dict[str, Any]) -> None:
    assert set(body) == PUBLIC_KEYS
    assert set(body["provided_by"]) == PROVIDER_KEYS
    for c in body["components"]:
        assert set(c) <= COMPONENT_KEYS
        for d in c["days"]:
            assert set(d) == DAY_KEYS
    for key, allowed in (
        ("incidents", INCIDENT_KEYS),
        ("notes", NOTE_KEYS),
        ("maintenance", MAINTENANCE_KEYS),
    ):
        for item in body[key]:
            assert set(item) == allowed


def test_public_view_shows_only_the_allow_list(api, page):
    r = api.get("/status/stein-status")  # no token
    assert r.status == 200, r
    assert r.headers["Cache-Control"] == "public, max-age=60"
    body = r.json
    _keys_allowed(body)
    raw = r.raw.decode()
    # no ids, URLs, error texts or incident summaries of the org
    for secret in (page["org"], page["endpoint"]["id"], page["host"]["id"], "shop.example.com", "10.0.0.7",
                   page["world"].partner_id, "partner@", "agent"):  # fmt: skip
        assert secret not in raw, secret
    assert body["provided_by"]["name"] == "SteineundUnkraut GmbH"  # the partner supports the customer
    assert body["provided_by"]["logo_url"].startswith("data:image/png;base64,")
    assert body["state"] == "outage"
    shop, web = body["components"]
    assert (shop["name"], shop["type"], shop["state"]) == ("Shop", "endpoint", "down")
    assert (web["name"], web["type"], web["state"]) == ("web-01", "host", "online")
    assert len(shop["days"]) == 90 and shop["days"][-1]["date"] == "2026-11-20"
    by_day = {d["date"]: d["availability"] for d in shop["days"]}
    # 17 and 19 Nov all up; 18 Nov: 12 of 144 checks failed → 132/144 = 91.666…
    assert by_day["2026-11-17"] == "100.000" and by_day["2026-11-19"] == "100.000"
    assert by_day["2026-11-18"] == "91.666"
    assert by_day["2026-11-16"] is None  # before monitoring began
    assert shop["availability_90d"] == "97.222"  # 420 of 432
    assert "response_ms_mean_90d" not in shop  # not asked for
    host_days = {d["date"]: d["availability"] for d in web["days"]}
    assert host_days["2026-11-18"] == "100.000" and host_days["2026-11-17"] is None
    # 20 Nov: no heartbeat in 9.5 h of the day so far
    assert host_days["2026-11-20"] == "0.000"
    assert body["incidents"] == [
        {"title": "Shop nicht erreichbar", "component": "Shop", "state": "open",
         "opened_at": "2026-11-20T09:10:00Z", "resolved_at": None}
    ]  # fmt: skip
    assert [n["text"] for n in body["notes"]] == ["Wir arbeiten daran."]


def test_response_times_and_english(api, page):
    org, token = page["org"], page["token"]
    r = api.patch(
        f"/orgs/{org}/status-pages/stein-status", token, {"show_response_times": True, "language": "en"}
    )
    assert r.status == 200, r
    body = api.get("/status/stein-status").json
    assert body["components"][0]["response_ms_mean_90d"] == 40
    assert body["incidents"][0]["title"] == "Shop unreachable"


def test_one_rebuild_per_minute_for_a_traffic_spike(api, page):
    from chalicelib.local.metering import count_calls
    from chalicelib.statuspages import public

    public.clear_cache()
    with count_calls() as first:
        assert api.get("/status/stein-status").status == 200
    rebuild = first["dynamodb"]
    assert rebuild > 1  # the view was built from the components
    with count_calls() as rest:
        for _ in range(99):
            assert api.get("/status/stein-status").status == 200
    assert rest["dynamodb"] == 0  # served from memory
    # another Lambda within the minute: one GetItem, the stored snapshot is reused
    public.clear_cache()
    with count_calls() as cold:
        assert api.get("/status/stein-status").status == 200
    assert cold["dynamodb"] == 1
    # a minute later the snapshot is rebuilt once
    clock.set_now(NOW + timedelta(seconds=61))
    public.clear_cache()
    with count_calls() as later:
        assert api.get("/status/stein-status").status == 200
    assert later["dynamodb"] == rebuild


def test_an_edit_drops_the_snapshot(api, page):
    from chalicelib.statuspages import public

    api.get("/status/stein-status")
    api.patch(f"/orgs/{page['org']}/status-pages/stein-status", page["token"], {"title": "Neu"})
    public.clear_cache()  # a Lambda that has not seen the page yet
    assert api.get("/status/stein-status").json["title"] == "Neu"


@pytest.mark.parametrize(
    ("slug", "status"),
    [("ab", 400), ("a" * 41, 400), ("Gross", 400), ("-start", 400), ("end-", 400), ("a--b", 400),
     ("api", 400), ("status", 400), ("login", 400), ("ok-slug", 201)],
)  # fmt: skip
def test_slug_rules(api, slug, status):
    w = seed_world(api)
    r = api.post(f"/orgs/{w.customer_id}/status-pages", w.partner_token, {"slug": slug, "title": "S"})
    assert r.status == status, r
    if status == 400:
        assert error_fields(r.json) == {"slug"}


def test_slugs_are_globally_unique_and_components_must_be_own(api):
    w = seed_world(api)
    own = api.post(f"/orgs/{w.customer_id}/endpoints", w.partner_token, ENDPOINT).json["id"]
    from tests.support.world import new_customer

    other_org = new_customer(api, w.other_token, "Fremd GmbH")
    foreign = api.post(f"/orgs/{other_org}/endpoints", w.other_token, ENDPOINT).json["id"]
    assert api.post(f"/orgs/{w.customer_id}/status-pages", w.partner_token, {"slug": "eins", "title": "S",
                    "endpoints": [own]}).status == 201  # fmt: skip
    r = api.post(f"/orgs/{other_org}/status-pages", w.other_token, {"slug": "eins", "title": "S"})
    assert r.status == 409 and error_fields(r.json) == {"slug"}
    r = api.post(f"/orgs/{other_org}/status-pages", w.other_token, {"slug": "zwei", "title": "S",
                 "endpoints": [own]})  # fmt: skip
    assert r.status == 422 and error_fields(r.json) == {"endpoints"}
    # another tenant's page is not found, not forbidden
    assert api.get(f"/orgs/{other_org}/status-pages/eins", w.other_token).status == 404
    assert api.patch(f"/orgs/{other_org}/status-pages/eins", w.other_token, {"title": "X"}).status == 404
    assert foreign  # the other tenant's endpoint exists; only its own org may show it


def test_plan_limit_on_trial_and_after_delete(api):
    from chalicelib.orgs import counters

    w = seed_world(api)
    org, token = w.customer_id, w.partner_token
    assert api.post(f"/orgs/{org}/status-pages", token, {"slug": "erste", "title": "S"}).status == 201
    r = api.post(f"/orgs/{org}/status-pages", token, {"slug": "zweite", "title": "S"})
    assert r.status == 422 and error_fields(r.json) == {"status_pages"}
    assert counters.get(org)["status_pages"] == 1
    assert api.delete(f"/orgs/{org}/status-pages/erste", token).status == 204
    assert api.post(f"/orgs/{org}/status-pages", token, {"slug": "zweite", "title": "S"}).status == 201
    assert [p["slug"] for p in api.get(f"/orgs/{org}/status-pages", token).json["items"]] == ["zweite"]
    from tests.support.stored import audit_actions

    assert {"status_page.created", "status_page.deleted"} <= set(audit_actions(org))


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<b>fett</b>", "<!-- x -->"])
def test_notes_are_plain_text(api, text):
    w = seed_world(api)
    org, token = w.customer_id, w.partner_token
    api.post(f"/orgs/{org}/status-pages", token, {"slug": "notiz", "title": "S"})
    r = api.post(f"/orgs/{org}/status-pages/notiz/notes", token, {"text": text})
    assert r.status == 400 and error_fields(r.json) == {"text"}
    assert api.get(f"/orgs/{org}/status-pages/notiz", token).json["notes"] == []
    r = api.post(f"/orgs/{org}/status-pages/notiz/notes", token, {"text": "a < b und \x07 Glocke"})
    assert r.status == 201 and r.json["notes"][0]["text"] == "a < b und  Glocke"


def test_unknown_slug_and_deleted_org(api, page):
    from chalicelib.orgs import deletion
    from chalicelib.statuspages import public
    from chalicelib.statuspages.models import StatusPage

    assert api.get("/status/gibt-es-nicht").status == 404
    assert api.get("/status/..%2f").status == 404
    assert api.delete(f"/orgs/{page['org']}", page["token"]).status == 202
    public.clear_cache()
    clock.set_now(NOW + timedelta(minutes=2))
    assert api.get("/status/stein-status").status == 404  # the org is being deleted
    assert deletion.run_pending(deadline=float("inf"))["purged"] == 1
    assert not list(StatusPage.query("SPAGE#stein-status"))
    # the address is free again
    w2 = api.login(PARTNER)
    from tests.support.world import new_customer

    other = new_customer(api, w2, "Nachfolger GmbH")
    assert api.post(f"/orgs/{other}/status-pages", w2, {"slug": "stein-status", "title": "S"}).status == 201
    assert json.dumps(api.get("/status/stein-status").json).count("Nachfolger") == 0  # own name not shown
