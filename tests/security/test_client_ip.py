"""The client address behind CloudFront: `x-vigil-client-ip` counts only with the origin secret.

CloudFront's viewer-request function writes the viewer's address into `x-vigil-client-ip` and the
distribution adds `x-vigil-origin-secret`; API Gateway itself sees only the edge's address
(`sourceIp`, 127.0.0.1 in chalice's test client). Anyone calling the regional endpoint directly
can send either header, but not the secret.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from chalicelib import clock
from tests.support import PASSWORD, make_org

SECRET = "s3cr3t-0f-the-distribution-4f9a1c"


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set_now(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    monkeypatch.setenv("VIGIL_ORIGIN_SECRET", SECRET)
    monkeypatch.setenv("VIGIL_RATE_LOGIN_IP", "3/600")
    monkeypatch.setenv("VIGIL_RATE_LOGIN_EMAIL", "100/600")
    make_org("Solo GmbH", "solo@example.com")


def _login(api, email: str, password: str, headers: dict[str, str] | None = None):
    return api.post("/auth/login", json_body={"email": email, "password": password}, headers=headers)


def _via_cloudfront(ip: str, secret: str = SECRET) -> dict[str, str]:
    return {"x-vigil-client-ip": ip, "x-vigil-origin-secret": secret}


def test_with_the_origin_secret_the_forwarded_address_is_throttled_not_the_edge(api) -> None:
    for i in range(3):
        assert (
            _login(api, f"probe{i}@example.com", "wrong-Passwort-1", _via_cloudfront("203.0.113.7")).status
            == 401
        )
    blocked = _login(api, "solo@example.com", PASSWORD, _via_cloudfront("203.0.113.7"))
    assert blocked.status == 429 and blocked.headers.get("Retry-After"), blocked
    # Another viewer behind the same edge (same sourceIp) is not locked out by the first one.
    assert _login(api, "solo@example.com", PASSWORD, _via_cloudfront("198.51.100.20")).status == 200
    assert _login(api, "solo@example.com", PASSWORD).status == 200  # nor is the edge address itself


@pytest.mark.parametrize("headers", [{"x-vigil-client-ip": "x"}, _via_cloudfront("x", "wrong-secret")])
def test_without_or_with_a_wrong_secret_the_header_is_ignored(api, headers: dict[str, str]) -> None:
    # Every attempt names a fresh address, and all of them count against the real source address.
    for i in range(3):
        spoofed = {k: (f"192.0.2.{i}" if v == "x" else v) for k, v in headers.items()}
        assert _login(api, f"probe{i}@example.com", "wrong-Passwort-1", spoofed).status == 401
    spoofed = {k: ("192.0.2.99" if v == "x" else v) for k, v in headers.items()}
    r = _login(api, "solo@example.com", PASSWORD, spoofed)
    assert r.status == 429, r
    assert _login(api, "solo@example.com", PASSWORD).status == 429  # the same counter: 127.0.0.1


def test_without_a_configured_secret_no_header_is_trusted(api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIGIL_ORIGIN_SECRET")
    for i in range(3):
        forged = _via_cloudfront(f"192.0.2.{i}", "")
        assert _login(api, f"probe{i}@example.com", "wrong-Passwort-1", forged).status == 401
    assert _login(api, "solo@example.com", PASSWORD, _via_cloudfront("192.0.2.50", "")).status == 429


def test_the_access_log_names_the_client_address(api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="vigil.access"):
        _login(api, "solo@example.com", PASSWORD, _via_cloudfront("203.0.113.9"))
        _login(api, "solo@example.com", PASSWORD, _via_cloudfront("203.0.113.10", "wrong"))
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "vigil.access"]
    assert [(line["ip"], line["method"], line["path"], line["status"]) for line in lines] == [
        ("203.0.113.9", "POST", "/auth/login", 200),
        ("127.0.0.1", "POST", "/auth/login", 200),
    ]
