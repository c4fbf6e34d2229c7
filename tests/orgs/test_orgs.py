"""Org creation rules and signup."""

from __future__ import annotations

from typing import Any

from chalicelib.billing.models import Subscription
from chalicelib.orgs.models import Org
from tests.support import PASSWORD, mails, make_org, seed_world, signup_code
from tests.support.api import error_fields


def test_only_partner_admins_create_orgs_and_only_on_trial(api):
    make_org("Plain GmbH", "plain@example.com")
    token = api.login("plain@example.com")
    r = api.post("/orgs", token, {"name": "Kunde"})
    assert r.status == 403, r
    w = seed_world(api)
    r = api.post("/orgs", w.partner_token, {"name": "Kunde", "plan": "basic"})
    assert r.status == 400 and "plan" in error_fields(r.json), r


def test_independent_org_from_partner_has_no_partner_access(api):
    w = seed_world(api)
    r = api.post(
        "/orgs", w.partner_token, {"name": "Unabhängig AG", "linked": False, "support_by": "partner"}
    )
    assert r.status == 201, r
    org = r.json
    assert org["linked"] is False and org["partner_id"] is None and org["role"] == "admin"
    assert org["support_by"] == "vendor"  # no partner, no partner support
    stored = Org.get(*Org.key(org["id"]))
    assert stored.partner_id is None and stored.admin_count == 1
    # the creator is its admin (member), and it does not appear among the partner's customers
    names = [c["name"] for c in api.get(f"/orgs/{w.partner_id}/customers", w.partner_token).json["items"]]
    assert "Unabhängig AG" not in names
    me = {o["id"]: o["role"] for o in api.get("/me", w.partner_token).json["orgs"]}
    assert me[org["id"]] == "admin"
    # the independent org pays for itself: its admin is the billing role
    assert api.get(f"/orgs/{org['id']}/subscription", w.partner_token).status == 200
    sub = Subscription.get(*Subscription.key(org["id"]))
    assert sub.payer_org_id == org["id"] and sub.status == "trialing"


def test_linked_customer_subscription_is_paid_by_partner(api):
    w = seed_world(api)
    sub = Subscription.get(*Subscription.key(w.customer_id))
    assert sub.payer_org_id == w.partner_id
    assert (sub.trial_ends_at - sub.created_at).days == 14


def test_signup_creates_independent_trial_org_and_does_not_enumerate(api, monkeypatch):
    monkeypatch.setenv("VIGIL_SIGNUP_MIN_MS", "0")
    body: dict[str, Any] = {
        "email": "new@example.com",
        "password": PASSWORD,
        "org": {"name": "Neu GmbH", "language": "en"},
    }
    first = api.post("/signup", json_body=body)
    assert first.status == 202, first
    confirmed = api.post(
        "/signup/confirm", json_body={"email": "new@example.com", "code": signup_code("new@example.com")}
    )
    assert confirmed.status == 200, confirmed
    token = api.login("new@example.com")
    (entry,) = api.get("/me", token).json["orgs"]
    assert entry["name"] == "Neu GmbH" and entry["role"] == "admin"
    # the same address again: same answer, nothing created, the owner is told by mail
    body["org"]["name"] = "Zweite GmbH"
    second = api.post("/signup", json_body=body)
    assert second.status == first.status and second.json == first.json
    assert [o["name"] for o in api.get("/me", token).json["orgs"]] == ["Neu GmbH"]
    assert any("sign-up" in m.subject for m in mails("new@example.com"))


def test_signup_rejects_weak_password_and_bad_fields(api):
    r = api.post(
        "/signup", json_body={"email": "x@example.com", "password": "short", "org": {"name": "X", "bogus": 1}}
    )
    assert r.status == 400
    assert "password" in error_fields(r.json) and "org.bogus" in error_fields(r.json)
