"""The engine's own HTTP/1.1 client against a loopback server that answers with exact bytes:
chunked and compressed bodies, the keyword window, broken answers; shared certificate parsing."""

from __future__ import annotations

import gzip
import socketserver
import threading
import zlib

import pytest

from chalicelib.monitoring.checks import BODY_LIMIT, Engine, Target

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=iso-8859-1\r\nConnection: close\r\n"


def _chunked(body: bytes, size: int = 7) -> bytes:
    parts = [
        b"%x;ext=1\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size])
        for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


ANSWERS = {
    "/chunked": HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + _chunked("Größe: Warenkorb".encode("latin-1")),
    "/gzip": HEAD
    + b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(gzip.compress(b"<p>Warenkorb</p>"))
    + gzip.compress(b"<p>Warenkorb</p>"),
    "/deflate": HEAD + b"Content-Encoding: deflate\r\n\r\n" + zlib.compress(b"raw Warenkorb")[2:-4],
    "/interim": b"HTTP/1.1 100 Continue\r\n\r\n" + HEAD + b"Content-Length: 9\r\n\r\nWarenkorb",
    "/late": HEAD + b"Content-Length: %d\r\n\r\n" % (BODY_LIMIT + 20) + b"x" * BODY_LIMIT + b"Warenkorb",
    "/garbage": b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
    "/short": HEAD + b"Content-Length: 100\r\n\r\nWarenkorb",
    "/silent": b"",
    "/folded": b"HTTP/1.1 200 OK\r\nX-Content-Type-Options:\r\n nosniff\r\nContent-Length: 0\r\n\r\n",
}


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            got = self.request.recv(4096)
            if not got:
                return
            data += got
        path = data.split(b" ", 2)[1].decode()
        self.server.requests.append(data)  # type: ignore[attr-defined]  # set below
        self.request.sendall(ANSWERS[path])


@pytest.fixture(scope="module")
def raw_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.requests = []  # type: ignore[attr-defined]  # what the checks sent
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _run(server, paths, **checks):
    port = server.server_address[1]
    targets = [Target(p, f"http://127.0.0.1:{port}{p}", checks=checks) for p in paths]
    return {o.key: o for o in Engine().run(targets)}


def test_bodies_are_decoded_for_the_keyword(raw_server, guard):
    found = _run(
        raw_server,
        ["/chunked", "/gzip", "/deflate", "/interim", "/late", "/folded"],
        availability={"keyword": "Warenkorb"},
    )
    for path in ("/chunked", "/gzip", "/deflate", "/interim"):
        assert found[path].state == "up", (path, found[path].error)
        assert found[path].status_code == 200
    # the keyword lies beyond the 1 MiB window: not found, like before
    assert found["/late"].state == "down" and "not found" in found["/late"].error
    assert found["/folded"].headers["items"]["x-content-type-options"]["state"] == "present"
    sent = raw_server.requests[0]
    assert sent.startswith(b"GET /") and b"\r\nConnection: close\r\n" in sent
    assert b"\r\nUser-Agent: Vigil-Monitor/1.0" in sent


def test_broken_answers_are_reported(raw_server, guard):
    found = _run(raw_server, ["/garbage", "/short", "/silent"])
    assert (
        found["/garbage"].state == "down" and "invalid response: bad status line" in found["/garbage"].error
    )
    assert found["/short"].state == "down" and "before the whole body" in found["/short"].error
    assert found["/silent"].state == "down" and "without a response" in found["/silent"].error
    assert found["/silent"].timings["total_ms"] is not None


def test_one_certificate_many_endpoints(tls, guard):
    """Certificates are parsed once and shared: each outcome still gets its own findings."""
    urls = [f"{tls['expired'].base}/healthy", f"{tls['expired'].base}/state/a", f"{tls['good'].base}/healthy"]
    outs = Engine().run([Target(str(i), u) for i, u in enumerate(urls)])
    certs = [o.certificate or {} for o in outs]
    for out, cert in zip(outs[:2], certs[:2], strict=True):
        assert out.state == "down" and cert["valid"] is False
        assert cert["findings"].count("certificate expired") == 1
    assert outs[2].state == "up" and certs[2]["valid"] is True
    assert certs[2]["findings"] == []
    assert certs[0]["serial"] == certs[1]["serial"] != certs[2]["serial"]
