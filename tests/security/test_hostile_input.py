"""Input that cannot crash: hostile bodies, dates, cursors, hosts and numbers are 4xx
problem+json answers naming the problem, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.matrix import RULES, own
from tests.security.world import SecWorld
from tests.support import PASSWORD
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
    assert field in r.json.get("errors", {}), r


def _snapshot(org_id: str) -> list[dict[str, Any]]:
    return sorted(items_of(org_id), key=lambda item: repr(sorted(item.items())))


# --- deeply nested JSON ------------------------------------------------------------------------


@DEEP_BODIES
def test_deep_json_on_the_unauthenticated_routes_is_a_400(api, body: bytes) -> None:
    for path in ("/auth/login", "/auth/new-password", "/auth/refresh", "/signup"):
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
            if r.status != 400 or "body" not in (r.json or {}).get("errors", {}):
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
    assert r.status == 400 and "x" in r.json["errors"], r
