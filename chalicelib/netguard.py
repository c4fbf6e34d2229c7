"""SSRF guard: the one gate for every request to a user-supplied URL (checks, redirects, webhooks).

How it is used:
- ``normalize_url`` at create/update time: http/https only, at most 2,048 characters, no
  credentials, IDN host converted to punycode; IP-literal hosts (in every spelling: decimal,
  octal, hex, shortened) are vetted at once.
- ``vet_url`` before every hop of a request (the first URL and each redirect target): the host
  must be a name or a public address.
- ``resolve_vetted_async`` (the check engine) and ``GuardedResolver`` (an aiohttp resolver for
  webhooks, built by ``guarded_resolver()``) resolve a name **once**, refuse the whole answer if
  any address is forbidden, and hand the client only the vetted addresses: the connection goes
  to exactly the address that was checked, so a DNS rebinding answer cannot slip in between
  check and connect.

Refused: loopback, RFC 1918, CGNAT (100.64/10), link-local (169.254/16 incl. the metadata
address 169.254.169.254), multicast, reserved, unspecified, benchmarking/test nets, IPv6 loopback,
ULA, link-local, site-local, and IPv4-mapped/-compatible/NAT64/6to4 forms of all of these.
Only configuration widens this: ``VIGIL_CHECK_ALLOW_CIDRS`` (``settings.check_allow_cidrs()``),
used by the local demo and the tests.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from chalicelib import errors, settings

if TYPE_CHECKING:
    from aiohttp.abc import ResolveResult  # typing only: aiohttp stays off the cold-start path

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LENGTH = 2048

#: Names that point at cloud metadata services or the host itself whatever DNS says.
_BLOCKED_NAMES = (
    "localhost",
    "metadata.google.internal",
    "metadata",
    "instance-data",
    "metadata.azure.internal",
)
_BLOCKED_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain", ".home.arpa")

_EXTRA_BLOCKED = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "64:ff9b:1::/48",
        "100::/64",
        "2001:db8::/32",
        "fec0::/10",
    )
]


_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")


class Refused(errors.Invalid):
    """A URL or address the guard does not let a request go to; ``str()`` says why (in English),
    ``code``/``params`` name the catalog message (``field.<code>``) for the caller's language."""


def _allowed_networks() -> tuple[Any, ...]:
    return _parse_networks(tuple(settings.check_allow_cidrs()))


@functools.lru_cache(maxsize=8)
def _parse_networks(cidrs: tuple[str, ...]) -> tuple[Any, ...]:
    """The configured allowance parsed once per value (it is read on every vetted address)."""
    out = []
    for cidr in cidrs:
        try:
            out.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue  # a malformed allowance widens nothing
    return tuple(out)


def _embedded_v4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in mapped, compatible, NAT64 and 6to4 IPv6 forms."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    packed = addr.packed
    if (
        packed[:12] == bytes(12)
        and addr != ipaddress.IPv6Address("::")
        and addr != ipaddress.IPv6Address("::1")
    ):
        return ipaddress.IPv4Address(packed[12:])  # deprecated IPv4-compatible ::a.b.c.d
    if addr in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(packed[12:])
    return None


def why_forbidden(addr: IPAddress) -> str | None:
    """Reason the address may not be contacted, or None when it may."""
    for net in _allowed_networks():
        if addr.version == net.version and addr in net:
            return None
    if isinstance(addr, ipaddress.IPv6Address):
        inner = _embedded_v4(addr)
        if inner is not None:
            reason = why_forbidden(inner)
            return f"{reason} (embedded in IPv6)" if reason else None
        if addr.scope_id:
            return "scoped IPv6 address"
    checks = (
        ("unspecified", addr.is_unspecified),
        ("loopback", addr.is_loopback),
        ("link-local", addr.is_link_local),
        ("multicast", addr.is_multicast),
        ("private", addr.is_private),
        ("reserved", addr.is_reserved),
    )
    for name, hit in checks:
        if hit:
            if str(addr) == "169.254.169.254":
                return "cloud metadata address"
            return f"{name} address"
    for net in _EXTRA_BLOCKED:
        if addr.version == net.version and addr in net:
            return "shared/reserved address"
    if not addr.is_global:
        return "non-public address"
    return None


def vet_address(value: str | IPAddress) -> IPAddress:
    """The address (given as text or already parsed) if it may be contacted, else ``Refused``."""
    if "%" in str(value):
        raise Refused("url_scoped_ipv6")
    addr = ipaddress.ip_address(value) if isinstance(value, str) else value
    reason = why_forbidden(addr)
    if reason:
        raise Refused("url_forbidden_address", addr=str(addr))
    return addr


@functools.lru_cache(maxsize=4096)  # pure, and asked several times per check of the same host
def parse_ip_literal(host: str) -> IPAddress | None:
    """An IP address in any spelling browsers and libc accept (``0x7f.1``, ``2130706433``, ``0``)."""
    h = host.strip("[]")
    try:
        return ipaddress.ip_address(h)
    except ValueError:
        pass
    if ":" in h:
        return None
    try:
        # inet_aton accepts decimal, octal and hex parts and shortened forms like libc does.
        return ipaddress.IPv4Address(socket.inet_aton(h))
    except OSError:
        return None


@functools.lru_cache(maxsize=4096)  # pure; exceptions are not cached
def _idna(host: str) -> str:
    import idna

    try:
        return idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError as exc:
        raise Refused("url_host_invalid", host=host) from exc


#: A last label that makes a host an IPv4 address for URL parsers (WHATWG "ends in a number").
_NUMBER_LIKE_LABEL = re.compile(r"(?:[0-9]+|0[xX][0-9a-fA-F]*)")


def _vet_name(host: str) -> None:
    lowered = host.rstrip(".").lower()
    if _NUMBER_LIKE_LABEL.fullmatch(lowered.rpartition(".")[2]):
        # `127.0.0.1.`, `999.0.0.1`, `1.2.3.4.5`: no name, and no address either; refused here,
        # not left to whatever a resolver makes of it.
        raise Refused("url_not_canonical_ip", host=host)
    if (lowered in _BLOCKED_NAMES or lowered.endswith(_BLOCKED_SUFFIXES)) and not _allowed_networks():
        raise Refused("url_internal_name", host=host)
        # a configured allowance (local demo) may point such names at allowed ranges
    if "." not in lowered and lowered not in _BLOCKED_NAMES:
        raise Refused("url_not_fqdn", host=host)


def normalize_url(raw: str) -> str:
    """The canonical form of a user-supplied URL, or ``Refused`` with the reason."""
    url = (raw or "").strip()
    if not url:
        raise Refused("url_required")
    if len(url) > MAX_URL_LENGTH:
        raise Refused("url_too_long", max_length=MAX_URL_LENGTH)
    if _CONTROL_OR_SPACE.search(url):
        raise Refused("url_spaces")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused("url_scheme")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise Refused("url_credentials")
    host = parts.hostname
    if not host:
        raise Refused("url_no_host")
    try:
        port = parts.port
    except ValueError as exc:
        raise Refused("url_port") from exc
    if port == 0:
        raise Refused("url_port")
    literal = parse_ip_literal(host)
    if literal is not None:
        vet_address(literal)
        if literal.version == 4 and str(literal) != host:
            # `0x7f.1`, `2130706433`, `010.0.0.1`: read differently by different parsers
            raise Refused("url_not_canonical_ip_write", host=host, literal=literal)
        host_out = f"[{literal}]" if literal.version == 6 else str(literal)
    else:
        host_out = _idna(host)
        # IDN mapping can turn look-alikes (fullwidth or circled digits and letters) into an
        # address or an internal name: vet what the host became, not what it looked like.
        mapped = parse_ip_literal(host_out)
        if mapped is not None:
            vet_address(mapped)
            host_out = str(mapped)
        else:
            _vet_name(host_out)
    netloc = host_out + (f":{port}" if port else "")
    out = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    if len(out) > MAX_URL_LENGTH:
        raise Refused("url_too_long", max_length=MAX_URL_LENGTH)
    return out


def vet_url(url: str) -> str:
    """Check one hop (first URL or a redirect target) before a request goes out."""
    return normalize_url(url)


Resolve = Callable[[str, int], list[tuple[int, str]]]


def _system_resolve(host: str, port: int) -> list[tuple[int, str]]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [(int(fam), str(sockaddr[0])) for fam, _t, _p, _c, sockaddr in infos]


def resolve_vetted(host: str, port: int, resolve: Resolve | None = None) -> list[IPAddress]:
    """Resolve a name once and vet every answer; refuse if any address is forbidden."""
    _vet_name(host)
    try:
        answers = (resolve or _system_resolve)(host, port)
    except OSError as exc:
        raise Refused("url_unresolvable", host=host) from exc
    if not answers:
        raise Refused("url_unresolvable", host=host)
    out = []
    for _fam, address in answers:
        addr = vet_address(address)
        if addr not in out:
            out.append(addr)
    return out


async def resolve_vetted_async(host: str, port: int, resolve: Resolve | None = None) -> list[IPAddress]:
    """``resolve_vetted`` on the running loop: the system resolver runs in the loop's executor."""
    if resolve is not None:
        return resolve_vetted(host, port, resolve)
    import asyncio

    _vet_name(host)  # an internal name is refused before any DNS query for it goes out
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found = [(int(f), str(sa[0])) for f, _t, _p, _c, sa in infos]
    return resolve_vetted(host, port, lambda _h, _p: found)


def guarded_resolver(
    resolve: Resolve | None = None,
    timings: dict[str, float] | None = None,
    answers: dict[str, list[str]] | None = None,
) -> Any:
    """An aiohttp resolver that only ever returns vetted addresses (aiohttp imported lazily).

    ``resolve`` replaces the system resolver (tests use it to simulate hostile DNS answers);
    ``timings`` collects the resolution time of each host in milliseconds, ``answers`` the
    vetted addresses (A and AAAA) of each host.
    """
    from aiohttp.abc import AbstractResolver

    class GuardedResolver(AbstractResolver):
        async def resolve(
            self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
        ) -> list[ResolveResult]:
            started = time.perf_counter()
            addrs = await resolve_vetted_async(host, port, resolve)
            if timings is not None:
                timings[host.lower()] = (time.perf_counter() - started) * 1000
            if answers is not None:
                answers[host.lower()] = [str(a) for a in addrs]
            return [
                {
                    "hostname": host,
                    "host": str(a),
                    "port": port,
                    "family": socket.AF_INET6 if a.version == 6 else socket.AF_INET,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
                for a in addrs
            ]

        async def close(self) -> None:
            return None

    return GuardedResolver()
