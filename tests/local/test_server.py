"""The hardened local server (`make run`, the HTTP-level tests) on raw sockets.

Every malformed framing gets a well-formed 400 problem+json answer and a clean close, never a
dropped connection or a traceback; the server keeps answering afterwards; bursts of parallel
connections are all answered.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.local.server import MAX_BODY, LocalServer, serving
from tests.support import make_org

READ_TIMEOUT = 0.5  # seconds; the server's 10 s default would only make the short-body cases slow


@pytest.fixture
def live() -> Iterator[LocalServer]:
    from app import app

    with serving(app, read_timeout=READ_TIMEOUT) as server:
        yield server


@pytest.fixture
def port(live: LocalServer) -> int:
    return int(live.server.server_address[1])


def exchange(port: int, raw: bytes, *, half_close: bool = False) -> tuple[int, dict[str, str], bytes]:
    """Send ``raw`` on a fresh connection, read one response (``half_close``: end the input first)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def read_response(reader: Any) -> tuple[int, dict[str, str], bytes]:
    """One response with a Content-Length body from a stream that may hold the next one too."""
    _, code, _ = reader.readline().decode("latin-1").split(" ", 2)
    headers = http.client.parse_headers(reader)
    return int(code), {k.lower(): v for k, v in headers.items()}, reader.read(int(headers["Content-Length"]))


def assert_problem(answer: tuple[int, dict[str, str], bytes], status: int) -> dict[str, Any]:
    code, headers, body = answer
    assert code == status, answer
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    assert int(headers["content-length"]) == len(body)
    problem = json.loads(body)
    assert problem["type"] == "about:blank" and problem["status"] == status
    assert problem["title"] and problem["detail"]
    return dict(problem)


def assert_still_serving(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/monitoring-ips")
        response = conn.getresponse()
        assert response.status == 200
        assert "application/json" in response.getheader("Content-Type", "")
        json.loads(response.read())
    finally:
        conn.close()


@pytest.fixture
def quiet(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No traceback on stderr and no error logged while serving the test's requests."""
    caplog.set_level(logging.WARNING)
    yield
    assert "Traceback" not in capfd.readouterr().err
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def login_request(headers: str, body: bytes = b"") -> bytes:
    return b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + (
        headers.encode("latin-1") + b"\r\n" + body
    )


@pytest.mark.parametrize(
    "value",
    ["", " ", "-1", "-0", "abc", "1e3", "+5", "5_0", "0x10", "5, 5", "99999999999999999999"],
    ids=lambda v: repr(v),
)
def test_a_malformed_content_length_is_a_problem_answer(port: int, value: str, quiet: None) -> None:
    problem = assert_problem(exchange(port, login_request(f"Content-Length: {value}\r\n", b"{}")), 400)
    assert "Content-Length" in problem["detail"]
    assert_still_serving(port)


def test_conflicting_content_lengths_are_refused(port: int, quiet: None) -> None:
    raw = login_request("Content-Length: 2\r\nContent-Length: 3\r\n", b"{}")
    assert "Conflicting" in assert_problem(exchange(port, raw), 400)["detail"]
    assert_still_serving(port)


def test_a_body_shorter_than_announced_times_out_with_a_problem(port: int, quiet: None) -> None:
    raw = login_request("Content-Length: 100\r\n", b'{"email": "a')  # and then nothing, socket open
    problem = assert_problem(exchange(port, raw), 400)
    assert "did not arrive within 0.5 s" in problem["detail"] and "12 of 100" in problem["detail"]
    assert_still_serving(port)


def test_a_body_cut_off_by_the_client_is_a_problem(port: int, quiet: None) -> None:
    raw = login_request("Content-Length: 100\r\n", b'{"email": "a')
    problem = assert_problem(exchange(port, raw, half_close=True), 400)
    assert "ended after 12 of 100" in problem["detail"]
    assert_still_serving(port)


def test_a_body_over_api_gateways_limit_is_refused_before_reading(port: int, quiet: None) -> None:
    raw = login_request(f"Content-Length: {MAX_BODY + 1}\r\n")
    problem = assert_problem(exchange(port, raw), 413)
    assert problem["title"] == "Inhalt zu groß"  # no Accept-Language: the default language
    assert_still_serving(port)


BAD_CHUNKED = {
    "size not hex": (b"zz\r\n{}\r\n0\r\n\r\n", False),
    "negative size": (b"-2\r\n{}\r\n0\r\n\r\n", False),
    "0x prefix": (b"0x2\r\n{}\r\n0\r\n\r\n", False),
    "empty size": (b"\r\n{}\r\n0\r\n\r\n", False),
    "chunk longer than size": (b"2\r\n{}}}\r\n0\r\n\r\n", False),
    "bare LF": (b"2\n{}\n0\n\n", True),
    "no last chunk": (b"2\r\n{}\r\n", True),
    "cut inside a chunk": (b"8\r\n{}", True),
    "stalls inside a chunk": (b"8\r\n{}", False),
    "no final CRLF": (b"2\r\n{}\r\n0\r\n", True),
    "size line too long": (b"2;" + b"x" * 9000 + b"\r\n{}\r\n0\r\n\r\n", False),
    "too many trailers": (b"2\r\n{}\r\n0\r\n" + b"X-T: 1\r\n" * 70 + b"\r\n", False),
}


@pytest.mark.parametrize("case", list(BAD_CHUNKED))
def test_bad_chunked_framing_is_a_problem_answer(port: int, case: str, quiet: None) -> None:
    body, half_close = BAD_CHUNKED[case]
    raw = login_request("Transfer-Encoding: chunked\r\n", body)
    assert_problem(exchange(port, raw, half_close=half_close), 400)
    assert_still_serving(port)


def test_a_chunked_size_over_the_limit_is_refused(port: int, quiet: None) -> None:
    raw = login_request("Transfer-Encoding: chunked\r\n", b"ffffffffff\r\n{}")
    assert_problem(exchange(port, raw), 413)
    assert_still_serving(port)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ("Transfer-Encoding: chunked\r\nContent-Length: 8\r\n", 400),  # the classic smuggling pair
        ("Transfer-Encoding: chunked, chunked\r\n", 400),
        ("Transfer-Encoding: chunked, gzip\r\n", 400),  # chunked not last: no length
        ("Transfer-Encoding: xchunked\r\n", 400),
        ("Transfer-Encoding: \r\n", 400),
        ("Transfer-Encoding: gzip, chunked\r\n", 501),  # framed, but a coding we do not decode
    ],
)
def test_transfer_encodings_that_cannot_be_framed_are_refused(
    port: int, headers: str, status: int, quiet: None
) -> None:
    assert_problem(exchange(port, login_request(headers, b"2\r\n{}\r\n0\r\n\r\n")), status)
    assert_still_serving(port)


def test_chunked_transfer_encoding_in_http_1_0_is_refused(port: int, quiet: None) -> None:
    raw = b"POST /auth/login HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    assert_problem(exchange(port, raw), 400)


def test_a_valid_chunked_body_reaches_the_app_and_the_connection_stays_usable(port: int, quiet: None) -> None:
    """Two requests on one connection: the chunked body is decoded for the app and consumed, so
    the next request is read as a request (chalice alone would parse the chunks as one)."""
    body = json.dumps({"email": "nobody@example.com", "password": "Wrong-Password-1!"}).encode()
    chunked = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(part), part) for part in (body[:10], body[10:])) + (
        b"0\r\nX-Trailer: ignored\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            login_request("Transfer-Encoding: chunked\r\n", chunked)
            + b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        reader = sock.makefile("rb")
        status, _, first = read_response(reader)
        assert status == 401, first
        assert json.loads(first)["title"] == "Nicht angemeldet"  # German: no Accept-Language
        status, _, second = read_response(reader)
        assert status == 200 and json.loads(second)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"BREW /plans HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 501),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /plans HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 505),
        (b"GET /plans HTTP/1.1\r\nX-Long: " + b"x" * 70_000 + b"\r\n\r\n", 431),
        (b"GET /" + b"x" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
    ],
    ids=["unknown method", "bad request line", "bad version", "header too long", "request line too long"],
)
def test_protocol_errors_of_the_standard_library_are_problem_answers(
    port: int, raw: bytes, status: int, quiet: None
) -> None:
    assert_problem(exchange(port, raw), status)
    assert_still_serving(port)


def test_headers_that_stall_get_a_timeout_problem(port: int, quiet: None) -> None:
    problem = assert_problem(exchange(port, b"GET /plans HTTP/1.1\r\nHost: 127.0.0.1\r\n"), 408)
    assert "headers did not arrive within 0.5 s" in problem["detail"]
    assert_still_serving(port)


def test_an_idle_connection_is_closed_quietly_after_the_read_timeout(
    port: int, capfd: pytest.CaptureFixture[str]
) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        assert sock.recv(1) == b""  # closed by the server after READ_TIMEOUT, with nothing sent
    assert_still_serving(port)
    assert "timed out" not in capfd.readouterr().err


def _burst(port: int, count: int, request: Any) -> list[Any]:
    start = threading.Barrier(count)

    def one(i: int) -> Any:
        start.wait(timeout=30)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            return request(conn, i)
        except OSError as exc:  # a reset or refused connection: what the backlog of 5 caused
            return repr(exc)
        finally:
            conn.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_fifty_parallel_requests_are_all_answered(port: int, quiet: None) -> None:
    def get(conn: http.client.HTTPConnection, i: int) -> Any:
        conn.request("GET", "/plans" if i % 2 else "/monitoring-ips")
        response = conn.getresponse()
        body = json.loads(response.read())
        return response.status, bool(body)

    assert _burst(port, 50, get) == [(200, True)] * 50


def test_thirty_parallel_failed_logins_are_all_answered(port: int, quiet: None) -> None:
    make_org("Burst GmbH", "burst@example.com")

    def login(conn: http.client.HTTPConnection, i: int) -> Any:
        body = json.dumps({"email": "burst@example.com", "password": f"Wrong-Password-{i}!"})
        conn.request("POST", "/auth/login", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        problem = json.loads(response.read())
        assert response.getheader("Content-Type") == "application/problem+json"
        return response.status, problem["status"]

    answers = _burst(port, 30, login)
    assert all(a in ((401, 401), (429, 429)) for a in answers), answers
    assert (401, 401) in answers  # the first failures are counted before the limit refuses
