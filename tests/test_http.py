"""Malformed input gets a clear 4xx problem document; CORS for the console."""

from __future__ import annotations

import pytest

from chalicelib.orgs.models import Org
from tests.support import seed_world
from tests.support.api import error_fields


@pytest.mark.parametrize(
    "raw,field",
    [
        (b"", "body"),
        (b"{", "body"),
        (b"[]", "body"),
        (b"\xff\xfe", "body"),
        (b'{"name": ""}', "name"),
        (b'{"name": "x", "unknown": 1}', "unknown"),
        (b'{"name": "x", "linked": "maybe"}', "linked"),
        (b'{"name": "x", "support_by": "nobody"}', "support_by"),
        (b'{"name": "x", "language": "fr"}', "language"),
        (b'{"name": "x", "billing_email": "not-an-email"}', "billing_email"),
        (b'{"name": "x", "vat_id": "DE123"}', "vat_id"),
        (b'{"name": "x", "address": {"country": "XX"}}', "address.country"),
        (b'{"name": "' + b"n" * 300 + b'"}', "name"),
    ],
)
def test_bad_org_bodies(api, raw, field):
    w = seed_world(api)
    before = Org.by_partner.count(f"PARTNER#{w.partner_id}")
    r = api.call("POST", "/orgs", w.partner_token, body=raw)
    assert r.status == 400, r
    assert r.headers["Content-Type"] == "application/problem+json"
    assert field in error_fields(r.json), r.json
    assert Org.by_partner.count(f"PARTNER#{w.partner_id}") == before  # nothing written


def test_oversized_body_is_413(api):
    w = seed_world(api)
    r = api.call("POST", "/orgs", w.partner_token, body=b'{"name": "' + b"x" * 70000 + b'"}')
    assert r.status == 413, r


def test_wrong_content_type_is_problem(api):
    w = seed_world(api)
    r = api.call(
        "POST",
        "/orgs",
        w.partner_token,
        body=b"name=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status == 415, r
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json["status"] == 415


@pytest.mark.parametrize("path", ["/orgs/" + "x" * 100, "/orgs/..%2F..", "/orgs/%00"])
def test_odd_org_ids_are_404(api, path):
    w = seed_world(api)
    r = api.get(path, w.partner_token)
    assert r.status == 404, r


def test_pagination_limits(api):
    w = seed_world(api)
    for bad in ("0", "201", "abc", "-1"):
        r = api.get(f"/orgs/{w.partner_id}/customers?limit={bad}", w.partner_token)
        assert r.status == 400 and "limit" in error_fields(r.json), (bad, r)
    r = api.get(f"/orgs/{w.partner_id}/customers?next=garbage!!", w.partner_token)
    assert r.status == 400 and "next" in error_fields(r.json), r


def test_pagination_walks_all_customers(api):
    w = seed_world(api)
    for i in range(4):
        assert api.post("/orgs", w.partner_token, {"name": f"Kunde {i}"}).status == 201
    seen, cursor = [], None
    while True:
        path = f"/orgs/{w.partner_id}/customers?limit=2" + (f"&next={cursor}" if cursor else "")
        page = api.get(path, w.partner_token).json
        seen += [c["name"] for c in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(["Innendekoration Stein & Mehr"] + [f"Kunde {i}" for i in range(4)])


def test_cors_for_console_origin(api):
    r = api.get("/health", headers={"Origin": "http://127.0.0.1:8000"})
    assert r.headers.get("Access-Control-Allow-Origin") == "http://127.0.0.1:8000"
    r = api.get("/health", headers={"Origin": "https://evil.example"})
    assert r.headers.get("Access-Control-Allow-Origin") != "https://evil.example"
    # the preflight itself is answered by the gateway; see test_make_run.py (real HTTP)
    from app import app

    cors = app.routes["/orgs"]["POST"].cors
    assert "Authorization" in cors.allow_headers and "Idempotency-Key" in cors.allow_headers
