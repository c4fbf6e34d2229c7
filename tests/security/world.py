"""A two-partner world with every kind of object, for the isolation matrix and the fuzzer.

P (partner, admin ``partner@example.com``) manages linked customer C; Q (another partner)
manages linked customer D; U is an unrelated independent org. C and D each hold an endpoint, a
host (with its agent token), a report, a schedule, a logo and an extra member; P and Q each hold
an invoice (from an order in C resp. D).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support import PASSWORD, Api, make_org

DE_ADDRESS = {"street": "Gartenweg 1", "postal_code": "10115", "city": "Berlin", "country": "DE"}
ENDPOINT = {"name": "Shop", "url": "https://shop.example.com/"}


def png() -> bytes:
    from tests.support.images import png as make_png

    return make_png()


@dataclass
class Tenant:
    """A customer org and the ids of its objects."""

    org_id: str
    endpoint_id: str = ""
    host_id: str = ""
    host_token: str = ""
    report_id: str = ""
    schedule_id: str = ""
    member_id: str = ""


@dataclass
class SecWorld:
    p: str
    q: str
    u: str
    c: Tenant
    d: Tenant
    p_invoice: str
    q_invoice: str
    tokens: dict[str, str] = field(default_factory=dict)


def _access(api: Api, token: str, org_id: str) -> Any:
    from chalicelib.auth.access import resolve
    from chalicelib.auth.principal import Principal

    me = api.get("/me", token).json
    return resolve(Principal(user_id=me["user"]["id"], email=me["user"]["email"], token_use="id"), org_id)


def make_report(api: Api, token: str, org_id: str, endpoint_id: str) -> str:
    from chalicelib.reports import samples, service
    from tests.reports.conftest import PERIOD_FROM, PERIOD_TO

    access = _access(api, token, org_id)
    data = samples.endpoint_data(PERIOD_FROM, PERIOD_TO, "de", **vars(service.load_branding(access)))
    created = service.create_report(
        access, {"type": "endpoint", "id": endpoint_id, "name": "Shop"}, (PERIOD_FROM, PERIOD_TO), "de", data
    )
    return str(created["id"])


def ok(r: Any, status: int = 201) -> Any:
    assert r.status == status, r
    return r.json


def make_customer(api: Api, token: str, name: str) -> str:
    return str(
        ok(
            api.post(
                "/orgs", token, {"name": name, "linked": True, "support_by": "partner", "language": "de"}
            )
        )["id"]
    )


def fill(api: Api, token: str, tenant: Tenant, tag: str) -> None:
    """Give a customer org one of everything; ``token`` is its partner's."""
    from chalicelib import admin

    org = tenant.org_id
    tenant.endpoint_id = ok(api.post(f"/orgs/{org}/endpoints", token, ENDPOINT))["id"]
    host = ok(api.post(f"/orgs/{org}/hosts", token, {"name": "web-01"}))
    tenant.host_id, tenant.host_token = host["id"], host["agent_token"]
    tenant.report_id = make_report(api, token, org, tenant.endpoint_id)
    tenant.schedule_id = ok(
        api.post(
            f"/orgs/{org}/report-schedules",
            token,
            {
                "target": {"type": "endpoint", "id": tenant.endpoint_id},
                "frequency": "weekly",
                "recipients": ["chef@example.com"],
            },
        )
    )["id"]
    ok(api.put(f"/orgs/{org}/logo", token, body=png(), headers={"Content-Type": "image/png"}), 200)
    tenant.member_id = admin.add_user(org, f"extra-{tag}@example.com", "guest", PASSWORD)


def order(api: Api, token: str, org_id: str, key: str) -> str:
    r = api.post(
        f"/orgs/{org_id}/subscription/orders",
        token,
        {"plan": "basic", "interval": "month"},
        headers={"Idempotency-Key": key},
    )
    return str(ok(r)["invoice"]["number"])


def build(api: Api) -> SecWorld:
    from chalicelib import admin

    profile = {"address": DE_ADDRESS, "billing_email": "rechnung@steine.example"}
    p = make_org("SteineundUnkraut GmbH", "partner@example.com", partner=True, **profile)
    q = make_org("Andere Partner AG", "other@example.com", partner=True, **profile)
    u = make_org("Unabhängig GmbH", "solo@example.com", address=DE_ADDRESS)
    tokens = {
        "partner": api.login("partner@example.com"),
        "q_admin": api.login("other@example.com"),
        "u_admin": api.login("solo@example.com"),
    }
    c = Tenant(make_customer(api, tokens["partner"], "Innendekoration Stein & Mehr"))
    d = Tenant(make_customer(api, tokens["q_admin"], "Fremdkunde GmbH"))
    fill(api, tokens["partner"], c, "c")
    fill(api, tokens["q_admin"], d, "d")
    admin.add_user(c.org_id, "chefin@stein-mehr.example", "admin", PASSWORD)
    admin.add_user(c.org_id, "gast@stein-mehr.example", "guest", PASSWORD)
    admin.add_user(p, "gast@steine.example", "guest", PASSWORD)
    tokens.update(
        {
            "c_admin": api.login("chefin@stein-mehr.example"),
            "c_guest": api.login("gast@stein-mehr.example"),
            "p_guest": api.login("gast@steine.example"),
        }
    )
    p_invoice = order(api, tokens["partner"], c.org_id, "iso-c")
    q_invoice = order(api, tokens["q_admin"], d.org_id, "iso-d")
    return SecWorld(p, q, u, c, d, p_invoice, q_invoice, tokens)
