"""Login flows: no account enumeration, refresh, the new-password challenge."""

from __future__ import annotations

from tests.support import PASSWORD, make_org
from tests.support.api import error_fields


def test_login_errors_do_not_reveal_accounts(api):
    make_org("Login GmbH", "login@example.com")
    wrong = api.post("/auth/login", json_body={"email": "login@example.com", "password": "Wrong-Pass-1!"})
    unknown = api.post("/auth/login", json_body={"email": "nobody@example.com", "password": "Wrong-Pass-1!"})
    assert wrong.status == unknown.status == 401
    assert wrong.json["detail"] == unknown.json["detail"]


def test_refresh_gives_new_working_tokens(api):
    make_org("Refresh GmbH", "refresh@example.com")
    tokens = api.post("/auth/login", json_body={"email": "refresh@example.com", "password": PASSWORD}).json
    r = api.post("/auth/refresh", json_body={"refresh_token": tokens["refresh_token"]})
    assert r.status == 200, r
    assert api.get("/me", r.json["id_token"]).status == 200
    assert api.post("/auth/refresh", json_body={"refresh_token": "bogus"}).status == 401


def test_new_password_rejects_weak_password_and_bad_session(api):
    r = api.post(
        "/auth/new-password", json_body={"email": "a@example.com", "session": "x", "new_password": "weak"}
    )
    assert r.status == 400 and "new_password" in error_fields(r.json)
    r = api.post(
        "/auth/new-password",
        json_body={"email": "a@example.com", "session": "x" * 40, "new_password": PASSWORD},
    )
    assert r.status == 401, r
