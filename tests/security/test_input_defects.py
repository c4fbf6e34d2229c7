"""Inputs the fuzzer found to break things, pinned down as plain tests."""

from __future__ import annotations

import pytest

from tests.support import PASSWORD, mails, seed_world
from tests.support.api import error_fields


@pytest.mark.parametrize("name", ["Stein\nBcc: x@evil.example", "Stein\r\nMehr", "Stein\x00", "Tab\there"])
def test_names_with_control_characters_are_refused(api, name) -> None:
    w = seed_world(api)
    r = api.patch(f"/orgs/{w.customer_id}", w.partner_token, {"name": name})
    assert r.status == 400 and "name" in error_fields(r.json), r
    r = api.post(
        f"/orgs/{w.customer_id}/endpoints",
        w.partner_token,
        {"name": name, "url": "https://shop.example.com/"},
    )
    assert r.status == 400 and "name" in error_fields(r.json), r
    # the invitation mail (org name in its subject) still goes out
    r = api.post(
        f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "neu@example.com", "role": "guest"}
    )
    assert r.status == 201, r
    assert len(mails("neu@example.com")) == 1


def test_an_address_the_pool_refuses_is_a_400_on_signup_not_a_failed_login(api) -> None:
    r = api.post(
        "/signup",
        json_body={"email": "'/*}frcyp%@ni261.io", "password": PASSWORD, "org": {"name": "Neu GmbH"}},
    )
    assert r.status == 400 and "email" in error_fields(r.json), r  # was 401 "wrong password"
