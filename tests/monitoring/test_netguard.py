"""SSRF guard: a corpus of hostile URLs is refused at create where possible and always at check time."""

from __future__ import annotations

import pytest

from chalicelib import netguard
from chalicelib.monitoring.checks import Engine, Target
from tests.support.api import error_fields

#: URLs whose host is an address in a forbidden range, in many spellings.
LITERAL_CORPUS = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://2130706433/",  # decimal 127.0.0.1
    "http://017700000001/",  # octal
    "http://0x7f000001/",  # hex
    "http://0x7f.0.0.1/",  # mixed hex part
    "http://0177.0.0.1/",  # octal part
    "http://0/",  # 0.0.0.0
    "http://0.0.0.0:8080/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "http://[::ffff:7f00:1]/",  # same, hex form
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 form of the metadata address
    "http://[2002:a9fe:a9fe::]/",  # 6to4 form of the metadata address
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.0.1/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # CGNAT
    "http://224.0.0.1/",  # multicast
    "http://240.0.0.1/",  # reserved
    "http://255.255.255.255/",
    "http://[fc00::1]/",  # ULA
    "http://[fd12:3456::1]/",
    "http://[fe80::1]/",  # link-local
    "http://[ff02::1]/",  # multicast
    "https://[::ffff:10.0.0.1]:8443/",
]

#: Names that are internal whatever DNS says.
NAME_CORPUS = [
    "http://localhost/",
    "http://LOCALHOST./",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata/",
    "http://printer.local/",
    "http://something.localhost/",
    "http://intranet/",
    "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/",  # IDN: circled letters map to localhost
    "http://１２７.０.０.１/",  # IDN: fullwidth digits map to 127.0.0.1
    "http://①⑦②.①⑥.0.1/",  # IDN: circled digits map to 172.16.0.1
]

#: Names that resolve to forbidden addresses (through the test resolver).
HOSTILE_DNS = {
    "ten.example.com": ["10.0.0.1"],
    "mixed.example.com": ["93.184.216.34", "10.0.0.1"],  # one bad answer spoils the lot
    "loop6.example.com": ["::1"],
    "mapped.example.com": ["::ffff:192.168.0.1"],
    "meta.example.com": ["169.254.169.254"],
    "xn--bcher-kva.example": ["127.0.0.1"],  # IDN trick resolving to loopback
}


def hostile_resolver(host: str, port: int) -> list[tuple[int, str]]:
    import socket

    answers = HOSTILE_DNS.get(host.lower().rstrip("."))
    if answers is None:
        raise socket.gaierror(f"{host} unknown to the test resolver")
    return [(socket.AF_INET6 if ":" in a else socket.AF_INET, a) for a in answers]


@pytest.mark.unit
def test_corpus_is_large_enough():
    assert len(LITERAL_CORPUS) + len(NAME_CORPUS) + len(HOSTILE_DNS) >= 25


@pytest.mark.unit
def test_refused_at_normalisation():
    # one test for the whole corpus, not one per URL
    for url in LITERAL_CORPUS + NAME_CORPUS:
        with pytest.raises(netguard.Refused):
            netguard.normalize_url(url)
            pytest.fail(f"{url} was accepted")


def test_refused_at_create_through_the_api(api, customer):
    org_id, token = customer
    for url in LITERAL_CORPUS + NAME_CORPUS:
        r = api.post(f"/orgs/{org_id}/endpoints", token, {"name": "x", "url": url})
        assert r.status == 400, (url, r)
        assert "url" in error_fields(r.json)
    from chalicelib.monitoring.models import Endpoint

    assert list(Endpoint.query(f"ORG#{org_id}")) == []


@pytest.mark.unit
def test_always_refused_at_check_time(monkeypatch):
    """Even if a hostile URL got stored (older rules, a changed DNS answer), no request goes out."""
    monkeypatch.setenv("VIGIL_CHECK_TIMEOUT_S", "2")
    urls = LITERAL_CORPUS + NAME_CORPUS + [f"http://{h}/" for h in HOSTILE_DNS] + ["http://bücher.example/"]
    targets = [Target(key=str(i), url=u) for i, u in enumerate(urls)]
    outcomes = Engine(resolve=hostile_resolver).run(targets)
    for url, out in zip(urls, outcomes, strict=True):
        assert out.state == "down", url
        assert out.status_code is None, url
        assert "SSRF guard" in (out.error or ""), (url, out.error)


@pytest.mark.unit
def test_redirect_to_private_address_is_refused(web, monkeypatch):
    monkeypatch.setenv("VIGIL_CHECK_ALLOW_CIDRS", "127.0.0.1/32")
    monkeypatch.setenv("VIGIL_CHECK_TIMEOUT_S", "2")
    hops = [
        "http://127.0.0.2/",
        "http://[::1]:80/",
        "http://169.254.169.254/latest/",
        "http://0x7f000002/",
        "http://ten.example.com/",
        "http://localhost/",
    ]  # 127.0.0.1 itself is allowed here
    targets = [Target(str(i), f"{web.base}/to?url={h}") for i, h in enumerate(hops)]
    for hop, out in zip(hops, Engine(resolve=hostile_resolver).run(targets), strict=True):
        assert out.state == "down" and out.status_code == 302, hop
        assert "SSRF guard" in (out.error or ""), (hop, out.error)
        assert out.hops == 1


@pytest.mark.unit
def test_connection_goes_to_the_vetted_address(web, monkeypatch):
    """The name is resolved once, by the guard: a name only the test resolver knows still
    connects (no second, system resolution), and a mixed answer is refused as a whole."""
    monkeypatch.setenv("VIGIL_CHECK_ALLOW_CIDRS", "127.0.0.1/32")

    def resolver(host, port):
        import socket

        calls.append(host)
        return {
            "rebind.example.com": [(socket.AF_INET, "127.0.0.1")],
            "mixed.example.com": [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "10.0.0.1")],
        }[host]

    calls: list[str] = []
    outs = Engine(resolve=resolver).run(
        [
            Target("a", f"http://rebind.example.com:{web.port}/healthy"),
            Target("b", f"http://mixed.example.com:{web.port}/healthy"),
        ]
    )
    assert outs[0].state == "up" and outs[0].status_code == 200
    dns = outs[0].dns or {}
    assert dns["ok"] is True and dns["a"] == ["127.0.0.1"]
    assert outs[1].state == "down" and "10.0.0.1" in (outs[1].error or "")
    assert calls.count("rebind.example.com") == 1


@pytest.mark.unit
def test_allowance_only_by_configuration(monkeypatch):
    monkeypatch.delenv("VIGIL_CHECK_ALLOW_CIDRS", raising=False)
    with pytest.raises(netguard.Refused):
        netguard.normalize_url("http://127.0.0.1:8080/")
    monkeypatch.setenv("VIGIL_CHECK_ALLOW_CIDRS", "127.0.0.1/32, not-a-cidr")
    assert netguard.normalize_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"
    with pytest.raises(netguard.Refused):
        netguard.normalize_url("http://127.0.0.2:8080/")  # the allowance is exact
    with pytest.raises(netguard.Refused):
        netguard.normalize_url("http://[::ffff:10.0.0.1]/")


@pytest.mark.unit
def test_url_rules():
    assert (
        netguard.normalize_url("HTTPS://Bücher.Example/pfad?x=1#frag")
        == "https://xn--bcher-kva.example/pfad?x=1"
    )
    assert netguard.normalize_url("http://93.184.216.34:8080") == "http://93.184.216.34:8080/"
    for bad in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        "gopher://example.com/",
        "http://user@example.com/",
        "http://a:b@example.com/",
        "http:///nohost",
        "http://example.com:0/",
        "http://exa mple.com/",
        "https://example.com/" + "x" * 2048,
    ):
        with pytest.raises(netguard.Refused):
            netguard.normalize_url(bad)
