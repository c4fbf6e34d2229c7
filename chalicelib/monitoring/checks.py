"""The check engine: availability, TLS certificate, security headers and DNS for a batch.

All targets of a batch are checked concurrently on one aiohttp session (C HTTP parser) whose
resolver is the SSRF guard's (``netguard.guarded_resolver``): names are resolved once and
connections go only to vetted addresses; IP-literal hosts and every redirect hop are vetted with
``netguard.vet_url`` before the request. Each check has its own 10 s budget. aiohttp is imported
inside functions so that the API's cold start does not pay for it.

Timings per check (ms): ``dns_ms`` (the guard's resolution of the host, 0 when cached or an IP
literal), ``connect_ms`` (TCP connect), ``tls_ms`` (TLS handshake, https only; both measured by
``InspectingConnector``, which also keeps the peer certificate), ``first_byte_ms``
(request sent → response headers of the last hop), ``total_ms`` (start → body read, all hops).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from chalicelib import clock, netguard, settings

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
    """(verifying, inspecting) contexts; both accept old protocols so that they can be reported."""
    verified = ssl.create_default_context()
    extra = ca_file()
    if extra:
        verified.load_verify_locations(cafile=extra)
    inspect = ssl.create_default_context()
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
    not_after = cert.not_valid_after_utc
    not_before = cert.not_valid_before_utc
    findings = []
    if protocol in OUTDATED_PROTOCOLS:
        findings.append(f"outdated protocol {protocol}: allow TLS 1.2 and 1.3 only")
    if key_type == "RSA" and bits is not None and bits < 2048:
        findings.append(f"weak key: RSA {bits} bit")
    return {
        "valid": True,
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "serial": format(cert.serial_number, "x"),
        "not_before": clock.iso(not_before),
        "not_after": clock.iso(not_after),
        "days_left": int((not_after - now).total_seconds() // 86400),
        "key_type": key_type,
        "key_bits": bits,
        "protocol": protocol,
        "cipher": cipher,
        "findings": findings,
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


def _peer(ctx: dict[str, Any]) -> tuple[bytes | None, str | None, str | None]:
    sslobj = ctx.get("ssl_object")
    if sslobj is None:
        return None, None, None
    cipher = sslobj.cipher()
    return sslobj.getpeercert(binary_form=True), sslobj.version(), cipher[0] if cipher else None


def _request_ctx(req: Any) -> dict[str, Any] | None:
    """The per-check dict given as ``trace_request_ctx`` (aiohttp keeps it on the request's traces)."""
    for trace in getattr(req, "_traces", None) or ():
        found = getattr(getattr(trace, "_trace_config_ctx", None), "trace_request_ctx", None)
        if isinstance(found, dict):
            return found
    return None


def _connector_class() -> Any:
    """A TCPConnector that times TCP connect and TLS handshake apart and keeps the TLS object.

    aiohttp connects in one step and releases a connection as soon as a short body is read, so
    the peer certificate and the phase timings are taken here, while the connection is made.
    """
    import aiohappyeyeballs
    import aiohttp

    class InspectingConnector(aiohttp.TCPConnector):
        #: connection attempts in flight at once: a burst of 1,000 SYNs overflows listen queues
        #: (then the kernel retransmits after 1 s, 3 s …), a bounded ramp finishes sooner
        connect_slots = asyncio.Semaphore(settings.check_connect_parallel())

        async def _wrap_create_connection(
            self,
            *args: Any,
            addr_infos: Any,
            req: Any,
            timeout: Any,
            client_error: type = aiohttp.ClientConnectorError,
            **kwargs: Any,
        ) -> Any:
            ctx = _request_ctx(req)
            try:
                async with asyncio.timeout(timeout.sock_connect):
                    async with self.connect_slots:
                        t0 = time.perf_counter()
                        sock = await aiohappyeyeballs.start_connection(addr_infos=addr_infos, loop=self._loop)
                        t1 = time.perf_counter()
                    transport, proto = await self._loop.create_connection(*args, **kwargs, sock=sock)
            except ssl.SSLCertVerificationError as exc:
                raise aiohttp.ClientConnectorCertificateError(req.connection_key, exc) from exc
            except ssl.SSLError as exc:
                raise aiohttp.ClientConnectorSSLError(req.connection_key, exc) from exc
            except OSError as exc:
                if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                    raise
                raise client_error(req.connection_key, exc) from exc
            if ctx is not None:
                t2 = time.perf_counter()
                ctx["connect_ms"] = (t1 - t0) * 1000
                if kwargs.get("ssl"):
                    ctx["tls_ms"] = (t2 - t1) * 1000
                    ctx["ssl_object"] = transport.get_extra_info("ssl_object")
            return transport, proto

    return InspectingConnector


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
            if k.lower() == "max-age" and v.strip().strip('"').isdigit():
                max_age = int(v.strip().strip('"'))
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
        import aiohttp

        self._dns: dict[str, float] = {}
        self._answers: dict[str, list[str]] = {}
        self._verified, self._inspect = ssl_contexts()
        trace = aiohttp.TraceConfig()
        trace.on_request_headers_sent.append(self._sent)
        connector = _connector_class()(
            limit=0,
            force_close=True,
            resolver=netguard.guarded_resolver(self.resolve, self._dns, self._answers),
            ttl_dns_cache=10,
            ssl=self._verified,
            enable_cleanup_closed=False,
        )
        sem = asyncio.Semaphore(self.concurrency)
        async with aiohttp.ClientSession(
            connector=connector,
            trace_configs=[trace],
            auto_decompress=True,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.timeout_s),
            headers={"User-Agent": USER_AGENT},
            cookie_jar=aiohttp.DummyCookieJar(),
        ) as session:

            async def one(t: Target) -> Outcome:
                async with sem:
                    return await self.check(session, t)

            return list(await asyncio.gather(*(one(t) for t in targets)))

    @staticmethod
    async def _sent(_s: Any, ctx: Any, _p: Any) -> None:
        ctx.trace_request_ctx["sent_t"] = time.perf_counter()

    async def check(self, session: Any, target: Target) -> Outcome:
        now = clock.now()
        out = Outcome(key=target.key, state="down", checked_at=now)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout_s):
                await self._availability(session, target, out, started)
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

    async def _availability(self, session: Any, target: Target, out: Outcome, started: float) -> None:
        import aiohttp

        avail = target.checks.get("availability", {}) or {}
        cert_cfg = target.checks.get("certificate", {}) or {}
        url = target.url
        seen = {url}
        cert_done = False
        for hop in range(MAX_HOPS + 1):
            url = netguard.vet_url(url)  # request exactly the form that was vetted
            https = url.startswith("https:")
            ctx: dict[str, Any] = {}
            hop_t0 = time.perf_counter()
            cert_error: str | None = None
            try:
                resp = await session.get(
                    url, allow_redirects=False, trace_request_ctx=ctx, ssl=self._verified if https else None
                )
            except aiohttp.ClientConnectorCertificateError as exc:
                cert_error = _verify_finding(exc)
                resp = await session.get(url, allow_redirects=False, trace_request_ctx=ctx, ssl=self._inspect)
            async with resp:
                first_byte = time.perf_counter()
                if https and not cert_done and cert_cfg.get("enabled", True):
                    der, proto, cipher = _peer(ctx)
                    if der:
                        out.certificate = describe_certificate(der, proto, cipher, out.checked_at)
                        if cert_error:
                            out.certificate["valid"] = False
                            out.certificate["findings"].insert(0, cert_error)
                    cert_done = True
                out.timings["connect_ms"] = round(ctx.get("connect_ms", 0))
                out.timings["tls_ms"] = round(ctx["tls_ms"]) if "tls_ms" in ctx else None
                out.timings["first_byte_ms"] = round((first_byte - ctx.get("sent_t", hop_t0)) * 1000)
                out.status_code = resp.status
                location = resp.headers.get("Location")
                if 300 <= resp.status < 400 and location and hop < MAX_HOPS:
                    nxt = urljoin(url, location)
                    if nxt in seen:
                        raise RedirectLoop(f"redirect loop at {nxt[:200]}")
                    seen.add(nxt)
                    url = nxt
                    out.hops = hop + 1
                    continue
                if 300 <= resp.status < 400 and location:
                    raise RedirectLoop(f"more than {MAX_HOPS} redirects")
                body = bytearray()
                while len(body) < BODY_LIMIT:
                    chunk = await resp.content.read(BODY_LIMIT - len(body))
                    if not chunk:
                        break
                    body += chunk
                out.response_ms = round((time.perf_counter() - started) * 1000)
                out.final_url = url
                if target.checks.get("headers", {}).get("enabled", True):
                    out.headers = grade_headers(resp.headers, https)
                self._judge(out, avail, bytes(body), resp.charset or "utf-8", cert_error)
                return
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
    import aiohttp

    if isinstance(exc, RedirectLoop):
        return str(exc)
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, netguard.Refused):
        return f"refused by the SSRF guard: {cause}"
    if isinstance(exc, aiohttp.ClientSSLError):
        return f"TLS handshake failed: {getattr(exc, 'os_error', exc)}"[:300]
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"connection failed: {exc.os_error}"[:300]
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"invalid response: {exc.message}"[:300]
    if isinstance(exc, aiohttp.ClientError):
        return f"{type(exc).__name__}: {exc}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]
