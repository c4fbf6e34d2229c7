"""Test harness: moto around every test, the app driven through ``chalice.test.Client``.

Environment is fixed before anything of the app is imported (PynamoDB fixes table names at
class creation). The user pool's signing keys are served by a moto server on a free port, so
token verification fetches a real JWKS over HTTP exactly as in local mode.
"""

from __future__ import annotations

import os
import socket

os.environ.update(
    {
        "VIGIL_STAGE": "local",
        "VIGIL_PREFIX": "vigil-test",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_REGION": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "VIGIL_CONSOLE_URL": "http://console.test/",
    }
)
for _var in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "VIGIL_JWKS_URL"):
    os.environ.pop(_var, None)

from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import moto  # noqa: E402  — before any botocore client exists
import pytest  # noqa: E402

from tests.support import PASSWORD, Api, World, make_org, seed_world  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def jwks_server() -> str:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}/{{pool_id}}/.well-known/jwks.json"
    os.environ["VIGIL_JWKS_URL"] = url
    yield url
    server.stop()


@pytest.fixture(autouse=True)
def aws(jwks_server: str):
    """A fresh emulated AWS account per test, with every resource the app needs."""
    from chalicelib import aws as aws_clients
    from chalicelib import clock
    from chalicelib.local.bootstrap import bootstrap

    aws_clients.reset_clients()
    with moto.mock_aws():
        resources = bootstrap()
        yield resources
    clock.set_now(None)
    aws_clients.reset_clients()


@pytest.fixture
def client():
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as c:
        yield c


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture
def world(api: Api) -> World:
    return seed_world(api)


@dataclass
class Cast:
    world: World
    customer_admin: str
    customer_guest: str
    independent_id: str
    independent_admin: str

    @property
    def partner(self) -> str:
        return self.world.partner_token


@pytest.fixture
def cast(api: Api) -> Cast:
    """The seed's cast plus a customer admin, a customer guest and an independent org."""
    from chalicelib import admin

    w = seed_world(api)
    admin.add_user(w.customer_id, "chefin@stein-mehr.example", "admin", PASSWORD)
    admin.add_user(w.customer_id, "gast@stein-mehr.example", "guest", PASSWORD)
    independent = make_org("Unabhängig GmbH", "solo@example.com")
    return Cast(
        w,
        api.login("chefin@stein-mehr.example"),
        api.login("gast@stein-mehr.example"),
        independent,
        api.login("solo@example.com"),
    )


@pytest.fixture
def live_api(aws) -> Iterator[str]:
    """The app as a real HTTP server on 127.0.0.1:<free port>, sharing this test's moto."""
    import threading

    from chalice.config import Config
    from chalice.local import create_local_server

    from app import app

    original_class = app.__class__
    server = create_local_server(app, Config(chalice_stage="local"), "127.0.0.1", 0)
    port = server.server.server_address[1]
    thread = threading.Thread(target=server.server.serve_forever, name="live-api", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server.server_close()
        thread.join(timeout=10)
        app.__class__ = original_class  # create_local_server swaps the class for its own
