"""Two-factor authentication (TOTP): enrolment, the login challenge, replay, disabling, and
organisations that require it. Codes are computed with pyotp (RFC 6238) at the business clock."""

from __future__ import annotations

from datetime import timedelta

import pyotp

from chalicelib import clock
from tests.support import PASSWORD, make_org
from tests.support.api import error_fields
from tests.support.stored import audit_actions
from tests.support.world import CUSTOMER_GUEST


def code(secret: str) -> str:
    return str(pyotp.TOTP(secret).at(clock.now()))


def next_step() -> None:
    clock.advance(timedelta(seconds=30))


def enrol(api, token: str) -> str:
    r = api.post("/me/mfa/setup", token)
    assert r.status == 201, r
    secret = r.json["secret"]
    assert api.post("/me/mfa/verify", token, {"code": code(secret)}).status == 200
    next_step()  # the enrolment's code is used up
    return str(secret)


def login(api, email: str, password: str = PASSWORD):
    return api.post("/auth/login", json_body={"email": email, "password": password})


def test_enrol_then_login_needs_the_code(api):
    make_org("Zwei Faktor GmbH", "zf@example.com")
    token = api.login("zf@example.com")
    assert api.get("/me/mfa", token).json == {"enabled": False, "enabled_at": None}

    r = api.post("/me/mfa/setup", token)
    assert r.status == 201, r
    secret = r.json["secret"]
    assert r.json["otpauth_uri"].startswith("otpauth://totp/Vigil:zf%40example.com?secret=")
    assert f"secret={secret}" in r.json["otpauth_uri"] and "issuer=Vigil" in r.json["otpauth_uri"]
    assert r.json["qr_svg"].startswith("data:image/svg+xml")
    # a wrong first code does not enable it
    wrong = f"{(int(code(secret)) + 1) % 10**6:06d}"
    r = api.post("/me/mfa/verify", token, {"code": wrong})
    assert r.status == 400 and "code" in error_fields(r.json), r
    assert api.get("/me/mfa", token).json["enabled"] is False
    r = api.post("/me/mfa/verify", token, {"code": code(secret)})
    assert r.status == 200 and r.json["enabled"] is True, r
    status = api.get("/me/mfa", token).json
    assert status["enabled"] is True and "secret" not in status
    assert api.post("/me/mfa/setup", token).status == 409  # the secret is never answered again

    # login: the password alone gives a challenge, not tokens
    r = login(api, "zf@example.com")
    assert r.status == 200 and r.json["challenge"] == "MFA", r
    assert "id_token" not in r.json and "access_token" not in r.json
    session = r.json["session"]
    assert api.post("/auth/mfa", json_body={"session": session, "code": wrong}).status == 401
    # the code the enrolment used is not accepted again (replay)
    assert api.post("/auth/mfa", json_body={"session": session, "code": code(secret)}).status == 401
    next_step()
    r = api.post("/auth/mfa", json_body={"session": session, "code": code(secret)})
    assert r.status == 200 and "id_token" in r.json, r
    assert api.get("/me", r.json["id_token"]).status == 200
    # the same code again, even with the same session: refused
    assert api.post("/auth/mfa", json_body={"session": session, "code": code(secret)}).status == 401
    # a forged or tampered session is refused
    assert api.post("/auth/mfa", json_body={"session": session[:-4] + "AAAA", "code": "123456"}).status == 401


def test_disable_needs_a_current_code(api):
    make_org("Aus GmbH", "aus@example.com")
    token = api.login("aus@example.com")
    secret = enrol(api, token)
    r = api.delete("/me/mfa", token, json_body={})
    assert r.status == 400 and "code" in error_fields(r.json), r
    wrong = f"{(int(code(secret)) + 1) % 10**6:06d}"
    assert api.delete("/me/mfa", token, json_body={"code": wrong}).status == 400
    assert api.get("/me/mfa", token).json["enabled"] is True
    assert api.delete("/me/mfa", token, json_body={"code": code(secret)}).status == 204
    assert api.get("/me/mfa", token).json["enabled"] is False
    r = login(api, "aus@example.com")
    assert r.status == 200 and "id_token" in r.json, r


def test_code_guessing_is_throttled(api):
    make_org("Raten GmbH", "raten@example.com")
    secret = enrol(api, api.login("raten@example.com"))
    session = login(api, "raten@example.com").json["session"]
    right = code(secret)
    wrong = [f"{(int(right) + i) % 10**6:06d}" for i in range(1, 7)]
    statuses = [api.post("/auth/mfa", json_body={"session": session, "code": c}).status for c in wrong]
    assert statuses == [401] * 5 + [429]
    r = api.post("/auth/mfa", json_body={"session": session, "code": right})
    assert r.status == 429 and int(r.headers["Retry-After"]) > 0


def test_org_requiring_mfa_blocks_members_without_it(api, cast):
    org = cast.customer_id
    # whoever switches it on must have it: no lock-out
    r = api.patch(f"/orgs/{org}", cast.customer_admin, {"require_mfa": True})
    assert r.status == 422 and "require_mfa" in error_fields(r.json), r
    enrol(api, cast.customer_admin)
    r = api.patch(f"/orgs/{org}", cast.customer_admin, {"require_mfa": True})
    assert r.status == 200 and r.json["require_mfa"] is True, r
    assert audit_actions(org)[0] == "org.mfa_policy_changed"
    assert api.patch(f"/orgs/{org}", cast.customer_admin, {"require_mfa": "yes"}).status == 400

    # the guest without MFA: 403 mfa_required in the org, /me and the set-up still open
    for path in (f"/orgs/{org}", f"/orgs/{org}/members"):
        r = api.get(path, cast.customer_guest)
        assert r.status == 403 and r.json["code"] == "mfa_required", r
    assert api.get("/me", cast.customer_guest).status == 200
    # the partner admin acting inside the customer needs it too
    r = api.get(f"/orgs/{org}", cast.partner_token)
    assert r.status == 403 and r.json["code"] == "mfa_required", r
    assert api.get(f"/orgs/{cast.partner_id}", cast.partner_token).status == 200  # own org: no rule
    # an outsider still learns nothing: 404, not 403
    assert api.get(f"/orgs/{org}", cast.other_token).status == 404
    assert api.get(f"/orgs/{org}", cast.independent_admin).status == 404

    guest_secret = enrol(api, cast.customer_guest)
    assert api.get(f"/orgs/{org}", cast.customer_guest).status == 200
    # and the guest's next login asks for the code
    r = login(api, CUSTOMER_GUEST)
    assert r.json["challenge"] == "MFA"
    r = api.post("/auth/mfa", json_body={"session": r.json["session"], "code": code(guest_secret)})
    assert r.status == 200 and api.get(f"/orgs/{org}", r.json["id_token"]).status == 200

    # switched off again (audited), the partner is let in without MFA
    assert api.patch(f"/orgs/{org}", cast.customer_admin, {"require_mfa": False}).json["require_mfa"] is False
    assert audit_actions(org).count("org.mfa_policy_changed") == 2
    assert api.get(f"/orgs/{org}", cast.partner_token).status == 200


def test_partner_org_requiring_mfa_covers_acting_in_its_customers(api, cast):
    partner_secret = enrol(api, cast.partner_token)
    assert partner_secret
    r = api.patch(f"/orgs/{cast.partner_id}", cast.partner_token, {"require_mfa": True})
    assert r.status == 200, r
    # the customer's own admin is not affected by the partner's rule
    assert api.get(f"/orgs/{cast.customer_id}", cast.customer_admin).status == 200
    assert api.get(f"/orgs/{cast.customer_id}", cast.partner_token).status == 200
    assert api.delete("/me/mfa", cast.partner_token, json_body={"code": code(partner_secret)}).status == 204
    r = api.get(f"/orgs/{cast.customer_id}", cast.partner_token)
    assert r.status == 403 and r.json["code"] == "mfa_required", r
