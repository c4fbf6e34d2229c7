"""The demo of ``make run``: the seed document's partner and its linked customer."""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib import admin
from chalicelib.auth.principal import Principal
from chalicelib.orgs import service as orgs
from chalicelib.orgs.schemas import OrgCreate

PARTNER_EMAIL = "partner@example.com"
CUSTOMER_EMAIL = "kunde@example.com"


@dataclass
class Demo:
    partner_id: str
    customer_id: str
    password: str


def seed(password: str) -> Demo:
    partner, _ = admin.create_org(
        "SteineundUnkraut GmbH", PARTNER_EMAIL, password, partner=True, language="de",
        vat_id="DE136695976",
        address={"street": "Gartenweg 1", "postal_code": "07743", "city": "Jena", "country": "DE"},
    )
    from chalicelib.team.models import Membership

    member = next(iter(Membership.query(f"ORG#{partner.org_id}",
                                        Membership.sk.startswith("MEMBER#"))))
    principal = Principal(user_id=member.user_id, email=PARTNER_EMAIL, token_use="id")
    customer = orgs.create_customer(principal, OrgCreate(
        name="Innendekoration Stein & Mehr", linked=True, support_by="partner", language="de",
        address={"street": "Marktplatz 5", "postal_code": "07743", "city": "Jena", "country": "DE"},
    ))
    admin.add_user(customer["id"], CUSTOMER_EMAIL, "admin", password)
    return Demo(partner_id=partner.org_id, customer_id=customer["id"], password=password)
