"""Test harness: one emulated AWS account per test process, put back between tests; the app
driven through ``chalice.test.Client``.

Environment is fixed before anything of the app is imported (PynamoDB fixes table names at
class creation). The user pool's signing keys are served by a moto server on a free port, so
token verification fetches a real JWKS over HTTP exactly as in local mode.

Markers (pytest.ini):
- ``unit``: a pure-function test; it gets no emulator at all, and any AWS call it makes fails
  (and fails the test)
- ``fresh_aws``: the test gets a newly built account (every moto backend wiped, ``bootstrap()``
  again) instead of the reset one; ``@pytest.mark.fresh_aws(env={...})`` sets environment
  variables before that bootstrap
- ``long``: the test takes many seconds; its file is handed to an xdist worker first
"""

from __future__ import annotations

import os

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
from typing import TYPE_CHECKING, Any  # noqa: E402

import moto  # noqa: E402, F401  — before any botocore client exists
import pytest  # noqa: E402

from tests.support import Api, World, seed_world  # noqa: E402
from tests.support.servers import free_port, live_app  # noqa: E402
from tests.support.world import Scene, build_scene  # noqa: E402

if TYPE_CHECKING:
    from chalicelib.local.bootstrap import Resources
    from tests.support.emulator import Emulator


def pytest_configure(config: pytest.Config) -> None:
    # With -n and --dist loadfile, xdist hands out files with the most tests first, so a file
    # with one 40 s test (the fuzzer) started last and one worker idled while it ran. Keep the
    # collection order instead, in which files with a `long` test come first (below).
    if getattr(config.option, "loadscopereorder", None) is not None:
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `long` first (a stable sort: pytest-randomly's shuffle stays as it is)."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def jwks_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}/{{pool_id}}/.well-known/jwks.json"
    os.environ["VIGIL_JWKS_URL"] = url
    yield url
    server.stop()


@pytest.fixture(scope="session")
def emulator(jwks_server: str) -> Iterator[Emulator]:
    """The emulated AWS account of this test process (one per xdist worker)."""
    from tests.support.emulator import Emulator

    world = Emulator()
    world.start()
    yield world
    world.stop()


@pytest.fixture(autouse=True)
def aws(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Resources | None]:
    """The emulated AWS account with every resource the app needs, as ``bootstrap()`` left it."""
    from chalicelib import clock
    from tests.support.emulator import reset_process_state

    if request.node.get_closest_marker("unit") is not None:
        from tests.faults import inject

        clock.set_now(None)
        with inject("*", code="NoAWSInUnitTests") as fault:
            yield None
        clock.set_now(None)
        assert not fault.calls, f"a unit test called AWS: {fault.calls}"
        return
    world: Emulator = request.getfixturevalue("emulator")
    fresh = request.node.get_closest_marker("fresh_aws")
    if fresh is not None:
        for name, value in fresh.kwargs.get("env", {}).items():
            monkeypatch.setenv(name, value)
        resources = world.fresh()
        world.stale = True  # whatever this test did, the next one gets a rebuilt account
    else:
        resources = world.ready()
    yield resources
    reset_process_state()


@pytest.fixture
def client() -> Iterator[Any]:
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as c:
        yield c


@pytest.fixture
def api(client: Any) -> Api:
    return Api(client)


# --- the shared world (tests/support/world.py) -----------------------------------------------


@pytest.fixture
def world(api: Api) -> World:
    """The seed's world: partner, its linked customer, another partner."""
    return seed_world(api)


@pytest.fixture
def cast(api: Api) -> World:
    """The seed's world plus the customer's own admin and guest and an independent org."""
    return seed_world(api, team=True, independent=True)


@pytest.fixture
def scene(api: Api) -> Scene:
    """Two linked customers of one partner with data everywhere (deletion and purge tests)."""
    return build_scene(api)


@pytest.fixture
def live_api(aws: Resources) -> Iterator[str]:
    """The app as a real HTTP server on 127.0.0.1:<free port>, sharing this test's moto."""
    with live_app() as url:
        yield url
