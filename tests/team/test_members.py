"""Team management: adding members (with and without invitation), the last-admin guard."""

from __future__ import annotations

from chalicelib.orgs.models import Org
from chalicelib.team.models import Membership
from tests.support import mails, make_org, seed_world, temp_password


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
