"""Signup proves e-mail ownership: pending until the mailed code is confirmed (issue 14, §1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import clock
from chalicelib.orgs.models import Org, PendingSignup, SignupExpiry
from chalicelib.team.models import EmailIndex
from tests.support import PASSWORD, mails, make_org, seed_world, sign_up, signup_code
from tests.support.api import error_fields
from tests.support.lambdas import invoke

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set_now(START)
    monkeypatch.setenv("VIGIL_SIGNUP_MIN_MS", "0")  # the padding is tested on its own


def _body(
    email: str, name: str = "Neu GmbH", language: str = "de", password: str = PASSWORD
) -> dict[str, Any]:
    return {"email": email, "password": password, "org": {"name": name, "language": language}}


def _pool_user(email: str) -> dict[str, Any] | None:
    from chalicelib import aws, settings

    idp = aws.client("cognito-idp")
    try:
        user = idp.admin_get_user(UserPoolId=settings.user_pool_id(), Username=email)
    except idp.exceptions.UserNotFoundException:
        return None
    return {"enabled": user["Enabled"], **{a["Name"]: a["Value"] for a in user["UserAttributes"]}}


def _exists(model: Any, key: tuple[str, str]) -> bool:
    from pynamodb.exceptions import DoesNotExist

    try:
        model.get(*key, consistent_read=True)
    except DoesNotExist:
        return False
    return True


def _pending_org_id(email: str) -> str:
    return PendingSignup.get(*PendingSignup.key(email)).org_id


def test_signup_is_pending_until_the_mailed_code_is_confirmed(api) -> None:
    r = api.post("/signup", json_body=_body("neu@example.com"))
    assert r.status == 202, r
    org_id = _pending_org_id("neu@example.com")
    # GIVEN a pending signup: login refused exactly like a wrong password, the org invisible
    pending_login = api.post("/auth/login", json_body={"email": "neu@example.com", "password": PASSWORD})
    wrong_password = api.post(
        "/auth/login", json_body={"email": "neu@example.com", "password": "Falsches-Passwort-1"}
    )
    assert pending_login.status == wrong_password.status == 401
    assert pending_login.raw == wrong_password.raw
    assert Org.get(*Org.key(org_id)).status == "pending"
    pool = _pool_user("neu@example.com")
    assert pool is not None and pool["enabled"] is False and pool["email_verified"] == "false"
    assert not _exists(EmailIndex, EmailIndex.key("neu@example.com"))  # no verified account yet
    (mail,) = mails("neu@example.com")
    assert "Bestätigungscode" in mail.subject and "Neu GmbH" in mail.text
    stored = PendingSignup.get(*PendingSignup.key("neu@example.com"))
    assert signup_code("neu@example.com") not in stored.code_hash  # only a keyed hash is stored

    # WHEN the code is confirmed
    r = api.post(
        "/signup/confirm", json_body={"email": "neu@example.com", "code": signup_code("neu@example.com")}
    )
    assert r.status == 200 and r.json["status"] == "confirmed", r

    # THEN the account and the org are active, the signer is its admin on a trial
    token = api.login("neu@example.com")
    me = api.get("/me", token).json
    assert me["user"]["email"] == "neu@example.com"
    assert [(o["id"], o["role"]) for o in me["orgs"]] == [(org_id, "admin")]
    org = api.get(f"/orgs/{org_id}", token)
    assert org.status == 200 and org.json["subscription"]["plan"] == "trial", org
    assert _pool_user("neu@example.com")["email_verified"] == "true"  # type: ignore[index]
    assert not _exists(PendingSignup, PendingSignup.key("neu@example.com"))
    assert any(m.subject == "Willkommen bei Vigil" for m in mails("neu@example.com"))
    # the code works once
    again = api.post(
        "/signup/confirm", json_body={"email": "neu@example.com", "code": signup_code("neu@example.com")}
    )
    assert again.status == 400 and "code" in error_fields(again.json)


def test_wrong_codes_are_counted_and_the_signup_dies_after_five(api) -> None:
    assert api.post("/signup", json_body=_body("neu@example.com", language="en")).status == 202
    code = signup_code("neu@example.com")
    assert "Confirmation code" in mails("neu@example.com")[0].text  # the org's language
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    answers = [
        api.post("/signup/confirm", json_body={"email": "neu@example.com", "code": wrong}) for _ in range(5)
    ]
    assert {a.status for a in answers} == {400}
    # the right code comes too late: the answer is the same as for a wrong one
    late = api.post("/signup/confirm", json_body={"email": "neu@example.com", "code": code})
    assert late.status == 400 and late.raw == answers[0].raw
    unknown = api.post("/signup/confirm", json_body={"email": "niemand@example.com", "code": code})
    assert unknown.status == 400 and unknown.raw == answers[0].raw
    login = api.post("/auth/login", json_body={"email": "neu@example.com", "password": PASSWORD})
    assert login.status == 401


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", "１２３４５６", 123456])
def test_confirm_refuses_malformed_codes(api, code) -> None:
    r = api.post("/signup/confirm", json_body={"email": "neu@example.com", "code": code})
    assert r.status == 400 and "code" in error_fields(r.json), r


def test_an_expired_signup_is_refused_and_purged_with_its_pool_user(api) -> None:
    assert api.post("/signup", json_body=_body("neu@example.com")).status == 202
    org_id = _pending_org_id("neu@example.com")
    code = signup_code("neu@example.com")
    clock.advance(timedelta(hours=24, seconds=1))
    r = api.post("/signup/confirm", json_body={"email": "neu@example.com", "code": code})
    assert r.status == 400, r
    assert invoke("signup_purge") == {"removed": 1}
    assert _pool_user("neu@example.com") is None
    assert not _exists(Org, Org.key(org_id))
    assert not _exists(PendingSignup, PendingSignup.key("neu@example.com"))
    day = (START + timedelta(hours=24)).date()
    assert list(SignupExpiry.query(SignupExpiry.partition(day))) == []
    # the address is free again
    assert sign_up(api, "neu@example.com", "Zweiter Versuch GmbH")


def test_the_purge_leaves_signups_that_are_still_valid_or_confirmed(api) -> None:
    assert api.post("/signup", json_body=_body("offen@example.com")).status == 202
    sign_up(api, "fertig@example.com", "Fertig GmbH")
    assert invoke("signup_purge") == {"removed": 0}
    clock.advance(timedelta(hours=23))
    assert invoke("signup_purge") == {"removed": 0}
    assert _pool_user("offen@example.com") is not None
    clock.advance(timedelta(hours=2))
    assert invoke("signup_purge") == {"removed": 1}
    assert _pool_user("offen@example.com") is None
    assert _pool_user("fertig@example.com") is not None
    api.login("fertig@example.com")


def test_signup_for_a_verified_address_answers_the_same_and_tells_the_owner(api) -> None:
    make_org("Solo GmbH", "solo@example.com")
    taken = api.post("/signup", json_body=_body("solo@example.com", "Fremd GmbH"))
    new = api.post("/signup", json_body=_body("frei@example.com", "Fremd GmbH"))
    assert taken.status == new.status == 202 and taken.raw == new.raw
    assert not _exists(PendingSignup, PendingSignup.key("solo@example.com"))
    (notice,) = mails("solo@example.com")
    assert "Registrierung" in notice.subject and "Bestätigungscode" not in notice.text
    token = api.login("solo@example.com")
    assert [o["name"] for o in api.get("/me", token).json["orgs"]] == ["Solo GmbH"]


def test_a_new_signup_replaces_a_pending_one_for_the_same_address(api) -> None:
    # an attacker pre-registers the address with a password of their own
    assert (
        api.post(
            "/signup", json_body=_body("cfo@victim.example", "Falle GmbH", password="Angreifer-Pw-2026!")
        ).status
        == 202
    )
    trap_org = _pending_org_id("cfo@victim.example")
    # the owner signs up later; the mail carries a new code
    assert api.post("/signup", json_body=_body("cfo@victim.example", "Opfer AG")).status == 202
    assert not _exists(Org, Org.key(trap_org))
    _first, second = mails("cfo@victim.example")
    assert signup_code("cfo@victim.example") in second.text and "Opfer AG" in second.text
    r = api.post(
        "/signup/confirm",
        json_body={"email": "cfo@victim.example", "code": signup_code("cfo@victim.example")},
    )
    assert r.status == 200, r
    assert (
        api.post(
            "/auth/login", json_body={"email": "cfo@victim.example", "password": "Angreifer-Pw-2026!"}
        ).status
        == 401
    )
    token = api.login("cfo@victim.example")
    assert [o["name"] for o in api.get("/me", token).json["orgs"]] == ["Opfer AG"]


def test_pre_hijack_ends_with_the_attacker_outside_the_org(api) -> None:
    """Issue 14 §1: signup with the victim's address, then the victim's admin invites it."""
    w = seed_world(api, team=True)
    attacker_password = "Angreifer-Pw-2026!"
    # GIVEN the attacker signed up with cfo@victim.example and a password of their choosing
    r = api.post("/signup", json_body=_body("cfo@victim.example", "Falle GmbH", password=attacker_password))
    assert r.status == 202
    trap_org = _pending_org_id("cfo@victim.example")
    refused = api.post(
        "/auth/login", json_body={"email": "cfo@victim.example", "password": attacker_password}
    )
    assert refused.status == 401  # not confirmed: no session at all

    # WHEN the customer's admin invites the address as admin
    r = api.post(
        f"/orgs/{w.customer_id}/members", w.customer_admin, {"email": "cfo@victim.example", "role": "admin"}
    )
    assert r.status == 201, r

    # THEN the attacker's password opens nothing, the pending org is gone ...
    after = api.post("/auth/login", json_body={"email": "cfo@victim.example", "password": attacker_password})
    assert after.status == 401
    assert after.raw == refused.raw
    assert not _exists(Org, Org.key(trap_org))
    assert not _exists(PendingSignup, PendingSignup.key("cfo@victim.example"))
    # ... the code the attacker may have guessed at confirms nothing any more ...
    code_mail = mails("cfo@victim.example")[0]
    stale = api.post(
        "/signup/confirm",
        json_body={"email": "cfo@victim.example", "code": signup_code("cfo@victim.example")},
    )
    assert stale.status == 400 and "Bestätigungscode" in code_mail.text
    # ... and only the invitation mail's reader gets in, as admin of the customer org
    from tests.support import temp_password

    invitation = [m for m in mails("cfo@victim.example") if "Einladung" in m.subject][-1]
    token = api.first_login("cfo@victim.example", temp_password(invitation.text), "Opfer-Passwort-2026!")
    me = {o["id"]: o["role"] for o in api.get("/me", token).json["orgs"]}
    assert me == {w.customer_id: "admin"}
    assert (
        api.post(
            "/auth/login", json_body={"email": "cfo@victim.example", "password": attacker_password}
        ).status
        == 401
    )


def test_invite_of_a_pool_user_nobody_verified_is_treated_as_new(api) -> None:
    from chalicelib import aws, settings

    w = seed_world(api, team=True)
    # a pool user without a Vigil user (left by a failed write), password known to someone
    aws.client("cognito-idp").admin_create_user(
        UserPoolId=settings.user_pool_id(),
        Username="lose@example.com",
        TemporaryPassword="Irgendwer-Pw-2026!",
        MessageAction="SUPPRESS",
    )
    r = api.post(
        f"/orgs/{w.customer_id}/members", w.customer_admin, {"email": "lose@example.com", "role": "guest"}
    )
    assert r.status == 201, r
    (invitation,) = mails("lose@example.com")
    assert "Einladung" in invitation.subject
    assert (
        api.post(
            "/auth/login", json_body={"email": "lose@example.com", "password": "Irgendwer-Pw-2026!"}
        ).status
        == 401
    )
    api.first_login("lose@example.com", temp_password_of(invitation.text))


def temp_password_of(text: str) -> str:
    from tests.support import temp_password

    return temp_password(text)


def test_twenty_rapid_signups_for_one_address_send_three_mails(api) -> None:
    """Issue 14 §4: 20 signups for one address in a row → mails sent (the per-address limit)."""
    answers = [api.post("/signup", json_body=_body("ziel@example.com", f"Spam {i} GmbH")) for i in range(20)]
    statuses = [a.status for a in answers]
    assert statuses[:3] == [202] * 3 and set(statuses[3:]) == {429}, statuses
    assert all(0 < int(a.headers["Retry-After"]) <= 3600 for a in answers[3:])
    assert len(mails("ziel@example.com")) == 3


def test_signups_are_limited_per_source_address(api, monkeypatch) -> None:
    monkeypatch.setenv("VIGIL_RATE_SIGNUP_IP", "4/3600")
    statuses = [api.post("/signup", json_body=_body(f"n{i}@example.com")).status for i in range(6)]
    assert statuses == [202] * 4 + [429] * 2
    assert mails("n4@example.com") == mails("n5@example.com") == []


def test_confirmations_are_limited_per_address(api, monkeypatch) -> None:
    monkeypatch.setenv("VIGIL_RATE_SIGNUP_CONFIRM_EMAIL", "3/900")
    assert api.post("/signup", json_body=_body("neu@example.com")).status == 202
    for _ in range(3):
        assert (
            api.post("/signup/confirm", json_body={"email": "neu@example.com", "code": "000000"}).status
            == 400
        )
    r = api.post(
        "/signup/confirm", json_body={"email": "neu@example.com", "code": signup_code("neu@example.com")}
    )
    assert r.status == 429 and r.headers["Retry-After"], r


def test_a_token_without_verified_email_is_not_trusted_for_the_address(api) -> None:
    from chalicelib.auth import tokens

    verified = tokens._verified_email({"email": "A@Example.com", "email_verified": True})
    as_text = tokens._verified_email({"email": "a@example.com", "email_verified": "true"})
    unverified = tokens._verified_email({"email": "a@example.com", "email_verified": False})
    absent = tokens._verified_email({"email": "a@example.com"})
    assert verified == as_text == "a@example.com" and unverified == absent == ""


def test_a_failed_confirmation_write_leaves_the_signup_pending_and_retryable(api) -> None:
    from tests.faults import inject

    assert api.post("/signup", json_body=_body("neu@example.com")).status == 202
    code = signup_code("neu@example.com")
    with inject("dynamodb", "TransactWriteItems", code="InternalServerError"):
        r = api.post("/signup/confirm", json_body={"email": "neu@example.com", "code": code})
    assert r.status == 503, r
    pool = _pool_user("neu@example.com")
    assert pool is not None and pool["enabled"] is False  # disabled again: no login
    assert _exists(PendingSignup, PendingSignup.key("neu@example.com"))
    r = api.post("/signup/confirm", json_body={"email": "neu@example.com", "code": code})
    assert r.status == 200, r
    api.login("neu@example.com")


def test_a_failed_signup_write_removes_its_pool_user(api) -> None:
    from tests.faults import inject

    with inject("dynamodb", "TransactWriteItems", code="InternalServerError"):
        r = api.post("/signup", json_body=_body("neu@example.com"))
    assert r.status == 503, r
    assert _pool_user("neu@example.com") is None
    assert mails("neu@example.com") == []
