"""Password reset: a code by mail in the user's language, one use, sessions ended afterwards."""

from __future__ import annotations

import time

from tests.support import PASSWORD, mails, make_org
from tests.support.api import error_fields
from tests.support.mail import reset_code

NEW_PASSWORD = "Neues-Passwort-2026!"


def _forgot(api, email, **headers):
    return api.post("/auth/forgot-password", json_body={"email": email}, headers=headers)


def _reset(api, email, code, password=NEW_PASSWORD):
    return api.post(
        "/auth/reset-password", json_body={"email": email, "code": code, "new_password": password}
    )


def _after_reset_second() -> None:
    """Token times have one-second resolution: a login in the reset's own second is refused too
    (sessions.py), so the new login waits for the next second."""
    time.sleep(1.05 - time.time() % 1)


def test_reset_by_mailed_code_ends_old_sessions(api):
    make_org("Vergessen GmbH", "vergesslich@example.com")
    old = api.post("/auth/login", json_body={"email": "vergesslich@example.com", "password": PASSWORD}).json
    assert api.get("/me", old["id_token"]).status == 200

    r = _forgot(api, "vergesslich@example.com")
    assert r.status == 202, r
    [mail] = mails("vergesslich@example.com")
    assert mail.subject == "Vigil: Ihr Code zum Zurücksetzen des Passworts"
    assert "Passwort vergessen?" in mail.text and "reset" not in mail.text.lower()
    code = reset_code(mail.text)

    assert _reset(api, "vergesslich@example.com", code).status == 204
    # every earlier session is over: id token, access token and refresh token
    refused = api.get("/me", old["id_token"])
    assert refused.status == 401 and refused.json["status"] == 401, refused
    assert api.get("/me", old["access_token"]).status == 401
    assert api.post("/auth/refresh", json_body={"refresh_token": old["refresh_token"]}).status == 401
    assert any(m.subject == "Vigil: Ihr Passwort wurde geändert" for m in mails("vergesslich@example.com"))
    # the code is single use, the old password is gone, the new one works
    assert _reset(api, "vergesslich@example.com", code, "Noch-Ein-Passwort-9!").status == 400
    login = {"email": "vergesslich@example.com", "password": PASSWORD}
    assert api.post("/auth/login", json_body=login).status == 401
    _after_reset_second()
    token = api.login("vergesslich@example.com", NEW_PASSWORD)
    assert api.get("/me", token).status == 200


def test_old_token_is_refused_inside_the_org_too(api):
    org = make_org("Sitzung GmbH", "sitzung@example.com")
    token = api.login("sitzung@example.com")
    assert api.get(f"/orgs/{org}", token).status == 200
    _forgot(api, "sitzung@example.com")
    assert _reset(api, "sitzung@example.com", reset_code(mails("sitzung@example.com")[0].text)).status == 204
    assert api.get(f"/orgs/{org}", token).status == 401
    assert api.patch(f"/orgs/{org}", token, {"name": "Übernommen"}).status == 401


def test_forgot_answers_alike_for_unknown_addresses_and_mails_only_real_accounts(api):
    make_org("Bekannt GmbH", "bekannt@example.com")
    known = _forgot(api, "bekannt@example.com")
    unknown = _forgot(api, "unbekannt@example.com")
    assert known.status == unknown.status == 202
    assert known.json == unknown.json
    assert len(mails("bekannt@example.com")) == 1
    assert mails("unbekannt@example.com") == []


def test_mail_is_english_for_a_user_of_english_orgs(api):
    make_org("English Ltd", "english@example.com", language="en")
    assert _forgot(api, "english@example.com").status == 202
    [mail] = mails("english@example.com")
    assert mail.subject == "Vigil: your password reset code"
    assert _reset(api, "english@example.com", reset_code(mail.text)).status == 204


def test_wrong_expired_and_exhausted_codes_are_refused(api):
    from datetime import timedelta

    from chalicelib import clock

    make_org("Falsch GmbH", "falsch@example.com")
    _forgot(api, "falsch@example.com")
    code = reset_code(mails("falsch@example.com")[0].text)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    r = _reset(api, "falsch@example.com", wrong)
    assert r.status == 400, r
    assert _reset(api, "nobody@example.com", code).status == 400  # same answer, no account
    # after 30 minutes the right code is expired
    clock.advance(timedelta(minutes=31))
    assert _reset(api, "falsch@example.com", code).status == 400
    # a fresh code dies after 5 wrong attempts, even for the right code afterwards
    clock.advance(timedelta(minutes=16))  # a new throttle window
    _forgot(api, "falsch@example.com")
    fresh = reset_code(mails("falsch@example.com")[-1].text)
    for i in range(4):
        assert _reset(api, "falsch@example.com", f"{(int(fresh) + 1 + i) % 10**8:08d}").status == 400
    clock.advance(timedelta(minutes=16))
    assert _reset(api, "falsch@example.com", f"{(int(fresh) + 7) % 10**8:08d}").status == 400
    assert _reset(api, "falsch@example.com", fresh).status == 400
    assert (
        api.post("/auth/login", json_body={"email": "falsch@example.com", "password": PASSWORD}).status == 200
    )


def test_bad_input_is_refused_before_anything_is_stored(api):
    make_org("Eingabe GmbH", "eingabe@example.com")
    r = _reset(api, "eingabe@example.com", "１２３４５６７８")  # full-width digits
    assert r.status == 400 and "code" in error_fields(r.json), r
    r = _reset(api, "eingabe@example.com", "12345678", "schwach")
    assert r.status == 400 and "new_password" in error_fields(r.json), r
    r = api.post("/auth/forgot-password", json_body={"email": "kein-mail"})
    assert r.status == 400 and "email" in error_fields(r.json), r
    assert mails() == []


def test_forgot_and_reset_are_throttled_per_address(api):
    make_org("Drossel GmbH", "drossel@example.com")
    answers = [_forgot(api, "drossel@example.com").status for _ in range(4)]
    assert answers == [202, 202, 202, 429]
    assert len(mails("drossel@example.com")) == 3
    statuses = [_reset(api, "drossel@example.com", f"{i:08d}").status for i in range(6)]
    assert statuses[-1] == 429 and statuses[:5] == [400] * 5
    r = _reset(api, "drossel@example.com", "00000009")
    assert r.status == 429 and int(r.headers["Retry-After"]) > 0
