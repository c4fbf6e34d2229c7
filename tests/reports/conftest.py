"""Fixtures of the report tests: a guest, a logo, real monitoring data (the world: tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support import Api, World, images
from tests.support.world import CUSTOMER_GUEST, add_member

PERIOD_FROM = datetime(2026, 10, 1, tzinfo=UTC)
PERIOD_TO = PERIOD_FROM + timedelta(days=30)


@pytest.fixture
def logo_png() -> bytes:
    """A 150×150 RGB logo with a pattern, so that a pixel mix-up would show."""
    return images.patterned_png()


@pytest.fixture
def guest_token(api: Api, world: World) -> str:
    """A guest of the linked customer org with a permanent password (operator path, so that
    these tests do not depend on the mail path)."""
    add_member(world.customer_id, CUSTOMER_GUEST, "guest")
    return api.login(CUSTOMER_GUEST)


# --- real monitoring data: checks against loopback servers, heartbeats through the API ----------


@pytest.fixture(scope="session")
def report_ca():
    import trustme

    return trustme.CA()


@pytest.fixture(scope="session")
def site(report_ca):
    """An HTTPS site on 127.0.0.1 (local CA, certificate valid 40 more days) with every
    security header; ``site.states[name]`` sets the status of ``/state/<name>``."""
    from chalicelib.local.targets import TargetServer, server_context

    real_now = datetime.now(UTC)
    server = TargetServer(
        server_context(report_ca, "127.0.0.1", not_after=real_now + timedelta(days=40, hours=12))
    ).start()
    yield server
    server.stop()


@pytest.fixture
def checks_allowed(monkeypatch, report_ca, tmp_path):
    """Loopback allowed for checks (and nothing else), the local CA trusted, short timeouts."""
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(report_ca.cert_pem.bytes())
    monkeypatch.setenv("VIGIL_CHECK_ALLOW_CIDRS", "127.0.0.1/32")
    monkeypatch.setenv("VIGIL_CHECK_CA_FILE", str(ca_file))
    monkeypatch.setenv("VIGIL_CHECK_TIMEOUT_S", "3")


def run_checks(
    ticks: int, step: timedelta, site=None, down_ticks: tuple[int, ...] = (), state: str = "shop"
) -> None:
    """``ticks`` scheduler runs ``step`` apart (dispatcher → queue → worker → real HTTP check);
    ``/state/<state>`` answers 500 during the ticks listed in ``down_ticks``."""
    from chalicelib import clock
    from tests.monitoring.conftest import run_minute

    for tick in range(ticks):
        if site is not None:
            site.states[state] = 500 if tick in down_ticks else 200
        run_minute()
        clock.advance(step)
    if site is not None:
        site.states[state] = 200


def create_endpoint(api: Api, org_id: str, token: str, url: str, name: str = "Webshop", **extra) -> dict:
    body = {
        "name": name,
        "url": url,
        "interval_minutes": 5,
        "alert": {"consecutive_failures": 2, "recipients": []},
        "sla_target": "99.5",
        **extra,
    }
    r = api.post(f"/orgs/{org_id}/endpoints", token, body)
    assert r.status == 201, r
    return r.json
