"""Local network helpers: free ports and the app served over real HTTP on loopback."""

from __future__ import annotations

import contextlib
import random
import socket
from collections.abc import Iterator

# Below Linux's ephemeral range (32768–60999): a port handed out by ``bind(port 0)`` elsewhere —
# the other xdist worker's servers, clients' source ports — can never land on one picked here
# between the pick and the subprocess binding it (seen as "Address already in use" in `make run`).
_PICK_FROM, _PICK_TO = 20000, 32767
_PICKER = random.SystemRandom()  # not `random`: pytest-randomly seeds it alike on every worker


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, outside the ephemeral range."""
    for _ in range(200):
        port = _PICKER.randint(_PICK_FROM, _PICK_TO)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_PICK_FROM}-{_PICK_TO}")


@contextlib.contextmanager
def live_app(host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """The app as a real HTTP server (the hardened local server ``make run`` serves) in a thread
    of this process, so it shares the test's moto; yields the base URL."""
    from app import app
    from chalicelib.local.server import serving

    with serving(app, host, port) as server:
        yield server.url
