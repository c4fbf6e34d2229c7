"""Chalice's local HTTP server, hardened: the one `make run` and the HTTP-level tests serve the app on.

Chalice's ``LocalDevServer`` is written for a developer's browser, not for what a fuzzer, a load
test or a half-dead client sends. Its handler reads ``int(Content-Length)`` unchecked (an empty or
non-numeric value is a traceback and a dropped connection), waits forever for a body shorter than
announced, ignores ``Transfer-Encoding`` (the chunked body is then parsed as the next request) and
the server listens with socketserver's backlog of 5 (a burst of 30 connections gets resets).

Here every framing fault is a 400 ``application/problem+json`` answer (the app's problem shape,
:mod:`chalicelib.errors`) followed by a clean close; so are the standard library's own protocol
errors (bad request line, oversized headers, unknown method). Reads have a timeout, valid chunked
bodies are decoded, bodies larger than API Gateway's 10 MB are refused with 413 before they are
read, the listen backlog is 128 and every connection has its own daemon thread.
"""

from __future__ import annotations

import errno
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    HeaderType,
    LocalChalice,
    LocalDevServer,
    ThreadedHTTPServer,
)

from chalicelib import errors
from chalicelib.http import problem_body, problem_headers

log = logging.getLogger("vigil.local.server")

#: Seconds a client may take to send a request body (and to send anything on an idle connection).
DEFAULT_READ_TIMEOUT = 10.0
#: API Gateway refuses larger payloads; so does this server, before reading them.
MAX_BODY = 10 * 1024 * 1024
#: Longest chunk-size or trailer line, and most trailer fields, of a chunked body.
MAX_LINE = 8 * 1024
MAX_TRAILERS = 64
#: After an error answer: how long and how much of the client's unread input is drained before the
#: socket is closed (closing with unread input sends a reset that can destroy the answer in flight).
LINGER_SECONDS = 1.0
LINGER_BYTES = 1024 * 1024

#: How often ``serve_forever`` looks for a shutdown request (socketserver's 0.5 s makes every
#: stop, and every test serving the app, wait that long).
POLL_INTERVAL = 0.1

_DIGITS = re.compile(rb"[0-9]{1,19}")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


class FramingError(Exception):
    """The request cannot be delimited (or is refused) before the app sees it."""

    def __init__(self, problem: errors.VigilError) -> None:
        super().__init__(problem.detail)
        self.problem = problem


def _bad(detail: str) -> FramingError:
    return FramingError(errors.BadRequest(detail))


class HardenedRequestHandler(ChaliceRequestHandler):
    """Chalice's handler with strict request framing and problem+json error answers."""

    # chalice's base classes reach mypy through six.moves, as Any: declare what is used here.
    server: HardenedHTTPServer
    request_version: str
    # chalice writes headers and body in two sends: with Nagle on and delayed ACKs on the client
    # every answer with a body waited ~40 ms for its second segment
    disable_nagle_algorithm = True

    def setup(self) -> None:
        # StreamRequestHandler.setup applies ``timeout`` to the connection: every read (request
        # line, headers, body, the idle wait between keep-alive requests) gives up after it.
        self.timeout = self.server.read_timeout
        self._answered_error = False
        super().setup()

    def parse_request(self) -> bool:
        try:
            return bool(super().parse_request())
        except TimeoutError:  # the request line came, its headers did not
            self.send_error(408, f"The request headers did not arrive within {self.server.read_timeout:g} s.")
            return False

    # -- request body ----------------------------------------------------------------------------

    def _parse_payload(self) -> tuple[HeaderType, bytes | None]:
        transfer = self.headers.get_all("Transfer-Encoding") or []
        lengths = self.headers.get_all("Content-Length") or []
        deadline = time.monotonic() + self.server.read_timeout
        headers: HeaderType = dict(self.headers)
        if transfer:
            # Both headers, or a coding we do not speak, is how requests get smuggled: refuse.
            if lengths:
                raise _bad("Content-Length and Transfer-Encoding must not both be sent.")
            codings = [c.strip().lower() for value in transfer for c in value.split(",")]
            # RFC 9112 6.1/6.3: chunked must be the final coding, applied once, else the length of
            # the body is unknown (400); other codings are understood framing we do not decode (501).
            if codings[-1] != "chunked" or codings.count("chunked") > 1:
                raise _bad(f"Transfer-Encoding {', '.join(transfer)!r} does not end in one 'chunked'.")
            if len(codings) > 1:
                raise FramingError(
                    errors.status_problem(
                        501, errors.M("http.transfer_encoding", encoding=repr(", ".join(transfer)))
                    )
                )
            if self.request_version == "HTTP/1.0":
                raise _bad("Transfer-Encoding is not allowed in an HTTP/1.0 request.")
            body = self._read_chunked(deadline)
            headers = {k: v for k, v in headers.items() if k.lower() != "transfer-encoding"}
            headers["Content-Length"] = str(len(body))
        elif lengths:
            values = {v.strip() for v in lengths}
            raw = values.pop().encode("latin-1", "replace")
            if values:
                raise _bad("Conflicting Content-Length headers.")
            if not _DIGITS.fullmatch(raw):
                raise _bad(f"Content-Length must be a non-negative integer, not {raw.decode('latin-1')!r}.")
            length = int(raw)
            if length > MAX_BODY:
                raise FramingError(errors.PayloadTooLarge(errors.M("body.too_large", max_bytes=MAX_BODY)))
            body = self._read_exact(length, deadline)
        else:
            body = b""
        return headers, body or None

    def _remaining(self, deadline: float) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _bad(f"The request body did not arrive within {self.server.read_timeout:g} s.")
        self.connection.settimeout(left)
        return left

    def _read_exact(self, length: int, deadline: float) -> bytes:
        parts: list[bytes] = []
        got = 0
        while got < length:
            self._remaining(deadline)
            try:
                part = self.rfile.read1(min(length - got, 64 * 1024))
            except TimeoutError:
                raise _bad(
                    f"The request body did not arrive within {self.server.read_timeout:g} s "
                    f"({got} of {length} bytes received)."
                ) from None
            if not part:
                raise _bad(f"The connection ended after {got} of {length} announced body bytes.")
            parts.append(part)
            got += len(part)
        self.connection.settimeout(self.server.read_timeout)
        return b"".join(parts)

    def _read_line(self, deadline: float, what: str) -> bytes:
        self._remaining(deadline)
        try:
            line = self.rfile.readline(MAX_LINE + 1)
        except TimeoutError:
            raise _bad(f"The chunked body did not arrive within {self.server.read_timeout:g} s.") from None
        if len(line) > MAX_LINE:
            raise _bad(f"A {what} line of the chunked body is too long.")
        if not line.endswith(b"\r\n"):
            raise _bad(f"The chunked body ended inside a {what} line (or the line did not end in CRLF).")
        return line[:-2]

    def _read_chunked(self, deadline: float) -> bytes:
        body = bytearray()
        while True:
            size_field = self._read_line(deadline, "chunk-size").split(b";", 1)[0].strip(b" \t")
            if not _HEX.fullmatch(size_field):
                shown = size_field[:40].decode("latin-1")
                raise _bad(f"Chunk size {shown!r} is not a hexadecimal number.")
            size = int(size_field, 16)
            if size == 0:
                break
            if len(body) + size > MAX_BODY:
                raise FramingError(errors.PayloadTooLarge(errors.M("body.too_large", max_bytes=MAX_BODY)))
            body += self._read_exact(size, deadline)
            if self._read_exact(2, deadline) != b"\r\n":
                raise _bad("Chunk data is not followed by CRLF (the chunk is longer than its size).")
        for _ in range(MAX_TRAILERS + 1):
            if self._read_line(deadline, "trailer") == b"":
                self.connection.settimeout(self.server.read_timeout)
                return bytes(body)
        raise _bad(f"The chunked body has more than {MAX_TRAILERS} trailer fields.")

    # -- answers ---------------------------------------------------------------------------------

    def _generic_handle(self) -> None:
        try:
            super()._generic_handle()
        except FramingError as exc:  # raised by _parse_payload, before anything was written
            self._send_problem(exc.problem)

    # chalice binds its own function to the verbs at class creation: bind ours.
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's protocol errors (bad request line, headers too long, unknown
        method, …) as problem+json too, instead of its HTML page."""
        self.log_error("code %d, message %s", code, message)
        if self.request_version == "HTTP/0.9":
            # An unparseable request line leaves the default version, and HTTP/0.9 answers have no
            # status line or headers: answer like to the HTTP/1.x client that sent it most likely.
            self.request_version = "HTTP/1.0"
        detail = message or explain
        if not detail:
            try:
                detail = HTTPStatus(code).description
            except ValueError:
                detail = "The request cannot be handled."
        self._send_problem(errors.status_problem(int(code), detail))

    def log_error(self, format: str, *args: Any) -> None:
        if format.startswith("Request timed out"):
            # the read timeout closing an idle keep-alive connection (a browser's): not an error
            log.debug(format, *args)
            return
        super().log_error(format, *args)

    def _send_problem(self, problem: errors.VigilError) -> None:
        body = problem_body(problem).encode()
        headers = problem_headers(problem)
        self.send_response(problem.status)
        self.send_header("Content-Type", headers.pop("Content-Type"))
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")  # the rest of the input cannot be delimited
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self._answered_error = True

    def finish(self) -> None:
        super().finish()
        if self._answered_error:
            self._linger()

    def _linger(self) -> None:
        """Half-close, then read what the client still sends for a moment before the server closes
        the socket: a close with unread input resets the connection, and the reset can overtake
        the error answer on its way to the client."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            end = time.monotonic() + LINGER_SECONDS
            drained = 0
            while drained < LINGER_BYTES:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self.connection.settimeout(left)
                data = self.connection.recv(64 * 1024)
                if not data:
                    break
                drained += len(data)
        except OSError:  # the client is gone already: nothing left to protect
            pass


class HardenedHTTPServer(ThreadedHTTPServer):
    """One daemon thread per connection, a listen backlog for bursts, quiet about vanished clients."""

    request_queue_size = 128
    daemon_threads = True
    read_timeout = DEFAULT_READ_TIMEOUT

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)) or (
            isinstance(exc, OSError) and exc.errno in (errno.EPIPE, errno.ECONNRESET, errno.EBADF)
        ):
            log.debug("client %s went away: %r", client_address, exc)
            return
        log.error("unexpected error while serving %s", client_address, exc_info=exc)


class LocalServer(LocalDevServer):
    """``LocalDevServer`` on the hardened handler and server; ``shutdown`` also frees the port."""

    server: HardenedHTTPServer

    def __init__(
        self,
        app_object: Chalice,
        config: Config,
        host: str,
        port: int,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
    ) -> None:
        super().__init__(
            app_object,
            config,
            host,
            port,
            handler_cls=HardenedRequestHandler,
            server_cls=HardenedHTTPServer,
        )
        self.server.read_timeout = read_timeout

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        print(f"Serving on {self.url}")  # as chalice's
        self.server.serve_forever(poll_interval=POLL_INTERVAL)

    def shutdown(self) -> None:
        """Stop ``serve_forever`` (call from another thread) and close the listening socket."""
        self.server.shutdown()
        self.server.server_close()


def create_server(
    app: Chalice,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    config: Config | None = None,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> LocalServer:
    """What ``chalice.local.create_local_server`` does, on the hardened server.

    Like chalice's, it gives ``app`` a class whose ``current_request`` is per thread (the server
    answers connections in parallel); :func:`serving` puts the original class back afterwards.
    """
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    return LocalServer(app, config or Config(chalice_stage="local"), host, port, read_timeout=read_timeout)


@contextmanager
def serving(
    app: Chalice,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    config: Config | None = None,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> Iterator[LocalServer]:
    """The app served over HTTP in a daemon thread for the block (port 0: a free one, see ``url``)."""
    original_class = app.__class__
    server = create_server(app, host, port, config=config, read_timeout=read_timeout)
    thread = threading.Thread(
        target=server.server.serve_forever, args=(POLL_INTERVAL,), name="vigil-local-api", daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.__class__ = original_class
