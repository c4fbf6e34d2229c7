"""Fixtures for monitoring tests: real HTTP/HTTPS targets on loopback, a local CA, a webhook sink."""

from __future__ import annotations

import json
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalicelib.local.targets import TargetServer, server_context
from tests.support import make_org
from tests.support.lambdas import lambda_context, scheduled_event

NOW = datetime(2026, 11, 2, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def ca():
    import trustme

    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    path.write_bytes(ca.cert_pem.bytes())
    return str(path)


@pytest.fixture(scope="session")
def web():
    server = TargetServer().start()
    yield server
    server.stop()


def _tls_server(ctx: ssl.SSLContext):
    return TargetServer(ctx).start()


@pytest.fixture(scope="session")
def tls(ca):
    """HTTPS targets: good (5 days left), expired, wrong host name, self-signed (untrusted)."""
    import trustme

    real_now = datetime.now(UTC)
    servers = {
        "good": _tls_server(
            server_context(ca, "127.0.0.1", not_after=real_now + timedelta(days=5, hours=12))
        ),
        "long": _tls_server(
            server_context(ca, "127.0.0.1", not_after=real_now + timedelta(days=40, hours=12))
        ),
        "expired": _tls_server(
            server_context(
                ca,
                "127.0.0.1",
                not_before=real_now - timedelta(days=90),
                not_after=real_now - timedelta(days=2),
            )
        ),
        "wrong_name": _tls_server(server_context(ca, "other.example")),
        "self_signed": _tls_server(server_context(trustme.CA(), "127.0.0.1")),
    }
    yield servers
    for s in servers.values():
        s.stop()


@pytest.fixture
def guard(monkeypatch, ca_file):
    """Loopback 127.0.0.1 allowed (and nothing else), the local CA trusted, short timeouts."""
    monkeypatch.setenv("VIGIL_CHECK_ALLOW_CIDRS", "127.0.0.1/32")
    monkeypatch.setenv("VIGIL_CHECK_CA_FILE", ca_file)
    monkeypatch.setenv("VIGIL_CHECK_TIMEOUT_S", "1.5")


class Sink:
    """A webhook receiver on loopback that keeps what it was sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                sink.received.append({"headers": dict(self.headers), "raw": body, "json": json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture
def sink():
    s = Sink()
    yield s
    s.stop()


@pytest.fixture
def customer(api):
    """An independent org on trial with admin a@kunde.example.com, its token."""
    org_id = make_org("Kunde GmbH", "a@kunde.example.com", language="de")
    return org_id, api.login("a@kunde.example.com")


def set_plan(org_id: str, plan: str = "professional", status: str = "active") -> None:
    from chalicelib.billing.models import Subscription

    sub = Subscription.get(*Subscription.key(org_id))
    sub.update(actions=[Subscription.plan.set(plan), Subscription.status.set(status)])


def run_minute(app_obj: Any = None) -> dict[str, int]:
    """One scheduler tick: the dispatcher, then the queue delivered to the worker."""
    from app import app
    from chalicelib.local.scheduler import pump_sqs
    from chalicelib.monitoring.jobs import dispatch_checks

    event = scheduled_event("dispatch_checks")
    result = dict(dispatch_checks(event, lambda_context("dispatch_checks", timeout_s=60)))
    result["handled"] = pump_sqs(app_obj or app)
    return result
