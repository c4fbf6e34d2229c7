"""Checks against real local HTTP and HTTPS servers, through dispatcher → queue → worker → API."""

from __future__ import annotations

import ssl
from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.monitoring.checks import Engine, Target
from tests.monitoring.conftest import NOW, run_minute, set_plan
from tests.support import mails


def _create(api, org_id, token, name, url, **extra):
    body = {"name": name, "url": url, "interval_minutes": 1, **extra}
    r = api.post(f"/orgs/{org_id}/endpoints", token, body)
    assert r.status == 201, (name, r)
    return r.json["id"]


def _status(api, org_id, token, ep_id):
    r = api.get(f"/orgs/{org_id}/endpoints/{ep_id}/status", token)
    assert r.status == 200, r
    return r.json


def _results(api, org_id, token, ep_id):
    r = api.get(f"/orgs/{org_id}/endpoints/{ep_id}/results", token)
    assert r.status == 200, r
    return r.json["items"]


def test_checks_results_and_incidents(api, customer, web, tls, guard):
    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    b = web.base
    eps = {
        "healthy": _create(api, org_id, token, "healthy", f"{b}/healthy"),
        "http500": _create(api, org_id, token, "500", f"{b}/status/500"),
        "timeout": _create(api, org_id, token, "timeout", f"{b}/slow?ms=4000"),
        "chain": _create(api, org_id, token, "chain", f"{b}/redirect/3"),
        "loop": _create(api, org_id, token, "loop", f"{b}/loop"),
        "too_many": _create(api, org_id, token, "too many", f"{b}/redirect/7"),
        "guarded": _create(
            api, org_id, token, "to loopback", f"{b}/to?url=http://127.0.0.2:{web.port}/healthy"
        ),
        "bare": _create(api, org_id, token, "bare", f"{b}/bare"),
        "keyword": _create(
            api, org_id, token, "keyword", f"{b}/healthy", checks={"availability": {"keyword": "Warenkorb"}}
        ),
        "slow": _create(
            api, org_id, token, "slow", f"{b}/slow?ms=300", checks={"availability": {"max_response_ms": 100}}
        ),
        "tls_good": _create(api, org_id, token, "tls good", f"{tls['good'].base}/healthy"),
        "tls_expired": _create(api, org_id, token, "tls expired", f"{tls['expired'].base}/healthy"),
        "tls_wrong_name": _create(api, org_id, token, "tls name", f"{tls['wrong_name'].base}/healthy"),
        "tls_self_signed": _create(api, org_id, token, "tls self", f"{tls['self_signed'].base}/healthy"),
    }
    ticks = run_minute()
    assert ticks["queued"] == len(eps) and ticks["handled"] >= 1
    st = {k: _status(api, org_id, token, v) for k, v in eps.items()}
    res = {k: _results(api, org_id, token, v) for k, v in eps.items()}
    assert all(len(r) == 1 for r in res.values()), res

    # every header present, but plain HTTP cannot have HSTS: B; the same site over HTTPS: A
    assert st["healthy"]["state"] == "up" and st["healthy"]["headers"]["grade"] == "B"
    assert st["tls_good"]["headers"]["grade"] == "A"
    timings = res["healthy"][0]["timings"]
    assert {"connect_ms", "first_byte_ms", "total_ms"} <= set(timings)
    assert res["healthy"][0]["status_code"] == 200
    # the cause as a stable code and a short German text (the org's language, #16)
    assert st["http500"]["state"] == "down" and st["http500"]["error_code"] == "check.http_error"
    assert st["http500"]["error"] == "Endpunkt antwortet mit Fehler: HTTP 500 (erwartet 200–399)"
    assert st["timeout"]["state"] == "down" and st["timeout"]["error_code"] == "check.timeout"
    assert st["timeout"]["error"].startswith("Zeitüberschreitung nach")
    assert st["chain"]["state"] == "up" and res["chain"][0]["details"]["redirects"] == 3
    assert st["loop"]["state"] == "down" and st["loop"]["error_code"] == "check.redirect_loop"
    assert st["too_many"]["state"] == "down" and st["too_many"]["error"] == "Mehr als 5 Weiterleitungen"
    assert st["guarded"]["state"] == "down" and st["guarded"]["error_code"] == "check.blocked"
    bare = st["bare"]["headers"]
    assert st["bare"]["state"] == "up" and bare["grade"] == "F"
    assert bare["content-security-policy"]["state"] == "missing"
    assert bare["x-content-type-options"]["recommendation"].startswith("Send X-Content-Type-Options")
    assert st["keyword"]["state"] == "down" and "Warenkorb" in st["keyword"]["error"]
    assert st["slow"]["state"] == "degraded"

    good = st["tls_good"]["certificate"]
    assert st["tls_good"]["state"] == "up" and good["valid"] is True
    assert good["days_left"] in (5, 6) or good["days_left"] > 20  # real cert, business clock
    assert good["protocol"] in ("TLSv1.2", "TLSv1.3") and good["key_type"].startswith("EC")
    assert good["issuer"].startswith("OU=Testing CA")
    assert res["tls_good"][0]["timings"]["tls_ms"] is not None
    assert st["tls_expired"]["state"] == "down" and st["tls_expired"]["error_code"] == "cert.expired"
    assert st["tls_expired"]["certificate"]["valid"] is False
    assert st["tls_wrong_name"]["state"] == "down" and st["tls_wrong_name"]["error_code"] == "cert.hostname"
    assert st["tls_self_signed"]["state"] == "down"
    assert st["tls_self_signed"]["certificate"]["valid"] is False

    # one failure is not an incident yet (default: 2 consecutive failures)
    incidents = api.get(f"/orgs/{org_id}/incidents", token).json["items"]
    assert not [i for i in incidents if i["kind"] == "endpoint_down"]

    clock.advance(timedelta(minutes=1))
    run_minute()
    incidents = api.get(f"/orgs/{org_id}/incidents", token).json["items"]
    down = {i["subject"]["id"] for i in incidents if i["kind"] == "endpoint_down" and i["state"] == "open"}
    expected_down = {
        eps[k]
        for k in (
            "http500",
            "timeout",
            "loop",
            "too_many",
            "guarded",
            "keyword",
            "tls_expired",
            "tls_wrong_name",
            "tls_self_signed",
        )
    }
    assert down == expected_down
    certs = {i["subject"]["id"] for i in incidents if i["kind"] == "certificate"}
    assert {eps["tls_expired"], eps["tls_wrong_name"], eps["tls_self_signed"]} <= certs
    # unreachable vs answering with an error (HTTP 500, keyword): two German kinds (#16)
    kinds = ("Endpunkt nicht erreichbar", "Endpunkt antwortet mit Fehler")
    down_mails = [m for m in mails("a@kunde.example.com") if any(k in m.subject for k in kinds)]
    assert len(down_mails) == len(expected_down)  # German org: German mails, one per incident
    from chalicelib.orgs import counters

    assert counters.get(org_id)["endpoints_down"] == len(expected_down)


def test_tls_1_1_only_server_is_a_finding(ca, ca_file, guard):
    from chalicelib.local.targets import TargetServer

    cert = ca.issue_cert("127.0.0.1")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    try:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        pytest.skip("this OpenSSL cannot serve TLS 1.1")
    server = TargetServer(ctx).start()
    try:
        out = Engine().run([Target("t", f"{server.base}/healthy")])[0]
    finally:
        server.stop()
    if out.certificate is None:
        pytest.skip(f"this OpenSSL refuses TLS 1.1 handshakes: {out.error}")
    assert out.certificate["protocol"] == "TLSv1.1"
    assert any("outdated protocol" in f for f in out.certificate["findings"])
    assert out.state == "degraded"


def test_headers_present_missing_weak():
    from multidict import CIMultiDict

    from chalicelib.monitoring.checks import grade_headers

    weak = grade_headers(
        CIMultiDict(
            {
                "Strict-Transport-Security": "max-age=300",
                "Content-Security-Policy": "script-src 'unsafe-inline'",
                "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "ALLOW-FROM https://x",
                "Referrer-Policy": "unsafe-url",
            }
        ),
        https=True,
    )
    items = weak["items"]
    assert items["strict-transport-security"]["state"] == "weak"
    assert items["content-security-policy"]["state"] == "weak"
    assert items["x-content-type-options"]["state"] == "present"
    assert items["frame-protection"]["state"] == "weak"
    assert items["referrer-policy"]["state"] == "weak"
    assert items["permissions-policy"]["state"] == "missing"
    assert weak["grade"] == "D"
    plain = grade_headers(
        CIMultiDict({"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"}), https=False
    )
    assert (
        plain["items"]["strict-transport-security"]["recommendation"] == "Serve the site over HTTPS with HSTS"
    )
    assert plain["items"]["frame-protection"]["state"] == "present"
