"""The expected answer of every route for every kind of caller, from DESIGN.md's role table.

A route's ``Rule`` says where it lives (``C``: a linked customer org, ``P``: the partner's own
org, ``me``: no org, ``public``) and which roles succeed with which status; every other role
gets 403, callers without a role in the org 404, callers without a (user) token 401.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.world import SecWorld, Tenant
from tests.support.images import png
from tests.support.world import new_customer as make_customer

_seq = itertools.count()

# Roles each principal holds in C (customer of P) and in P (the partner org itself).
ROLE_IN_C = {"c_guest": "guest", "c_admin": "admin", "partner": "partner"}
ROLE_IN_P = {"p_guest": "guest", "partner": "admin"}
USERS = ("c_guest", "c_admin", "partner", "p_guest", "q_admin", "u_admin")
NO_USER = ("anonymous", "invalid", "agent")
REPORT_BODY = {"from": "2026-10-01T00:00:00Z", "to": "2026-10-31T00:00:00Z", "language": "de"}


@dataclass
class Call:
    params: dict[str, str]
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Rule:
    scope: str  # C | P | me | public
    ok: dict[str, int] = field(default_factory=dict)  # role (or principal for `me`) → status
    body: Callable[[SecWorld], Any] | None = None
    raw: Callable[[SecWorld], bytes] | None = None
    headers: Callable[[], dict[str, str]] | None = None
    fresh: Callable[[Any, SecWorld], dict[str, str]] | None = None  # params for a success
    objects: tuple[str, ...] = ()  # path params naming objects of the org
    query: str = ""  # query string every call carries


def _own(w: SecWorld, scope: str) -> dict[str, str]:
    t = w.c
    if scope == "P":
        return {"org_id": w.p, "number": w.p_invoice}
    return _tenant_params(t)


def _tenant_params(t: Tenant) -> dict[str, str]:
    return {
        "org_id": t.org_id,
        "endpoint_id": t.endpoint_id,
        "host_id": t.host_id,
        "report_id": t.report_id,
        "schedule_id": t.schedule_id,
        "user_id": t.member_id,
        "slug": t.page_slug,
        "note_id": t.note_id,
    }


def foreign(w: SecWorld, scope: str) -> dict[str, str]:
    """The same kinds of ids, from the other partner's world."""
    if scope == "P":
        return {"org_id": w.q, "number": w.q_invoice}
    return _tenant_params(w.d)


def own(w: SecWorld, scope: str) -> dict[str, str]:
    return _own(w, scope)


def _unique_email() -> str:
    return f"neu-{next(_seq)}@example.com"


def _fresh_customer(api: Any, w: SecWorld) -> dict[str, str]:
    return {"org_id": make_customer(api, w.tokens["partner"], f"Wegwerf {next(_seq)}")}


def _fresh_member(api: Any, w: SecWorld) -> dict[str, str]:
    from chalicelib import admin

    return {
        "org_id": w.c.org_id,
        "user_id": admin.add_user(w.c.org_id, _unique_email(), "guest", "Demo-Passwort-2026!"),
    }


def _fresh_endpoint(api: Any, w: SecWorld) -> dict[str, str]:
    r = api.post(
        f"/orgs/{w.c.org_id}/endpoints",
        w.tokens["partner"],
        {"name": f"e{next(_seq)}", "url": "https://shop.example.com/"},
    )
    assert r.status == 201, r
    return {"org_id": w.c.org_id, "endpoint_id": r.json["id"]}


def _fresh_host(api: Any, w: SecWorld) -> dict[str, str]:
    r = api.post(f"/orgs/{w.c.org_id}/hosts", w.tokens["partner"], {"name": f"h{next(_seq)}"})
    assert r.status == 201, r
    return {"org_id": w.c.org_id, "host_id": r.json["id"]}


def _fresh_schedule(api: Any, w: SecWorld) -> dict[str, str]:
    r = api.post(
        f"/orgs/{w.c.org_id}/report-schedules",
        w.tokens["partner"],
        {
            "target": {"type": "endpoint", "id": w.c.endpoint_id},
            "frequency": "monthly",
            "recipients": ["chef@example.com"],
        },
    )
    assert r.status == 201, r
    return {"org_id": w.c.org_id, "schedule_id": r.json["id"]}


def _fresh_page(api: Any, w: SecWorld) -> dict[str, str]:
    r = api.post(
        f"/orgs/{w.c.org_id}/status-pages", w.tokens["partner"], {"slug": f"weg-{next(_seq)}", "title": "Weg"}
    )
    assert r.status == 201, r
    return {"org_id": w.c.org_id, "slug": r.json["slug"]}


def _fresh_note(api: Any, w: SecWorld) -> dict[str, str]:
    path = f"/orgs/{w.c.org_id}/status-pages/{w.c.page_slug}/notes"
    r = api.post(path, w.tokens["partner"], {"text": f"Hinweis {next(_seq)}"})
    assert r.status == 201, r
    return {"org_id": w.c.org_id, "slug": w.c.page_slug, "note_id": r.json["notes"][0]["id"]}


def _fresh_logo(api: Any, w: SecWorld) -> dict[str, str]:
    r = api.put(
        f"/orgs/{w.c.org_id}/logo", w.tokens["partner"], body=png(), headers={"Content-Type": "image/png"}
    )
    assert r.status == 200, r
    return {"org_id": w.c.org_id}


def _fresh_subscription(api: Any, w: SecWorld) -> dict[str, str]:
    params = _fresh_customer(api, w)
    r = api.post(
        f"/orgs/{params['org_id']}/subscription/orders",
        w.tokens["partner"],
        {"plan": "basic", "interval": "month"},
        headers={"Idempotency-Key": f"k{next(_seq)}"},
    )
    assert r.status == 201, r
    return params


ALL = {"guest": 200, "admin": 200, "partner": 200}
WRITE = {"admin": 200, "partner": 200}
CREATE = {"admin": 201, "partner": 201}
GONE = {"admin": 204, "partner": 204}


def _idem() -> dict[str, str]:
    return {"Idempotency-Key": f"iso-{next(_seq)}"}


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/me"): Rule("me", dict.fromkeys(USERS, 200)),
    ("POST", "/orgs"): Rule(
        "me",
        {"partner": 201, "q_admin": 201, "p_guest": 403, "c_guest": 403, "c_admin": 403, "u_admin": 403},
        body=lambda w: {
            "name": f"Neu {next(_seq)}",
            "linked": True,
            "support_by": "partner",
            "language": "de",
        },
    ),
    ("GET", "/orgs/{org_id}"): Rule("C", ALL),
    ("PATCH", "/orgs/{org_id}"): Rule("C", WRITE, body=lambda w: {"name": "Innendekoration Stein & Mehr"}),
    ("DELETE", "/orgs/{org_id}"): Rule("C", {"partner": 202}, fresh=_fresh_customer),
    ("GET", "/orgs/{org_id}/customers"): Rule("P", {"guest": 200, "admin": 200}),
    ("GET", "/orgs/{org_id}/members"): Rule("C", ALL),
    ("POST", "/orgs/{org_id}/members"): Rule(
        "C", CREATE, body=lambda w: {"email": _unique_email(), "role": "guest"}
    ),
    ("PATCH", "/orgs/{org_id}/members/{user_id}"): Rule(
        "C", WRITE, body=lambda w: {"role": "guest"}, objects=("user_id",)
    ),
    ("DELETE", "/orgs/{org_id}/members/{user_id}"): Rule(
        "C", GONE, fresh=_fresh_member, objects=("user_id",)
    ),
    ("GET", "/plans"): Rule("public", {"anonymous": 200}),
    ("GET", "/orgs/{org_id}/subscription"): Rule("C", {"partner": 200}),
    ("DELETE", "/orgs/{org_id}/subscription"): Rule("C", {"partner": 200}, fresh=_fresh_subscription),
    ("POST", "/orgs/{org_id}/subscription/orders"): Rule(
        "C",
        {"partner": 201},
        body=lambda w: {"plan": "professional", "interval": "month"},
        headers=_idem,
        fresh=_fresh_customer,
    ),
    ("POST", "/orgs/{org_id}/subscription/quote"): Rule(
        "C", {"partner": 200}, body=lambda w: {"plan": "enterprise", "interval": "month"}
    ),
    ("GET", "/orgs/{org_id}/invoices"): Rule("P", {"admin": 200}),
    ("GET", "/orgs/{org_id}/invoices/{number}"): Rule("P", {"admin": 200}, objects=("number",)),
    ("POST", "/orgs/{org_id}/invoices/{number}/send"): Rule("P", {"admin": 202}, objects=("number",)),
    ("GET", "/orgs/{org_id}/invoices/export"): Rule(
        "P", {"admin": 200}, query="from=2026-01-01&to=2026-12-31"
    ),
    ("GET", "/orgs/{org_id}/incidents"): Rule("C", ALL),
    ("GET", "/orgs/{org_id}/alert-policy"): Rule("P", {"admin": 200}),
    ("PUT", "/orgs/{org_id}/alert-policy"): Rule("P", {"admin": 200}, body=lambda w: {"mode": "supported"}),
    ("GET", "/health"): Rule("public", {"anonymous": 200}),
    ("GET", "/openapi.json"): Rule("public", {"anonymous": 200}),
    ("GET", "/monitoring-ips"): Rule("public", {"anonymous": 200}),
    ("GET", "/monitoring-ips.pdf"): Rule(
        "public", {"anonymous": 200}, headers=lambda: {"Accept": "application/pdf"}
    ),
    ("POST", "/auth/login"): Rule("public", {"anonymous": 400}, body=lambda w: {}),
    ("POST", "/auth/new-password"): Rule("public", {"anonymous": 400}, body=lambda w: {}),
    ("POST", "/auth/refresh"): Rule("public", {"anonymous": 400}, body=lambda w: {}),
    ("POST", "/auth/mfa"): Rule("public", {"anonymous": 400}, body=lambda w: {}),
    ("POST", "/auth/forgot-password"): Rule("public", {"anonymous": 400}, body=lambda w: {}),
    ("POST", "/auth/reset-password"): Rule("public", {"anonymous": 400}, body=lambda w: {}),
    # the caller's own second factor: every user, only their own (no id in the path)
    ("GET", "/me/mfa"): Rule("me", dict.fromkeys(USERS, 200)),
    ("POST", "/me/mfa/setup"): Rule("me", dict.fromkeys(USERS, 201)),
    ("POST", "/me/mfa/verify"): Rule("me", dict.fromkeys(USERS, 400), body=lambda w: {}),
    ("DELETE", "/me/mfa"): Rule("me", dict.fromkeys(USERS, 400), body=lambda w: {}),
    ("POST", "/signup"): Rule("public", {"anonymous": 400}, body=lambda w: {}),
    ("POST", "/signup/confirm"): Rule("public", {"anonymous": 400}, body=lambda w: {}),
    ("GET", "/recipients/confirm"): Rule("public", {"anonymous": 400}),
    ("POST", "/recipients/confirm"): Rule("public", {"anonymous": 400}, body=lambda w: {}),
    # The agent route takes agent tokens only: a user's token is no agent token.
    ("POST", "/agent/heartbeat"): Rule("public", {"anonymous": 401, "partner": 401, "c_admin": 401}),
    ("GET", "/orgs/{org_id}/reports"): Rule("C", ALL),
    ("GET", "/orgs/{org_id}/reports/{report_id}"): Rule("C", ALL, objects=("report_id",)),
    ("POST", "/orgs/{org_id}/report-schedules"): Rule(
        "C",
        CREATE,
        body=lambda w: {
            "target": {"type": "endpoint", "id": w.c.endpoint_id},
            "frequency": "weekly",
            "recipients": ["chef@example.com"],
        },
    ),
    ("GET", "/orgs/{org_id}/report-schedules"): Rule("C", ALL),
    ("DELETE", "/orgs/{org_id}/report-schedules/{schedule_id}"): Rule(
        "C", GONE, fresh=_fresh_schedule, objects=("schedule_id",)
    ),
    ("GET", "/orgs/{org_id}/hosts"): Rule("C", ALL),
    ("POST", "/orgs/{org_id}/hosts"): Rule("C", CREATE, body=lambda w: {"name": f"h{next(_seq)}"}),
    ("GET", "/orgs/{org_id}/hosts/{host_id}"): Rule("C", ALL, objects=("host_id",)),
    ("PATCH", "/orgs/{org_id}/hosts/{host_id}"): Rule(
        "C", WRITE, body=lambda w: {"name": "web-01"}, objects=("host_id",)
    ),
    ("DELETE", "/orgs/{org_id}/hosts/{host_id}"): Rule("C", GONE, fresh=_fresh_host, objects=("host_id",)),
    ("POST", "/orgs/{org_id}/hosts/{host_id}/token"): Rule(
        "C", CREATE, fresh=_fresh_host, objects=("host_id",)
    ),
    ("GET", "/orgs/{org_id}/hosts/{host_id}/metrics"): Rule("C", ALL, objects=("host_id",)),
    ("POST", "/orgs/{org_id}/hosts/{host_id}/reports"): Rule(
        "C", CREATE, body=lambda w: REPORT_BODY, objects=("host_id",)
    ),
    ("GET", "/orgs/{org_id}/audit"): Rule("C", WRITE),
    ("PUT", "/orgs/{org_id}/logo"): Rule(
        "C", WRITE, raw=lambda w: png(), headers=lambda: {"Content-Type": "image/png"}
    ),
    ("GET", "/orgs/{org_id}/logo"): Rule("C", ALL),
    ("DELETE", "/orgs/{org_id}/logo"): Rule("C", GONE, fresh=_fresh_logo),
    ("GET", "/orgs/{org_id}/support"): Rule("C", ALL),
    ("PUT", "/orgs/{org_id}/support"): Rule(
        "P", {"admin": 200}, body=lambda w: {"name": "Support", "email": "hilfe@steine.example"}
    ),
    ("GET", "/orgs/{org_id}/endpoints"): Rule("C", ALL),
    ("POST", "/orgs/{org_id}/endpoints"): Rule(
        "C", CREATE, body=lambda w: {"name": f"e{next(_seq)}", "url": "https://shop.example.com/"}
    ),
    ("GET", "/orgs/{org_id}/endpoints/{endpoint_id}"): Rule("C", ALL, objects=("endpoint_id",)),
    ("PATCH", "/orgs/{org_id}/endpoints/{endpoint_id}"): Rule(
        "C", WRITE, body=lambda w: {"name": "Shop"}, objects=("endpoint_id",)
    ),
    ("DELETE", "/orgs/{org_id}/endpoints/{endpoint_id}"): Rule(
        "C", GONE, fresh=_fresh_endpoint, objects=("endpoint_id",)
    ),
    ("GET", "/orgs/{org_id}/endpoints/{endpoint_id}/results"): Rule("C", ALL, objects=("endpoint_id",)),
    ("GET", "/orgs/{org_id}/endpoints/{endpoint_id}/status"): Rule("C", ALL, objects=("endpoint_id",)),
    ("POST", "/orgs/{org_id}/endpoints/{endpoint_id}/reports"): Rule(
        "C", CREATE, body=lambda w: REPORT_BODY, objects=("endpoint_id",)
    ),
    ("GET", "/orgs/{org_id}/status-pages"): Rule("C", ALL),
    ("POST", "/orgs/{org_id}/status-pages"): Rule(
        "C", CREATE, body=lambda w: {"slug": f"seite-{next(_seq)}", "title": "Status"}
    ),
    ("GET", "/orgs/{org_id}/status-pages/{slug}"): Rule("C", ALL, objects=("slug",)),
    ("PATCH", "/orgs/{org_id}/status-pages/{slug}"): Rule(
        "C", WRITE, body=lambda w: {"title": "Status"}, objects=("slug",)
    ),
    ("DELETE", "/orgs/{org_id}/status-pages/{slug}"): Rule("C", GONE, fresh=_fresh_page, objects=("slug",)),
    ("POST", "/orgs/{org_id}/status-pages/{slug}/notes"): Rule(
        "C", CREATE, body=lambda w: {"text": "Wartung heute Abend"}, objects=("slug",)
    ),
    ("DELETE", "/orgs/{org_id}/status-pages/{slug}/notes/{note_id}"): Rule(
        "C", GONE, fresh=_fresh_note, objects=("slug", "note_id")
    ),
    ("GET", "/status/{slug}"): Rule("public", {"anonymous": 200}),
}


def app_routes() -> list[tuple[str, str]]:
    from app import app

    return sorted((method, path) for path, methods in app.routes.items() for method in methods)
