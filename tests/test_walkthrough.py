"""The seed's partner walkthrough, end to end through the API (moto behind it)."""

from __future__ import annotations

from chalicelib.team.models import Membership
from tests.support import PASSWORD, mails, seed_world, temp_password


def test_partner_walkthrough(api):
    # GIVEN the partner SteineundUnkraut logged in, with its linked customer created on trial
    w = seed_world(api)
    customer = api.get(f"/orgs/{w.customer_id}", w.partner_token)
    assert customer.status == 200, customer
    assert customer.json["linked"] is True and customer.json["partner_id"] == w.partner_id
    assert customer.json["role"] == "partner"
    assert customer.json["subscription"]["plan"] == "trial"
    assert customer.json["subscription"]["status"] == "trialing"

    # THEN /me lists the customer under the partner role ("Weitere Organisationen")
    me = api.get("/me", w.partner_token).json
    assert {
        "id": w.customer_id,
        "name": "Innendekoration Stein & Mehr",
        "role": "partner",
        "kind": "customer",
        "partner_id": w.partner_id,
    } in me["orgs"]

    # WHEN the partner adds a guest and an admin to the customer
    for email, role in (("gast@stein-mehr.example", "guest"), ("chef@stein-mehr.example", "admin")):
        r = api.post(f"/orgs/{w.customer_id}/members", w.partner_token, {"email": email, "role": role})
        assert r.status == 201, r
        assert r.json["role"] == role

    # THEN both got an invitation naming the org and role, with a working temporary password
    tokens = {}
    for email in ("gast@stein-mehr.example", "chef@stein-mehr.example"):
        (mail,) = mails(email)
        assert "Innendekoration Stein & Mehr" in mail.subject
        assert "http://console.test/" in mail.text
        tokens[email] = api.first_login(email, temp_password(mail.text))
    guest, cadmin = tokens["gast@stein-mehr.example"], tokens["chef@stein-mehr.example"]
    # and the new password works for a normal login afterwards
    assert api.login("gast@stein-mehr.example", PASSWORD)

    # stored: memberships with the right roles, the partner is not a member
    stored = {
        m.email: m.role for m in Membership.query(f"ORG#{w.customer_id}", Membership.sk.startswith("MEMBER#"))
    }
    assert stored == {"gast@stein-mehr.example": "guest", "chef@stein-mehr.example": "admin"}

    # THEN the guest reads, but every write is 403
    assert api.get(f"/orgs/{w.customer_id}", guest).status == 200
    assert api.get(f"/orgs/{w.customer_id}/members", guest).status == 200
    writes = [
        ("PATCH", f"/orgs/{w.customer_id}", {"name": "X"}),
        ("POST", f"/orgs/{w.customer_id}/members", {"email": "x@example.com", "role": "guest"}),
        ("PATCH", f"/orgs/{w.customer_id}/members/someone", {"role": "admin"}),
        ("DELETE", f"/orgs/{w.customer_id}/members/someone", None),
    ]
    for method, path, body in writes:
        r = api.call(method, path, guest, json_body=body)
        assert r.status == 403, (method, path, r)
        assert r.headers["Content-Type"] == "application/problem+json"

    # THEN the customer admin can work in the org but cannot see the subscription
    assert api.patch(f"/orgs/{w.customer_id}", cadmin, {"language": "en"}).status == 200
    assert api.get(f"/orgs/{w.customer_id}/subscription", cadmin).status == 403
    assert "subscription" not in api.get(f"/orgs/{w.customer_id}", cadmin).json
    assert api.get(f"/orgs/{w.customer_id}/subscription", w.partner_token).status == 200

    # THEN a user of another org gets 404 on everything of this org
    for method, path, body in [
        ("GET", f"/orgs/{w.customer_id}", None),
        ("GET", f"/orgs/{w.customer_id}/members", None),
        ("GET", f"/orgs/{w.customer_id}/subscription", None),
        ("GET", f"/orgs/{w.customer_id}/incidents", None),
        ("PATCH", f"/orgs/{w.customer_id}", {"name": "X"}),
        ("POST", f"/orgs/{w.customer_id}/members", {"email": "y@example.com", "role": "admin"}),
    ]:
        r = api.call(method, path, w.other_token, json_body=body)
        assert r.status == 404, (method, path, r)


def test_customer_admin_sees_partner_only_through_link(api):
    w = seed_world(api)
    # the other partner's admin is not the partner of this customer
    assert api.get(f"/orgs/{w.customer_id}", w.other_token).status == 404
    assert api.get(f"/orgs/{w.partner_id}/customers", w.other_token).status == 404
    customers = api.get(f"/orgs/{w.partner_id}/customers", w.partner_token).json["items"]
    assert [c["name"] for c in customers] == ["Innendekoration Stein & Mehr"]
    assert customers[0]["plan"] == "trial" and customers[0]["status"] == "trialing"
