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

import moto  # noqa: E402  — before any botocore client exists
import pytest  # noqa: E402

from tests.support import Api  # noqa: E402


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
