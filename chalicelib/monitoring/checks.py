"""The check engine: availability, TLS certificate, security headers and DNS for a batch.

All targets of a batch are checked concurrently on one event loop by a lean HTTP/1.1 client
(``http1``: one GET per connection, less than half of aiohttp's CPU for this pattern).
The SSRF guard is in force for every connection: each hop (the first URL and every redirect
target) is vetted with ``netguard.vet_url`` before the request, names are resolved once per
batch by the guard (``netguard.resolve_vetted_async``) and connections go only to the vetted
addresses. Each check has its own 10 s budget.

Shared per worker process: the two TLS contexts (loading the CA store costs ~50 ms of CPU and
a few MB, so never per check or per batch) and the parsed peer certificates (keyed by their
DER bytes: endpoints behind one certificate are parsed once). The body is kept only when a
keyword check needs it (at most ``BODY_LIMIT``), otherwise counted and dropped.

Timings per check (ms): ``dns_ms`` (the guard's resolution of the host, 0 when cached or an IP
literal), ``connect_ms`` (TCP connect), ``tls_ms`` (TLS handshake, https only),
``first_byte_ms`` (request sent → response headers of the last hop), ``total_ms`` (start →
body read, all hops).
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from chalicelib import clock, netguard, settings
from chalicelib.monitoring import http1

MAX_HOPS = 5
BODY_LIMIT = 1 << 20
CHECK_TIMEOUT_S = 10.0
OUTDATED_PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")
USER_AGENT = "Vigil-Monitor/1.0 (+https://vigil.example/monitoring-ips)"


@dataclass
class Target:
    key: str  # opaque to the engine (the worker uses org#endpoint)
    url: str
    checks: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    key: str
    state: str  # up | down | degraded
    checked_at: datetime
    status_code: int | None = None
    response_ms: int | None = None
    error: str | None = None
    timings: dict[str, int | None] = field(default_factory=dict)
    final_url: str | None = None
    hops: int = 0
    certificate: dict[str, Any] | None = None
    headers: dict[str, Any] | None = None
    dns: dict[str, Any] | None = None
    findings: list[str] = field(default_factory=list)


def ca_file() -> str | None:
    """Extra trusted CA bundle (local demo and tests use a local CA); unset in AWS."""
    return settings.check_ca_file()


def ssl_contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(verifying, inspecting) contexts; both accept old protocols so that they can be reported.

    One pair per worker process (per extra CA file): a context is safe to share between
    connections, and each new one would load the system CA store again.
    """
    return _ssl_contexts(ca_file())


@functools.lru_cache(maxsize=4)
def _ssl_contexts(extra: str | None) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    verified = ssl.create_default_context()
    if extra:
        verified.load_verify_locations(cafile=extra)
    # the inspecting context verifies nothing, so it needs no CA store
    inspect = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    inspect.check_hostname = False
    inspect.verify_mode = ssl.CERT_NONE
    for ctx in (verified, inspect):
        try:
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        except (ValueError, ssl.SSLError):
            pass  # the platform's OpenSSL refuses old protocols altogether: nothing to observe
    return verified, inspect


# -- certificate -------------------------------------------------------------------------------


def describe_certificate(
    der: bytes, protocol: str | None, cipher: str | None, now: datetime
) -> dict[str, Any]:
    parsed = _parse_certificate(der)
    not_after = parsed["not_after"]
    key_type, bits = parsed["key_type"], parsed["key_bits"]
    findings = []
    if protocol in OUTDATED_PROTOCOLS:
        findings.append(f"outdated protocol {protocol}: allow TLS 1.2 and 1.3 only")
    if key_type == "RSA" and bits is not None and bits < 2048:
        findings.append(f"weak key: RSA {bits} bit")
    return {
        "valid": True,
        "subject": parsed["subject"],
        "issuer": parsed["issuer"],
        "serial": parsed["serial"],
        "not_before": parsed["not_before"],
        "not_after": clock.iso(not_after),
        "days_left": int((not_after - now).total_seconds() // 86400),
        "key_type": key_type,
        "key_bits": bits,
        "protocol": protocol,
        "cipher": cipher,
        "findings": findings,
    }


@functools.lru_cache(maxsize=2048)
def _parse_certificate(der: bytes) -> dict[str, Any]:
    """What a certificate says, parsed once per distinct certificate (read-only: callers copy)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    cert = x509.load_der_x509_certificate(der)
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key_type, bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, bits = f"EC {key.curve.name}", key.curve.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key_type, bits = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        key_type, bits = "Ed448", 456
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, bits = "DSA", key.key_size
    else:
        key_type, bits = type(key).__name__, None
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "serial": format(cert.serial_number, "x"),
        "not_before": clock.iso(cert.not_valid_before_utc),
        "not_after": cert.not_valid_after_utc,
        "key_type": key_type,
        "key_bits": bits,
    }


def _verify_finding(exc: BaseException) -> str:
    err = getattr(exc, "certificate_error", exc)
    code = getattr(err, "verify_code", None)
    message = getattr(err, "verify_message", None) or str(err)
    names = {
        10: "certificate expired",
        9: "certificate not yet valid",
        18: "self-signed certificate",
        19: "self-signed certificate in chain",
        20: "unknown issuer (chain incomplete or untrusted)",
        62: "hostname mismatch",
        21: "unable to verify the first certificate",
        64: "hostname mismatch (IP address)",
    }
    return names.get(code or -1, f"certificate invalid: {message}")


# -- security headers --------------------------------------------------------------------------

RECOMMEND = {
    "strict-transport-security": "Send Strict-Transport-Security: max-age=31536000; includeSubDomains",
    "content-security-policy": "Define a Content-Security-Policy without 'unsafe-inline'/'unsafe-eval'",
    "x-content-type-options": "Send X-Content-Type-Options: nosniff",
    "frame-protection": "Send X-Frame-Options: DENY (or CSP frame-ancestors 'none')",
    "referrer-policy": "Send Referrer-Policy: strict-origin-when-cross-origin (or stricter)",
    "permissions-policy": "Send a Permissions-Policy that disables unused features (camera=(), …)",
}


def grade_headers(headers: Any, https: bool) -> dict[str, Any]:
    """Each security header present|missing|weak with a one-line recommendation; grade A–F."""
    get = lambda name: (headers.get(name) or "").strip()  # noqa: E731
    out: dict[str, dict[str, str | None]] = {}

    def put(name: str, state: str, value: str) -> None:
        out[name] = {
            "state": state,
            "value": value[:300] or None,
            "recommendation": None if state == "present" else RECOMMEND[name],
        }

    hsts = get("Strict-Transport-Security")
    if not https:
        put("strict-transport-security", "missing", "")
        out["strict-transport-security"]["recommendation"] = "Serve the site over HTTPS with HSTS"
    elif not hsts:
        put("strict-transport-security", "missing", "")
    else:
        max_age = 0
        for part in hsts.split(";"):
            k, _, v = part.strip().partition("=")
            seconds = v.strip().strip('"')
            if k.lower() == "max-age" and seconds.isascii() and seconds.isdigit():
                max_age = int(seconds)
        put("strict-transport-security", "present" if max_age >= 15552000 else "weak", hsts)
    csp = get("Content-Security-Policy")
    if not csp:
        put("content-security-policy", "missing", "")
    else:
        weak = "'unsafe-inline'" in csp or "'unsafe-eval'" in csp
        put("content-security-policy", "weak" if weak else "present", csp)
    xcto = get("X-Content-Type-Options")
    put(
        "x-content-type-options",
        "present" if xcto.lower() == "nosniff" else ("weak" if xcto else "missing"),
        xcto,
    )
    xfo = get("X-Frame-Options")
    if "frame-ancestors" in csp.lower() or xfo.upper() in ("DENY", "SAMEORIGIN"):
        put("frame-protection", "present", xfo or "frame-ancestors")
    else:
        put("frame-protection", "weak" if xfo else "missing", xfo)
    rp = get("Referrer-Policy")
    weak_rp = rp.lower() in ("unsafe-url", "no-referrer-when-downgrade")
    put("referrer-policy", "missing" if not rp else ("weak" if weak_rp else "present"), rp)
    pp = get("Permissions-Policy")
    put("permissions-policy", "present" if pp else "missing", pp)
    score = sum(2 if v["state"] == "present" else 1 if v["state"] == "weak" else 0 for v in out.values())
    grade = (
        "A"
        if score >= 11
        else "B"
        if score >= 9
        else "C"
        if score >= 7
        else "D"
        if score >= 5
        else "E"
        if score >= 3
        else "F"
    )
    return {"grade": grade, "score": score, "items": out}


# -- the engine --------------------------------------------------------------------------------


@dataclass
class _Hop:
    """One request: its connection and what was measured while making it."""

    conn: http1.Connection
    connect_ms: float
    tls_ms: float | None


class Engine:
    """Checks a batch concurrently. ``resolve`` replaces DNS (tests feed hostile answers)."""

    def __init__(
        self, concurrency: int = 1000, timeout_s: float | None = None, resolve: netguard.Resolve | None = None
    ) -> None:
        self.concurrency = concurrency
        # VIGIL_CHECK_TIMEOUT_S lets tests keep "timeout" cases short; 10 s otherwise
        self.timeout_s = timeout_s or settings.check_timeout_s(CHECK_TIMEOUT_S)
        self.resolve = resolve

    def run(self, targets: list[Target]) -> list[Outcome]:
        """Synchronous entry for the worker (one event loop per batch)."""
        return asyncio.run(self.check_all(targets))

    async def check_all(self, targets: list[Target]) -> list[Outcome]:
        self._dns: dict[str, float] = {}
        self._answers: dict[str, list[str]] = {}
        self._resolving: dict[tuple[str, int], asyncio.Future[list[netguard.IPAddress]]] = {}
        self._verified, self._inspect = ssl_contexts()
        #: connection attempts in flight at once: a burst of 1,000 SYNs overflows listen queues
        #: (then the kernel retransmits after 1 s, 3 s …), a bounded ramp finishes sooner
        self._connect_slots = asyncio.Semaphore(settings.check_connect_parallel())
        sem = asyncio.Semaphore(max(1, min(self.concurrency, len(targets))))

        async def one(t: Target) -> Outcome:
            async with sem:
                return await self.check(t)

        try:
            return list(await asyncio.gather(*(one(t) for t in targets)))
        finally:
            self._resolving.clear()

    async def check(self, target: Target) -> Outcome:
        now = clock.now()
        out = Outcome(key=target.key, state="down", checked_at=now)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout_s):
                await self._availability(target, out, started)
        except TimeoutError:
            out.state, out.error = "down", f"timeout after {self.timeout_s:g} s"
        except netguard.Refused as exc:
            out.state, out.error = "down", f"refused by the SSRF guard: {exc}"
        except Exception as exc:
            out.state, out.error = "down", _network_error(exc)
        out.timings["total_ms"] = round((time.perf_counter() - started) * 1000)
        if out.status_code is not None and out.response_ms is None:
            out.response_ms = out.timings["total_ms"]
        host = (urlsplit(target.url).hostname or "").lower()
        if host in self._dns:
            out.timings["dns_ms"] = round(self._dns[host])
        if target.checks.get("dns", {}).get("enabled", True):
            out.dns = self._dns_result(host)
        return out

    def _dns_result(self, host: str) -> dict[str, Any]:
        if netguard.parse_ip_literal(host) is not None:
            return {"ok": True, "skipped": "IP address"}
        ms = self._dns.get(host)
        addrs = self._answers.get(host, [])
        return {
            "ok": ms is not None,
            "time_ms": round(ms) if ms is not None else None,
            "a": [a for a in addrs if ":" not in a],
            "aaaa": [a for a in addrs if ":" in a],
        }

    async def _addresses(self, host: str, port: int) -> list[netguard.IPAddress]:
        """Vetted addresses of a hop's host: an IP literal as is (``vet_url`` vetted it), a name
        resolved by the guard once per batch (concurrent checks of one host share the answer)."""
        literal = netguard.parse_ip_literal(host)
        if literal is not None:
            return [literal]
        key = (host.lower(), port)
        pending = self._resolving.get(key)
        if pending is None:
            pending = self._resolving[key] = asyncio.ensure_future(self._resolve(host, port))
        return await asyncio.shield(pending)  # a check timing out must not cancel the others' answer

    async def _resolve(self, host: str, port: int) -> list[netguard.IPAddress]:
        started = time.perf_counter()
        addrs = await netguard.resolve_vetted_async(host, port, self.resolve)
        self._dns[host.lower()] = (time.perf_counter() - started) * 1000
        self._answers[host.lower()] = [str(a) for a in addrs]
        return addrs

    async def _open(self, parts: SplitResult, ctx: ssl.SSLContext | None) -> _Hop:
        """TCP connect to the vetted addresses (happy eyeballs), then the TLS handshake if any."""
        import aiohappyeyeballs

        host = parts.hostname or ""
        port = parts.port or (443 if ctx else 80)
        addrs = await self._addresses(host, port)
        infos = [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (str(a), port, 0, 0))
            if a.version == 6
            else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (str(a), port))
            for a in addrs
        ]
        async with self._connect_slots:
            t0 = time.perf_counter()
            sock = await aiohappyeyeballs.start_connection(infos, happy_eyeballs_delay=0.25)
            t1 = time.perf_counter()
        if ctx is None:
            return _Hop(http1.Connection(sock, http1.HEAD_LIMIT), (t1 - t0) * 1000, None)
        conn = await http1.Connection.handshake(sock, ctx, host, http1.HEAD_LIMIT)
        return _Hop(conn, (t1 - t0) * 1000, (time.perf_counter() - t1) * 1000)

    async def _availability(self, target: Target, out: Outcome, started: float) -> None:
        avail = target.checks.get("availability", {}) or {}
        cert_cfg = target.checks.get("certificate", {}) or {}
        keep_body = bool(avail.get("keyword"))
        url = target.url
        seen = {url}
        cert_done = False
        for hop_no in range(MAX_HOPS + 1):
            url = netguard.vet_url(url)  # request exactly the form that was vetted
            parts = urlsplit(url)
            https = parts.scheme == "https"
            cert_error: str | None = None
            try:
                hop = await self._open(parts, self._verified if https else None)
            except ssl.SSLCertVerificationError as exc:
                cert_error = _verify_finding(exc)
                hop = await self._open(parts, self._inspect)
            try:
                if https and not cert_done and cert_cfg.get("enabled", True):
                    sslobj = hop.conn.ssl_object
                    der = sslobj.getpeercert(binary_form=True) if sslobj else None
                    if sslobj is not None and der:
                        cipher = sslobj.cipher()
                        out.certificate = describe_certificate(
                            der, sslobj.version(), cipher[0] if cipher else None, out.checked_at
                        )
                        if cert_error:
                            out.certificate["valid"] = False
                            out.certificate["findings"].insert(0, cert_error)
                    cert_done = True
                await hop.conn.send(http1.request_bytes(parts, USER_AGENT))
                sent = time.perf_counter()
                status, headers = await http1.read_head(hop.conn.reader)
                first_byte = time.perf_counter()
                out.timings["connect_ms"] = round(hop.connect_ms)
                out.timings["tls_ms"] = round(hop.tls_ms) if hop.tls_ms is not None else None
                out.timings["first_byte_ms"] = round((first_byte - sent) * 1000)
                out.status_code = status
                location = headers.get("Location")
                if 300 <= status < 400 and location and hop_no < MAX_HOPS:
                    nxt = urljoin(url, location)
                    if nxt in seen:
                        raise RedirectLoop(f"redirect loop at {nxt[:200]}")
                    seen.add(nxt)
                    url = nxt
                    out.hops = hop_no + 1
                    continue
                if 300 <= status < 400 and location:
                    raise RedirectLoop(f"more than {MAX_HOPS} redirects")
                body = await http1.read_body(
                    hop.conn.reader, status, headers, keep=keep_body, limit=BODY_LIMIT
                )
                out.response_ms = round((time.perf_counter() - started) * 1000)
                out.final_url = url
                if target.checks.get("headers", {}).get("enabled", True):
                    out.headers = grade_headers(headers, https)
                self._judge(out, avail, body, http1.charset(headers) or "utf-8", cert_error)
                return
            finally:
                hop.conn.close()  # the answer is read (or abandoned): no TLS close_notify round
        raise RedirectLoop(f"more than {MAX_HOPS} redirects")

    @staticmethod
    def _judge(
        out: Outcome, avail: dict[str, Any], body: bytes, encoding: str, cert_error: str | None
    ) -> None:
        lo, hi = int(avail.get("expected_status_min", 200)), int(avail.get("expected_status_max", 399))
        code = out.status_code or 0
        if not lo <= code <= hi:
            out.state, out.error = "down", f"HTTP {code} (expected {lo}–{hi})"
            return
        keyword = avail.get("keyword")
        if keyword:
            text = body.decode(encoding or "utf-8", errors="replace")
            found = keyword in text
            if avail.get("keyword_mode", "present") == "present" and not found:
                out.state, out.error = "down", f"keyword {keyword!r} not found"
                return
            if avail.get("keyword_mode") == "absent" and found:
                out.state, out.error = "down", f"keyword {keyword!r} found"
                return
        if cert_error:
            out.state, out.error = "down", cert_error
            return
        out.state = "up"
        limit = avail.get("max_response_ms")
        if limit and out.response_ms is not None and out.response_ms > int(limit):
            out.state = "degraded"
            out.findings.append(f"slow: {out.response_ms} ms > {int(limit)} ms")
        if out.certificate and out.certificate.get("findings"):
            out.state = "degraded"
            out.findings.extend(out.certificate["findings"])


class RedirectLoop(Exception):
    pass


def _network_error(exc: BaseException) -> str:
    if isinstance(exc, RedirectLoop):
        return str(exc)
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, netguard.Refused):
        return f"refused by the SSRF guard: {cause}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS handshake failed: {exc}"[:300]
    if isinstance(exc, http1.InvalidResponse):
        return f"invalid response: {exc}"[:300]
    if isinstance(exc, OSError):
        return f"connection failed: {exc}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]
