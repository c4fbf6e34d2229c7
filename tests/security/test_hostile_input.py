"""Input that cannot crash: hostile bodies, dates, cursors, hosts and numbers are 4xx
problem+json answers naming the problem, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.matrix import RULES, own
from tests.security.world import SecWorld
from tests.support import PASSWORD
from tests.support.api import error_fields, error_map
from tests.support.stored import items_of

DEEP_ARRAY = b"[" * 30_000
DEEP_OBJECT = b'{"a":' * 12_000  # under the 64 KiB body limit, still far past Python's recursion limit
DEEP_BODIES = pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])


def _path(template: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        template = template.replace("{" + name + "}", value)
    return template


def _refused(r: Any, field: str, status: int = 400) -> None:
    assert r.status == status, r
    assert r.headers["Content-Type"] == "application/problem+json", r
    assert field in error_fields(r.json), r


def _snapshot(org_id: str) -> list[dict[str, Any]]:
    return sorted(items_of(org_id), key=lambda item: repr(sorted(item.items())))


# --- deeply nested JSON ------------------------------------------------------------------------


@DEEP_BODIES
def test_deep_json_on_the_unauthenticated_routes_is_a_400(api, body: bytes) -> None:
    for path in ("/auth/login", "/auth/new-password", "/auth/refresh", "/signup", "/signup/confirm"):
        _refused(api.post(path, body=body), "body")


@DEEP_BODIES
def test_deep_json_heartbeat_is_a_400_and_the_host_stays_pending(api, sec: SecWorld, body: bytes) -> None:
    before = _snapshot(sec.c.org_id)
    r = api.post("/agent/heartbeat", headers={"Authorization": f"Bearer {sec.c.host_token}"}, body=body)
    _refused(r, "body")
    assert _snapshot(sec.c.org_id) == before


def test_deep_json_on_every_write_route_with_a_body_is_a_400_and_stores_nothing(api, sec: SecWorld) -> None:
    before = _snapshot(sec.c.org_id)
    failures = []
    for (method, template), rule in RULES.items():
        if rule.body is None or rule.scope == "public":
            continue
        params = own(sec, rule.scope) if rule.scope != "me" else {}
        headers = rule.headers() if rule.headers else {}
        for body in (DEEP_ARRAY, DEEP_OBJECT):
            r = api.call(method, _path(template, params), sec.tokens["partner"], body=body, headers=headers)
            if r.status != 400 or "body" not in error_fields(r.json or {}):
                failures.append(f"{method} {template}: {r!r}")
    assert not failures, "\n".join(failures)
    assert _snapshot(sec.c.org_id) == before


def test_shallow_nesting_still_decodes(api) -> None:
    """Brackets inside strings do not count, and a valid login body still logs in."""
    from chalicelib.http import MAX_JSON_DEPTH, json_depth

    assert json_depth('{"a":"[[[[[[[[\\"[[[["}') == 1
    assert json_depth("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) == MAX_JSON_DEPTH
    r = api.post(
        "/auth/login", json_body={"email": "nobody@example.com", "password": PASSWORD, "x": [[["["]]]}
    )
    assert r.status == 400 and "x" in error_fields(r.json), r


# --- cursors -----------------------------------------------------------------------------------

LISTS = (
    "/orgs/{p}/customers",
    "/orgs/{p}/invoices",
    "/orgs/{c}/members",
    "/orgs/{c}/incidents",
    "/orgs/{c}/incidents?state=open",
    "/orgs/{c}/reports",
    "/orgs/{c}/report-schedules",
    "/orgs/{c}/hosts",
    "/orgs/{c}/hosts/{host}/metrics",
    "/orgs/{c}/endpoints",
    "/orgs/{c}/endpoints/{endpoint}/results",
    "/orgs/{c}/audit",
)


def _list_path(sec: SecWorld, template: str) -> str:
    return template.format(p=sec.p, c=sec.c.org_id, host=sec.c.host_id, endpoint=sec.c.endpoint_id)


def _with_cursor(path: str, cursor: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}limit=1&next={cursor}"


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_forged_cursor_is_a_400_on_every_list(api, sec: SecWorld) -> None:
    forged = _b64(b'{"pk":{"N":"1"}}')
    unsigned = _b64(b'{"pk":{"S":"ORG#x"},"sk":{"S":"EP#x"}}')
    failures = []
    for template in LISTS:
        path = _list_path(sec, template)
        for cursor in (forged, unsigned, forged + ".AAAAAAAAAAAAAAAAAAAAAA"):
            r = api.get(_with_cursor(path, cursor), sec.tokens["partner"])
            if r.status != 400 or error_map(r.json or {}) != {"next": "cursor_invalid"}:
                failures.append(f"{template}: {r!r}")
    assert not failures, "\n".join(failures)


def _cursor(api: Any, path: str, token: str) -> str:
    r = api.get(f"{path}?limit=1", token)
    assert r.status == 200 and r.json["next"], r
    return str(r.json["next"])


def test_a_cursor_is_bound_to_its_list_and_its_org(api, sec: SecWorld) -> None:
    partner, q_admin = sec.tokens["partner"], sec.tokens["q_admin"]
    for name in ("Zwei", "Drei"):
        for org, token in ((sec.c.org_id, partner), (sec.d.org_id, q_admin)):
            r = api.post(f"/orgs/{org}/endpoints", token, {"name": name, "url": "https://shop.example.com/"})
            assert r.status == 201, r
        r = api.post(f"/orgs/{sec.c.org_id}/hosts", partner, {"name": name})
        assert r.status == 201, r
    endpoints = f"/orgs/{sec.c.org_id}/endpoints"
    cursor = _cursor(api, endpoints, partner)
    # the genuine cursor pages on
    r = api.get(_with_cursor(endpoints, cursor), partner)
    assert r.status == 200 and len(r.json["items"]) == 1, r
    payload, _, mac = cursor.partition(".")
    changed = _b64(b'{"pk":{"S":"ORG#x"},"sk":{"S":"EP#x"}}') + "." + mac
    cases = {
        "changed key": (endpoints, changed, partner),
        "changed mac": (endpoints, f"{payload}.{mac[::-1]}", partner),
        "other list": (f"/orgs/{sec.c.org_id}/hosts", cursor, partner),
        "other org": (f"/orgs/{sec.d.org_id}/endpoints", cursor, q_admin),
        "other org, its own cursor": (
            endpoints,
            _cursor(api, f"/orgs/{sec.d.org_id}/endpoints", q_admin),
            partner,
        ),
    }
    for case, (path, bad, token) in cases.items():
        r = api.get(_with_cursor(path, bad), token)
        assert r.status == 400 and error_map(r.json) == {"next": "cursor_invalid"}, (case, r)


# --- dates -------------------------------------------------------------------------------------

YEAR_ONE = "0001-01-01T00:00:00Z"
FAR_AHEAD = "9999-12-31T23:59:59Z"


@pytest.mark.parametrize("kind", ["endpoints", "hosts"])
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": YEAR_ONE}, "from"),
        ({"from": YEAR_ONE, "to": "2026-10-01T00:00:00Z"}, "from"),
        ({"to": YEAR_ONE}, "to"),
        ({"to": FAR_AHEAD}, "to"),
        ({"from": "1999-12-31T23:59:59Z", "to": "2000-01-02T00:00:00Z"}, "from"),
    ],
)
def test_a_report_outside_2000_to_tomorrow_is_a_400_naming_the_field(
    api, sec: SecWorld, kind, body, field
) -> None:
    target = sec.c.endpoint_id if kind == "endpoints" else sec.c.host_id
    before = _snapshot(sec.c.org_id)
    r = api.post(f"/orgs/{sec.c.org_id}/{kind}/{target}/reports", sec.tokens["partner"], body)
    _refused(r, field)
    assert _snapshot(sec.c.org_id) == before


def test_query_dates_outside_2000_to_tomorrow_are_a_400_naming_the_field(api, sec: SecWorld) -> None:
    c = sec.c
    lists = (
        f"/orgs/{c.org_id}/endpoints/{c.endpoint_id}/results",
        f"/orgs/{c.org_id}/hosts/{c.host_id}/metrics",
    )
    for path in lists:
        for query, field in (
            (f"from={YEAR_ONE}&to=2026-01-01T00:00:00Z", "from"),
            (f"to={YEAR_ONE}", "to"),
            (f"to={FAR_AHEAD}", "to"),
            ("from=1999-12-31T00:00:00Z&to=2000-01-02T00:00:00Z", "from"),
        ):
            _refused(api.get(f"{path}?{query}", sec.tokens["partner"]), field)


def test_a_maintenance_window_in_year_one_is_a_400(api, sec: SecWorld) -> None:
    before = _snapshot(sec.c.org_id)
    window = {"starts_at": YEAR_ONE, "ends_at": "2026-01-01T00:00:00Z"}
    r = api.patch(
        f"/orgs/{sec.c.org_id}/endpoints/{sec.c.endpoint_id}",
        sec.tokens["partner"],
        {"maintenance_windows": [window]},
    )
    assert r.status == 400 and any("starts_at" in k for k in error_fields(r.json)), r
    assert _snapshot(sec.c.org_id) == before


# --- digits of other scripts -------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["１０", "٣", "²", "1０", " 10", "+5", "0x10"])
def test_a_limit_in_other_digits_is_a_400(api, sec: SecWorld, limit: str) -> None:
    from urllib.parse import quote

    for template in ("/orgs/{c}/endpoints", "/orgs/{c}/audit", "/orgs/{p}/customers"):
        path = _list_path(sec, template)
        _refused(api.get(f"{path}?limit={quote(limit)}", sec.tokens["partner"]), "limit")


@pytest.mark.unit
def test_a_status_line_with_superscript_digits_is_an_invalid_response() -> None:
    from chalicelib.monitoring import http1

    # latin-1 (how a response head is read) has ², which isdigit() accepts and int() does not
    with pytest.raises(http1.InvalidResponse):
        http1.parse_head("HTTP/1.1 2²0 OK\r\n\r\n".encode("latin-1"))


# --- number-like hosts -------------------------------------------------------------------------

NUMBER_LIKE_HOSTS = [
    "127.0.0.1.",
    "169.254.169.254.",
    "999.0.0.1",
    "1.2.3.4.5",
    "0x7f.1",
    "8.8.8.8.",
    "0x8.8",
]


def test_number_like_hosts_are_refused_at_create(api, sec: SecWorld) -> None:
    before = _snapshot(sec.c.org_id)
    for host in NUMBER_LIKE_HOSTS:
        r = api.post(
            f"/orgs/{sec.c.org_id}/endpoints",
            sec.tokens["partner"],
            {"name": "Zahl", "url": f"http://{host}/"},
        )
        _refused(r, "url")
    assert _snapshot(sec.c.org_id) == before


@pytest.mark.unit
def test_number_like_hosts_are_refused_at_check_time_without_asking_a_resolver() -> None:
    from chalicelib import netguard

    asked: list[str] = []

    def resolver(host: str, port: int) -> list[tuple[int, str]]:
        asked.append(host)
        return [(2, "93.184.216.34")]  # a public address: only the guard itself may refuse

    for host in NUMBER_LIKE_HOSTS:
        with pytest.raises(netguard.Refused):
            netguard.vet_url(f"http://{host}/")
        if netguard.parse_ip_literal(host) is None:
            with pytest.raises(netguard.Refused, match="canonical"):
                netguard.resolve_vetted(host, 80, resolver)
    assert asked == []
    assert netguard.vet_url("http://8.8.8.8/") == "http://8.8.8.8/"
