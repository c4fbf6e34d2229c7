"""``make run``: embedded AWS, the API and the scheduler in one foreground process.

Environment: ``VIGIL_HOST`` (127.0.0.1), ``VIGIL_PORT`` (8000), ``VIGIL_AWS_PORT`` (5555),
``VIGIL_WEB_PORT`` (8080, the console), ``VIGIL_DEMO_PASSWORD`` (printed),
``VIGIL_CHECK_ALLOW_CIDRS`` (added to the loopback allowance the demo targets need).
Ctrl-C or SIGTERM stops everything.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from types import FrameType
from typing import Any

DEFAULT_DEMO_PASSWORD = "Vigil-Demo-2026!"
#: How often the main thread looks at the stop flag, and how long the stop may take at most.
POLL_SECONDS = 0.2
SHUTDOWN_SECONDS = 15.0


class StopFlag:
    """Set from the SIGINT/SIGTERM handler, polled by the main thread.

    The handler does one plain attribute write and nothing else. A handler runs in the main thread
    between two bytecodes of whatever it interrupted: one that takes a lock (``Event.set`` does,
    and so do ``print`` and ``logging``) deadlocks when a second signal lands while the first
    handler holds that lock, which is how Ctrl-C pressed twice hung ``make run``.
    """

    def __init__(self) -> None:
        self.requested = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True

    def install(self) -> None:
        signal.signal(signal.SIGINT, self.handle)
        signal.signal(signal.SIGTERM, self.handle)

    def wait(self, poll_seconds: float = POLL_SECONDS) -> None:
        while not self.requested:
            time.sleep(poll_seconds)


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _configure_env(host: str, port: int, aws_port: int, web_port: int) -> None:
    os.environ.update(
        {
            "VIGIL_STAGE": "local",
            "VIGIL_PREFIX": os.environ.get("VIGIL_PREFIX", "vigil-local"),
            "AWS_ENDPOINT_URL": f"http://{host}:{aws_port}",
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-central-1"),
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "VIGIL_CONSOLE_URL": os.environ.get("VIGIL_CONSOLE_URL", f"http://{host}:{web_port}/"),
            # the agent's install command names the API (the console now has its own port)
            "VIGIL_API_URL": os.environ.get("VIGIL_API_URL", f"http://{host}:{port}"),
        }
    )
    os.environ.setdefault("AWS_REGION", os.environ["AWS_DEFAULT_REGION"])
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    origins = os.environ.get("VIGIL_CORS_ORIGINS", "")
    # The console's origin comes first: chalice answers preflights with the first origin only.
    os.environ["VIGIL_CORS_ORIGINS"] = ",".join(
        o
        for o in [
            f"http://{host}:{web_port}",
            f"http://localhost:{web_port}",
            f"http://{host}:{port}",
            f"http://localhost:{port}",
            origins,
        ]
        if o
    )


def main() -> int:
    logging.basicConfig(
        level=os.environ.get("VIGIL_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("werkzeug", "botocore", "urllib3", "pynamodb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    host = os.environ.get("VIGIL_HOST", "127.0.0.1")
    port = int(os.environ.get("VIGIL_PORT", "8000"))
    aws_port = int(os.environ.get("VIGIL_AWS_PORT", "5555"))
    web_port = int(os.environ.get("VIGIL_WEB_PORT", "8080"))
    password = os.environ.get("VIGIL_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    for name, p in (("VIGIL_PORT", port), ("VIGIL_AWS_PORT", aws_port), ("VIGIL_WEB_PORT", web_port)):
        if not _port_free(host, p):
            print(
                f"error: port {p} on {host} is in use ({name}); stop what uses it or set "
                f"{name} to a free port.",
                file=sys.stderr,
            )
            return 2
    _configure_env(host, port, aws_port, web_port)

    from moto.server import ThreadedMotoServer

    stop = StopFlag()
    moto_server = ThreadedMotoServer(ip_address=host, port=aws_port, verbose=False)
    moto_server.start()
    api_server: Any = None
    web_server: Any = None
    scheduler: Any = None
    targets: Any = None
    try:
        from chalicelib.local.bootstrap import bootstrap
        from chalicelib.local.seed import seed
        from chalicelib.local.targets import start_demo

        targets = start_demo(host="127.0.0.1")
        _allow_demo_targets(targets.ca_file)
        bootstrap()
        demo = seed(password, endpoints=targets.endpoints)

        from app import app
        from chalicelib.local.scheduler import LocalScheduler
        from chalicelib.local.server import create_server

        api_server = create_server(app, host, port)
        # From here on a signal only sets the flag (before, Ctrl-C interrupts the start-up as usual):
        # installed before the API answers, so whoever sees it up can stop it cleanly.
        stop.install()
        threading.Thread(target=api_server.serve_forever, name="vigil-api", daemon=True).start()
        from chalicelib.local import web

        web_server = web.start(host, web_port, f"http://{host}:{port}")
        if os.environ.get("VIGIL_SCHEDULER", "on") != "off":
            scheduler = LocalScheduler(app)
            scheduler.start()
        _banner(host, port, aws_port, web_port, password, demo)
        stop.wait()
        print("\nstopping …", flush=True)
    finally:
        _watchdog(SHUTDOWN_SECONDS)
        if scheduler is not None:
            scheduler.stop()
        if web_server is not None:
            web_server.shutdown()
            web_server.server_close()
        if api_server is not None:
            api_server.shutdown()
        if targets is not None:
            targets.stop()
        moto_server.stop()
    print("stopped.", flush=True)
    return 0


def _watchdog(seconds: float) -> None:
    """End the process if stopping takes longer than ``seconds`` (a stuck thread must not turn
    Ctrl-C into a hang)."""

    def expire() -> None:
        time.sleep(seconds)
        print(f"error: stopping took longer than {seconds:g} s; exiting anyway.", file=sys.stderr, flush=True)
        os._exit(1)

    threading.Thread(target=expire, name="vigil-stop-watchdog", daemon=True).start()


def _allow_demo_targets(ca_file: str) -> None:
    """Local mode only: the SSRF guard lets checks reach the loopback demo targets (plus any
    ranges given in ``VIGIL_CHECK_ALLOW_CIDRS``) and trusts the demo CA."""
    given = os.environ.get("VIGIL_CHECK_ALLOW_CIDRS", "")
    os.environ["VIGIL_CHECK_ALLOW_CIDRS"] = ",".join(c for c in ("127.0.0.1/32", given) if c)
    os.environ["VIGIL_CHECK_CA_FILE"] = ca_file


def _banner(host: str, port: int, aws_port: int, web_port: int, password: str, demo: Any) -> None:
    url = f"http://{host}:{port}"
    print(
        f"""
============================================================================
 Vigil is running (local mode, embedded AWS on {host}:{aws_port})

 Console        http://{host}:{web_port}/      (log in with a demo login below)
 API            {url}          (health: {url}/health, OpenAPI: {url}/openapi.json)

 Demo logins    password for both: {password}
   partner@example.com  admin of "SteineundUnkraut GmbH" (partner)
   kunde@example.com    admin of "Innendekoration Stein & Mehr" (linked customer)

 Try            curl -s -X POST {url}/auth/login -H 'Content-Type: application/json' \\
                  -d '{{"email":"partner@example.com","password":"{password}"}}'

 Monitoring     demo endpoints (healthy, slow, flaky, missing headers, down, certificate
                expiring in 5 days) are checked within a minute: GET /orgs/<id>/endpoints,
                …/endpoints/<id>/status, /orgs/<id>/incidents
 Sent mail      make mail      (or: {url.replace(str(port), str(aws_port))}/moto-api/data.json)
 Stop           Ctrl-C
============================================================================
""",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
