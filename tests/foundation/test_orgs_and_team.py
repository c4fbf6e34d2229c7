"""Org creation rules, signup, team management and the last-admin guard."""

from __future__ import annotations

from chalicelib.billing.models import Subscription
from chalicelib.orgs.models import Org
from chalicelib.team.models import Membership
from tests.support import PASSWORD, mails, make_org, seed_world, temp_password


def test_only_partner_admins_create_orgs_and_only_on_trial(api):
    make_org("Plain GmbH", "plain@example.com")
    token = api.login("plain@example.com")
    r = api.post("/orgs", token, {"name": "Kunde"})
    assert r.status == 403, r
    w = seed_world(api)
    r = api.post("/orgs", w.partner_token, {"name": "Kunde", "plan": "basic"})
    assert r.status == 400 and "plan" in r.json["errors"], r


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


def test_signup_creates_independent_trial_org_and_does_not_enumerate(api):
    body = {"email": "new@example.com", "password": PASSWORD, "org": {"name": "Neu GmbH", "language": "en"}}
    first = api.post("/signup", json_body=body)
    assert first.status == 202, first
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
    assert "password" in r.json["errors"] and "org.bogus" in r.json["errors"]


def test_existing_user_is_added_without_invitation(api):
    w = seed_world(api)
    r = api.post(
        f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "other@example.com", "role": "guest"}
    )
    assert r.status == 201, r
    (mail,) = mails("other@example.com")
    assert "Temporäres Passwort" not in mail.text and "Innendekoration" in mail.text
    # one user, two orgs, two roles
    roles = {o["name"]: o["role"] for o in api.get("/me", w.other_token).json["orgs"]}
    assert roles == {"Andere Partner AG": "admin", "Innendekoration Stein & Mehr": "guest"}
    # adding again is a conflict, nothing duplicated
    again = api.post(
        f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "other@example.com", "role": "admin"}
    )
    assert again.status == 409, again


def test_member_add_is_idempotent_with_key(api):
    w = seed_world(api)
    headers = {"Idempotency-Key": "invite-1"}
    body = {"email": "neu@example.com", "role": "admin"}
    first = api.post(f"/orgs/{w.customer_id}/members", w.partner_token, body, headers=headers)
    second = api.post(f"/orgs/{w.customer_id}/members", w.partner_token, body, headers=headers)
    assert first.status == second.status == 201 and first.json == second.json
    assert len(mails("neu@example.com")) == 1
    other = api.post(
        f"/orgs/{w.customer_id}/members",
        w.partner_token,
        {"email": "neu@example.com", "role": "guest"},
        headers=headers,
    )
    assert other.status == 422, other


def test_last_admin_cannot_be_removed_or_demoted(api):
    org_id = make_org("Solo GmbH", "solo@example.com")
    token = api.login("solo@example.com")
    (me,) = api.get(f"/orgs/{org_id}/members", token).json["items"]
    assert api.patch(f"/orgs/{org_id}/members/{me['user_id']}", token, {"role": "guest"}).status == 409
    assert api.delete(f"/orgs/{org_id}/members/{me['user_id']}", token).status == 409
    # with a second admin, the first may step down
    r = api.post(f"/orgs/{org_id}/members", token, {"email": "zwei@example.com", "role": "admin"})
    assert r.status == 201
    second = api.first_login("zwei@example.com", temp_password(mails("zwei@example.com")[0].text))
    assert api.patch(f"/orgs/{org_id}/members/{me['user_id']}", token, {"role": "guest"}).status == 200
    assert Org.get(*Org.key(org_id)).admin_count == 1
    # now the second admin is the last one
    assert api.delete(f"/orgs/{org_id}/members/{r.json['user_id']}", second).status == 409
    assert api.delete(f"/orgs/{org_id}/members/{me['user_id']}", second).status == 204
    assert Membership.count(f"ORG#{org_id}", Membership.sk.startswith("MEMBER#")) == 1


def test_partner_can_remove_the_only_customer_admin(api):
    # a linked customer stays managed by its partner, so it may be left without own admins
    w = seed_world(api)
    r = api.post(
        f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "chef@example.com", "role": "admin"}
    )
    assert api.delete(f"/orgs/{w.customer_id}/members/{r.json['user_id']}", w.partner_token).status == 204


def test_unknown_member_is_404(api):
    w = seed_world(api)
    assert (
        api.patch(f"/orgs/{w.customer_id}/members/nobody", w.partner_token, {"role": "admin"}).status == 404
    )
