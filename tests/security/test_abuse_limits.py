"""Abuse limits over the whole route table: oversized bodies → 413, list limits capped at 200."""

from __future__ import annotations

import json

from tests.security.matrix import RULES, app_routes, own
from tests.security.test_isolation_matrix import _path
from tests.security.world import SecWorld
from tests.support.api import error_fields

BIG = 1_200_000  # 1.2 MB: above every route's limit (the largest body is a 1 MB logo)


def _caller(sec: SecWorld, method: str, template: str) -> tuple[str | None, dict[str, str]]:
    rule = RULES[(method, template)]
    if rule.scope in ("public", "me"):
        # public objects (a status page) are named by the customer's ids
        params = own(sec, "C") if rule.scope == "public" and "{" in template else {}
        return (None if rule.scope == "public" else sec.tokens["partner"]), params
    return sec.tokens["partner"], own(sec, rule.scope)


def test_every_write_route_refuses_a_body_over_1_mb(api, sec: SecWorld) -> None:
    writes = [(m, p) for m, p in app_routes() if m in ("POST", "PUT", "PATCH") and (m, p) in RULES]
    assert len(writes) >= 19
    body = json.dumps({"name": "x" * BIG}).encode()
    wrong = []
    for method, template in writes:
        token, params = _caller(sec, method, template)
        headers = {"Content-Type": "image/png"} if template.endswith("/logo") else {}
        if template == "/agent/heartbeat":
            token = sec.c.host_token
        r = api.call(method, _path(template, params), token, body=body, headers=headers)
        if r.status != 413 or r.json.get("status") != 413:
            wrong.append(f"{method} {template}: {r.status} {r.raw[:100]!r}")
    assert not wrong, "\n".join(wrong)


def test_every_list_route_caps_limit_at_200(api, sec: SecWorld) -> None:
    lists = []
    for method, template in app_routes():
        if method != "GET" or (method, template) not in RULES:
            continue
        token, params = _caller(sec, method, template)
        path = _path(template, params)
        r = api.get(path, token)
        if r.status == 200 and isinstance(r.json, dict) and "items" in r.json and "next" in r.json:
            lists.append((template, path, token))
    assert len(lists) >= 10, lists
    wrong = []
    for template, path, token in lists:
        for limit, want in (
            ("201", 400),
            ("1000000", 400),
            ("0", 400),
            ("-1", 400),
            ("abc", 400),
            ("200", 200),
            ("1", 200),
        ):
            r = api.get(f"{path}?limit={limit}", token)
            if r.status != want or (want == 400 and "limit" not in error_fields(r.json)):
                wrong.append(f"{template}?limit={limit}: {r.status} {r.raw[:100]!r}")
        r = api.get(f"{path}?next={'x' * 5000}", token)
        if r.status != 400:
            wrong.append(f"{template}?next=<5000 chars>: {r.status} {r.raw[:100]!r}")
        r = api.get(f"{path}?next=not-a-cursor", token)
        if r.status != 400:
            wrong.append(f"{template}?next=not-a-cursor: {r.status} {r.raw[:100]!r}")
    assert not wrong, "\n".join(wrong)
