"""Serve the static console (``web/``) in local mode, with the API's URL injected.

In AWS the same files lie in S3 behind CloudFront and ``config.js`` is written at deploy time;
locally a small threaded HTTP server answers ``/config.js`` itself so that the console talks to
whichever port ``make run`` chose for the API, and ``/downloads/vigil-agent.pyz`` (plus its
``.sha256``) from a reproducible build of ``agent/`` — the file the hosts' install command
fetches (in AWS it lies in the console bucket). Nothing else is generated: ``web/`` stays static.
"""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

WEB_ROOT = Path(__file__).resolve().parents[2] / "web"


def config_js(api_url: str) -> bytes:
    """The only dynamic file: where the console finds the API."""
    return f"window.VIGIL_CONFIG = {json.dumps({'apiUrl': api_url.rstrip('/')})};\n".encode()


_TYPES = {
    **SimpleHTTPRequestHandler.extensions_map,
    ".js": "text/javascript",
    ".json": "application/json",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, api_url: str, **kwargs: Any) -> None:
        # set before the base __init__: it handles the request
        self.api_url = api_url
        self.extensions_map = _TYPES
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the API's log is what matters; static hits would drown it

    def end_headers(self) -> None:
        # The console is small and changes while someone works on it: never serve it stale.
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/status/"):
            # public status pages: one static page that reads its slug from the address
            self.path = "/status.html"
            super().do_GET()
            return
        if path == "/config.js":
            self._send(config_js(self.api_url), "text/javascript; charset=utf-8")
            return
        if path.startswith(DOWNLOADS):
            download = agent_download(path[len(DOWNLOADS) :])
            if download is None:
                self.send_error(404)
                return
            self._send(*download)
            return
        super().do_GET()


DOWNLOADS = "/downloads/"


def agent_download(name: str) -> tuple[bytes, str] | None:
    """``vigil-agent.pyz`` or its ``.sha256`` (sha256sum format), built from ``agent/``."""
    from chalicelib.hosts import agent_package

    built = agent_package.local_build()
    if built is None:
        return None
    data, digest = built
    if name == agent_package.FILENAME:
        return data, "application/octet-stream"
    if name == f"{agent_package.FILENAME}.sha256":
        return f"{digest}  {agent_package.FILENAME}\n".encode(), "text/plain; charset=utf-8"
    return None


def start(host: str, port: int, api_url: str) -> ThreadingHTTPServer:
    """Serve ``web/`` on host:port in a daemon thread; call ``shutdown()`` to stop."""
    handler = functools.partial(_Handler, directory=str(WEB_ROOT), api_url=api_url)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="vigil-web", daemon=True).start()
    return server
