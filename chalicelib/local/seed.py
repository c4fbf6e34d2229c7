"""The demo of ``make run``: the seed document's partner and its linked customer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import admin
from chalicelib.auth.principal import Principal
from chalicelib.orgs import service as orgs
from chalicelib.orgs.schemas import OrgCreate
from chalicelib.validation import AddressIn

PARTNER_EMAIL = "partner@example.com"
CUSTOMER_EMAIL = "kunde@example.com"


@dataclass
class Demo:
    partner_id: str
    customer_id: str
    password: str


def seed(password: str, endpoints: list[dict[str, Any]] | None = None) -> Demo:
    partner, _ = admin.create_org(
        "SteineundUnkraut GmbH",
        PARTNER_EMAIL,
        password,
        partner=True,
        language="de",
        vat_id="DE136695976",
        address={"street": "Gartenweg 1", "postal_code": "07743", "city": "Jena", "country": "DE"},
    )
    from chalicelib.team import queries as team

    member = team.members_of(partner.org_id, limit=1)[0]
    principal = Principal(user_id=member.user_id, email=PARTNER_EMAIL, token_use="id")
    customer = orgs.create_customer(
        principal,
        OrgCreate(
            name="Innendekoration Stein & Mehr",
            linked=True,
            support_by="partner",
            language="de",
            address=AddressIn(street="Marktplatz 5", postal_code="07743", city="Jena", country="DE"),
        ),
    )
    admin.add_user(customer["id"], CUSTOMER_EMAIL, "admin", password)
    if endpoints:
        seed_endpoints(principal, [customer["id"], partner.org_id], endpoints)
    return Demo(partner_id=partner.org_id, customer_id=customer["id"], password=password)


def seed_endpoints(principal: Principal, org_ids: list[str], endpoints: list[dict[str, Any]]) -> None:
    """The demo targets as endpoints: most in the customer org (as partner), the rest in the
    partner's own org — each org stays within its trial quota."""
    from chalicelib.auth.access import resolve
    from chalicelib.billing.plans import limits_for
    from chalicelib.monitoring import service as monitoring
    from chalicelib.monitoring.schemas import EndpointIn

    remaining = list(endpoints)
    for org_id in org_ids:
        access = resolve(principal, org_id)
        quota = limits_for(org_id).endpoints
        for spec in remaining[: quota - 1]:
            monitoring.create(access, EndpointIn.model_validate(spec))
        remaining = remaining[quota - 1 :]
