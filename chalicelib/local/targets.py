"""Demo targets for ``make run`` (and the servers the monitoring tests and the bench check).

One aiohttp web server per (scheme, certificate) on loopback, in its own thread and event loop:

| path | behaviour |
|---|---|
| ``/healthy`` | 200 with every security header, body contains ``Vigil demo OK`` |
| ``/slow`` | answers after ``?ms=`` (default 2500) milliseconds |
| ``/flaky`` | every third request answers 500 |
| ``/bare`` | 200 without any security header |
| ``/status/<code>`` | answers with that status |
| ``/redirect/<n>`` | a chain of n redirects ending at ``/healthy`` |
| ``/loop`` | redirects to itself |
| ``/to?url=`` | redirects to the given URL |
| ``/delay`` | answers ``ok`` after ``?ms=`` (default 200) — the bench's target |
| ``/state/<name>`` | the status set in ``TargetServer.states[name]`` (default 200; tests) |

``start_demo`` starts an HTTP server and an HTTPS server whose certificate comes from a local
CA (trustme) and expires in 5 days; the checks trust that CA through ``VIGIL_CHECK_CA_FILE``
and loopback is allowed through ``VIGIL_CHECK_ALLOW_CIDRS`` — in local mode only.
"""

from __future__ import annotations

import asyncio
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

SECURE_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _app(states: dict[str, int]) -> Any:
    from aiohttp import web

    counter = {"flaky": 0}

    async def state(r: Any) -> Any:
        code = states.get(r.match_info["name"], 200)
        return web.Response(status=code, text=f"state {code}", headers=SECURE_HEADERS)

    async def healthy(_r: Any) -> Any:
        return web.Response(
            text="<html><body>Vigil demo OK</body></html>", content_type="text/html", headers=SECURE_HEADERS
        )

    async def slow(r: Any) -> Any:
        await asyncio.sleep(int(r.query.get("ms", "2500")) / 1000)
        return web.Response(text="slow but fine", headers=SECURE_HEADERS)

    async def flaky(_r: Any) -> Any:
        counter["flaky"] += 1
        if counter["flaky"] % 3 == 1:  # the 1st, 4th, 7th …: visible on the first check
            return web.Response(status=500, text="every third request fails")
        return web.Response(text="fine this time", headers=SECURE_HEADERS)

    async def bare(_r: Any) -> Any:
        return web.Response(text="no security headers here")

    async def status(r: Any) -> Any:
        return web.Response(status=int(r.match_info["code"]), text="as requested")

    async def redirect(r: Any) -> Any:
        n = int(r.match_info["n"])
        raise web.HTTPFound(f"/redirect/{n - 1}" if n > 1 else "/healthy")

    async def loop(_r: Any) -> Any:
        raise web.HTTPFound("/loop")

    async def to(r: Any) -> Any:
        raise web.HTTPFound(r.query["url"])

    async def delay(r: Any) -> Any:
        await asyncio.sleep(int(r.query.get("ms", "200")) / 1000)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/healthy", healthy)
    app.router.add_get("/slow", slow)
    app.router.add_get("/flaky", flaky)
    app.router.add_get("/bare", bare)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/redirect/{n}", redirect)
    app.router.add_get("/loop", loop)
    app.router.add_get("/to", to)
    app.router.add_get("/delay", delay)
    app.router.add_get("/state/{name}", state)
    app.router.add_get("/", healthy)
    return app


class TargetServer:
    """The demo app on 127.0.0.1:<free port>, plain or with ``ssl_context``, in a thread."""

    def __init__(
        self, ssl_context: ssl.SSLContext | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.ssl_context = ssl_context
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: Any = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="vigil-targets", daemon=True)
        #: status codes of ``/state/<name>`` (tests switch a target between up and down)
        self.states: dict[str, int] = {}

    @property
    def base(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def start(self) -> TargetServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("demo target server did not start")
        return self

    def _serve(self) -> None:
        from aiohttp import web

        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)

        async def boot() -> None:
            self._runner = web.AppRunner(_app(self.states), access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.host, self.port, ssl_context=self.ssl_context, backlog=4096)
            await site.start()
            self.port = int(self._runner.addresses[0][1])  # the port the OS chose for port 0

        self._loop.run_until_complete(boot())
        self._ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        if self._loop is None:
            return
        loop = self._loop

        async def down() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(down(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)


def server_context(
    ca: Any, *names: str, not_after: datetime | None = None, not_before: datetime | None = None
) -> ssl.SSLContext:
    """A server TLS context with a certificate for ``names`` issued by the trustme ``ca``."""
    cert = ca.issue_cert(*names, not_before=not_before, not_after=not_after)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    return ctx


@dataclass
class Demo:
    http: TargetServer
    https: TargetServer
    ca_file: str
    endpoints: list[dict[str, Any]] = field(default_factory=list)

    def stop(self) -> None:
        self.http.stop()
        self.https.stop()


def start_demo(host: str = "127.0.0.1") -> Demo:
    """HTTP + HTTPS demo targets; the HTTPS certificate expires in 5 days."""
    import trustme

    ca = trustme.CA()
    # kept after the run: the scheduler's check engine reads it by path
    with tempfile.NamedTemporaryFile(prefix="vigil-demo-ca-", suffix=".pem", delete=False) as ca_file:
        ca_file.write(ca.cert_pem.bytes())
    expires = datetime.now(UTC) + timedelta(days=5)
    http = TargetServer(host=host).start()
    https = TargetServer(server_context(ca, host, "localhost", not_after=expires), host=host).start()
    endpoints = [
        {"name": "Demo: healthy site", "url": f"{http.base}/healthy", "interval_minutes": 5},
        {
            "name": "Demo: slow site",
            "url": f"{http.base}/slow?ms=2500",
            "interval_minutes": 5,
            "checks": {"availability": {"max_response_ms": 1000}},
        },
        {
            "name": "Demo: fails every third request",
            "url": f"{http.base}/flaky",
            "interval_minutes": 5,
            "alert": {"consecutive_failures": 1},
        },
        {"name": "Demo: missing security headers", "url": f"{http.base}/bare", "interval_minutes": 5},
        {
            "name": "Demo: down (HTTP 503)",
            "url": f"{http.base}/status/503",
            "interval_minutes": 5,
            "alert": {"consecutive_failures": 1},
        },
        {
            "name": "Demo: certificate expires in 5 days",
            "url": f"{https.base}/healthy",
            "interval_minutes": 5,
        },
    ]
    return Demo(http=http, https=https, ca_file=ca_file.name, endpoints=endpoints)
