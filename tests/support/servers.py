"""Local network helpers: free ports and the app served over real HTTP on loopback."""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
from collections.abc import Iterator


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_app(host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """The app as a real HTTP server (chalice's local server, as ``make run`` serves it) in a
    thread of this process, so it shares the test's moto; yields the base URL.

    The handler sets TCP_NODELAY: chalice writes the headers and the body in two sends, and with
    Nagle's algorithm on the server and delayed ACKs on the client every response with a body
    waited ~40 ms for its second segment (most of the fuzz test's time).
    """
    from chalice.config import Config
    from chalice.local import ChaliceRequestHandler, create_local_server

    from app import app

    class NoDelayHandler(ChaliceRequestHandler):
        disable_nagle_algorithm = True

    config = Config(chalice_stage="local")
    original_class = app.__class__  # create_local_server swaps the class for its own
    server = create_local_server(app, config, host, port)
    server.server.RequestHandlerClass = functools.partial(NoDelayHandler, app_object=app, config=config)
    bound = server.server.server_address[1]
    thread = threading.Thread(target=server.server.serve_forever, name="live-app", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.shutdown()
        server.server.server_close()
        thread.join(timeout=10)
        app.__class__ = original_class
