"""A two-partner world with every kind of object, for the isolation matrix and the fuzzer.

P (partner, admin ``partner@example.com``) manages linked customer C; Q (another partner)
manages linked customer D; U is an unrelated independent org. C and D each hold an endpoint, a
host (with its agent token), a report, a schedule, a logo and an extra member; P and Q each hold
an invoice (from an order in C resp. D).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support import Api
from tests.support.world import access_of, add_member, new_customer, seed_world, upload_logo
from tests.support.world import order as place_order

ENDPOINT = {"name": "Shop", "url": "https://shop.example.com/"}


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
    page_slug: str = ""
    note_id: str = ""


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


def make_report(api: Api, token: str, org_id: str, endpoint_id: str) -> str:
    from chalicelib.reports import service
    from tests.reports import samples
    from tests.reports.conftest import PERIOD_FROM, PERIOD_TO

    access = access_of(api, token, org_id)
    data = samples.endpoint_data(PERIOD_FROM, PERIOD_TO, "de", **vars(service.load_branding(access)))
    created = service.create_report(
        access, {"type": "endpoint", "id": endpoint_id, "name": "Shop"}, (PERIOD_FROM, PERIOD_TO), "de", data
    )
    return str(created["id"])


def ok(r: Any, status: int = 201) -> Any:
    assert r.status == status, r
    return r.json


def fill(api: Api, token: str, tenant: Tenant, tag: str) -> None:
    """Give a customer org one of everything; ``token`` is its partner's."""
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
    upload_logo(api, org, token)
    page = ok(
        api.post(
            f"/orgs/{org}/status-pages",
            token,
            {
                "slug": f"status-{tag}-{org[-6:].lower()}",
                "title": "Status",
                "endpoints": [tenant.endpoint_id],
            },
        )
    )
    tenant.page_slug = page["slug"]
    tenant.note_id = ok(
        api.post(f"/orgs/{org}/status-pages/{page['slug']}/notes", token, {"text": "Wartung"})
    )["notes"][0]["id"]
    tenant.member_id = add_member(org, f"extra-{tag}@example.com", "guest")


def order(api: Api, token: str, org_id: str, key: str) -> str:
    # Professional: room for the status pages the matrix creates (Basic allows one)
    return str(ok(place_order(api, token, org_id, plan="professional", key=key))["invoice"]["number"])


def build(api: Api) -> SecWorld:
    """The shared world with billing profiles, the customer's team and the independent org,
    plus Q's own customer D, one of everything in C and D, a guest in P and an invoice each."""
    w = seed_world(api, team=True, independent=True, profiles=True)
    tokens = {
        "partner": w.partner_token,
        "q_admin": w.other_token,
        "u_admin": w.independent_admin,
        "c_admin": w.customer_admin,
        "c_guest": w.customer_guest,
    }
    c = Tenant(w.customer_id)
    d = Tenant(new_customer(api, tokens["q_admin"], "Fremdkunde GmbH"))
    fill(api, tokens["partner"], c, "c")
    fill(api, tokens["q_admin"], d, "d")
    add_member(w.partner_id, "gast@steine.example", "guest")
    tokens["p_guest"] = api.login("gast@steine.example")
    p_invoice = order(api, tokens["partner"], c.org_id, "iso-c")
    q_invoice = order(api, tokens["q_admin"], d.org_id, "iso-d")
    return SecWorld(w.partner_id, w.other_partner_id, w.independent_id, c, d, p_invoice, q_invoice, tokens)
