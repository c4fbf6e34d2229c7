"""Shared setup for benchmarks: the same embedded AWS and bootstrap as the tests."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

BENCH_ENV = {
    "VIGIL_STAGE": "local",
    "VIGIL_PREFIX": "vigil-bench",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
}


def prepare_env() -> None:
    os.environ.update(BENCH_ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)


@contextlib.contextmanager
def emulated_aws() -> Iterator[None]:
    """moto in-process with every table, bucket and the user pool; JWKS served on a port."""
    prepare_env()
    import socket

    import moto
    from moto.server import ThreadedMotoServer

    from chalicelib import aws
    from chalicelib.local.bootstrap import bootstrap

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ["VIGIL_JWKS_URL"] = f"http://127.0.0.1:{port}/{{pool_id}}/.well-known/jwks.json"
    aws.reset_clients()
    try:
        with moto.mock_aws():
            bootstrap()
            yield
    finally:
        server.stop()
