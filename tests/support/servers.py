"""Local network helpers: free ports and the app served over real HTTP on loopback."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_app(host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """The app as a real HTTP server (the hardened local server ``make run`` serves) in a thread
    of this process, so it shares the test's moto; yields the base URL."""
    from app import app
    from chalicelib.local.server import serving

    with serving(app, host, port) as server:
        yield server.url
