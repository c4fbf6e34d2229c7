"""Rate limits (reports, invites), login throttling and no user enumeration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import clock
from tests.support import PASSWORD, make_org, seed_world


@pytest.fixture
def start() -> datetime:
    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    clock.set_now(now)
    return now


def _login(api, email: str, password: str, ip: str | None = None):
    return api.post("/auth/login", json_body={"email": email, "password": password})


def test_unknown_and_known_e_mail_get_the_same_login_answer(api, start) -> None:
    make_org("Solo GmbH", "solo@example.com")
    known = _login(api, "solo@example.com", "wrong-Passwort-1")
    unknown = _login(api, "niemand@example.com", "wrong-Passwort-1")
    assert known.status == unknown.status == 401
    assert known.raw == unknown.raw


def test_login_is_throttled_after_repeated_failures_for_known_and_unknown_e_mails(
    api, start, monkeypatch
) -> None:
    monkeypatch.setenv("VIGIL_RATE_LOGIN_EMAIL", "3/900")
    make_org("Solo GmbH", "solo@example.com")
    answers = {}
    for email in ("solo@example.com", "niemand@example.com"):
        for _ in range(3):
            assert _login(api, email, "wrong-Passwort-1").status == 401
        answers[email] = _login(api, email, PASSWORD)  # even the right password now waits
    known, unknown = answers["solo@example.com"], answers["niemand@example.com"]
    assert known.status == unknown.status == 429, (known, unknown)
    assert known.raw == unknown.raw
    assert 0 < int(known.headers["Retry-After"]) <= 900
    # after the window the right password works again
    clock.advance(timedelta(seconds=int(known.headers["Retry-After"])))
    assert _login(api, "solo@example.com", PASSWORD).status == 200


def test_login_is_throttled_per_source_address_across_e_mails(api, start, monkeypatch) -> None:
    monkeypatch.setenv("VIGIL_RATE_LOGIN_IP", "4/600")
    make_org("Solo GmbH", "solo@example.com")
    for i in range(4):
        assert _login(api, f"probe{i}@example.com", "wrong-Passwort-1").status == 401
    r = _login(api, "solo@example.com", PASSWORD)
    assert r.status == 429 and r.headers.get("Retry-After"), r


def test_signup_answers_the_same_for_a_taken_and_a_new_address(api, start) -> None:
    make_org("Solo GmbH", "solo@example.com")
    org = {"name": "Neu GmbH", "language": "de"}
    taken = api.post("/signup", json_body={"email": "solo@example.com", "password": PASSWORD, "org": org})
    new = api.post("/signup", json_body={"email": "frei@example.com", "password": PASSWORD, "org": org})
    assert taken.status == new.status == 202, (taken, new)
    assert taken.raw == new.raw


def test_invite_answers_the_same_for_an_existing_and_a_new_user(api, start) -> None:
    w = seed_world(api)
    existing = api.post(
        f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "other@example.com", "role": "guest"}
    )
    new = api.post(
        f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "neu@example.com", "role": "guest"}
    )
    assert existing.status == new.status == 201

    def shape(body):
        return {k: v for k, v in body.items() if k not in ("user_id", "email")}

    assert shape(existing.json) == shape(new.json)


def test_member_invites_are_limited_per_org(api, start, monkeypatch) -> None:
    monkeypatch.setenv("VIGIL_RATE_INVITES", "3/3600")
    w = seed_world(api)
    for i in range(3):
        r = api.post(
            f"/orgs/{w.customer_id}/members", w.partner_token, {"email": f"m{i}@example.com", "role": "guest"}
        )
        assert r.status == 201, r
    r = api.post(
        f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "m9@example.com", "role": "guest"}
    )
    assert r.status == 429 and 0 < int(r.headers["Retry-After"]) <= 3600, r
    assert r.headers["Content-Type"] == "application/problem+json"
    assert "m9@example.com" not in {
        m["email"] for m in api.get(f"/orgs/{w.customer_id}/members", w.partner_token).json["items"]
    }
    # another org has its own budget
    assert (
        api.post(
            f"/orgs/{w.partner_id}/members", w.partner_token, {"email": "m9@example.com", "role": "guest"}
        ).status
        == 201
    )
    clock.advance(timedelta(hours=1))
    assert (
        api.post(
            f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "m9@example.com", "role": "guest"}
        ).status
        == 201
    )


def test_report_generation_is_limited_per_org(api, start, monkeypatch) -> None:
    from chalicelib import errors
    from tests.security.world import make_report

    monkeypatch.setenv("VIGIL_RATE_REPORTS", "2/3600")
    w = seed_world(api)
    make_report(api, w.partner_token, w.customer_id, "ep1")
    make_report(api, w.partner_token, w.customer_id, "ep1")
    with pytest.raises(errors.TooManyRequests) as refused:
        make_report(api, w.partner_token, w.customer_id, "ep1")
    assert 0 < int(refused.value.headers["Retry-After"]) <= 3600
    assert len(api.get(f"/orgs/{w.customer_id}/reports", w.partner_token).json["items"]) == 2
    make_report(api, w.partner_token, w.partner_id, "ep1")  # the partner's own org: own budget
