"""The one world builder: the seed's cast of orgs and people, and the steps every suite adds to it.

``seed_world(api)`` is the seed's story (partner SteineundUnkraut with its linked customer, and a
second partner as the stranger). Options add what several suites need on top, always with the
same names, so that a test can read ``world.customer_guest`` anywhere:

- ``team``: the customer's own admin (chefin@stein-mehr.example) and guest (gast@stein-mehr.example)
- ``independent``: an unrelated org "Unabhängig GmbH" with admin solo@example.com
- ``profiles``: billing profiles (DE address, invoice mail) on both partners and an address on the
  independent org, so that orders can be billed

Suites that need more build on this (tests/security/world.py, ``build_scene`` below).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.api import PASSWORD, Api, Result
from tests.support.images import png

PARTNER = "partner@example.com"
OTHER_PARTNER = "other@example.com"
CUSTOMER_ADMIN = "chefin@stein-mehr.example"
CUSTOMER_GUEST = "gast@stein-mehr.example"
INDEPENDENT_ADMIN = "solo@example.com"
CUSTOMER_NAME = "Innendekoration Stein & Mehr"
DE_ADDRESS = {"street": "Gartenweg 1", "postal_code": "10115", "city": "Berlin", "country": "DE"}
BILLING_PROFILE: dict[str, Any] = {"address": DE_ADDRESS, "billing_email": "rechnung@steine.example"}
INVOICE_KEY = "invoices/2026/RE-2026-000001.pdf"


def make_org(name: str, admin_email: str, partner: bool = False, **profile: Any) -> str:
    """An org with an admin whose password is ``PASSWORD`` (operator path, as the seed)."""
    from chalicelib import admin

    org, _ = admin.create_org(name, admin_email, PASSWORD, partner=partner, **profile)
    return org.org_id


def sign_up(
    api: Api, email: str, name: str = "Neu GmbH", language: str = "de", password: str = PASSWORD
) -> str:
    """Self-service signup through the API, confirmed with the code read from the mail; the
    new org's id (the signer's ``/me``)."""
    from tests.support.mail import signup_code

    r = api.post(
        "/signup",
        json_body={"email": email, "password": password, "org": {"name": name, "language": language}},
    )
    assert r.status == 202, r
    r = api.post("/signup/confirm", json_body={"email": email, "code": signup_code(email)})
    assert r.status == 200, r
    token = api.login(email, password)
    (entry,) = [o for o in api.get("/me", token).json["orgs"] if o["name"] == name]
    return str(entry["id"])


def add_member(org_id: str, email: str, role: str) -> str:
    """A user with password ``PASSWORD`` joins ``org_id`` (operator path: no invitation mail)."""
    from chalicelib import admin

    return admin.add_user(org_id, email, role, PASSWORD)


def new_customer(api: Api, token: str, name: str = CUSTOMER_NAME, **fields: Any) -> str:
    """A customer org created through the API by the partner holding ``token``; by default linked,
    supported by the partner and German (a field given as None is left out of the body)."""
    body = {"name": name, "linked": True, "support_by": "partner", "language": "de", **fields}
    r = api.post("/orgs", token, {k: v for k, v in body.items() if v is not None})
    assert r.status == 201, r
    return str(r.json["id"])


def order(
    api: Api, token: str, org_id: str, plan: str = "basic", interval: str = "month", key: str = "k-1"
) -> Result:
    """Order ``plan`` for ``org_id`` (the answer, whatever it is)."""
    return api.post(
        f"/orgs/{org_id}/subscription/orders",
        token,
        {"plan": plan, "interval": interval},
        headers={"Idempotency-Key": key},
    )


def upload_logo(api: Api, org_id: str, token: str, data: bytes | None = None) -> None:
    r = api.put(f"/orgs/{org_id}/logo", token, body=data or png(), headers={"Content-Type": "image/png"})
    assert r.status == 200, r


def access_of(api: Api, token: str, org_id: str) -> Any:
    """The ``Access`` a request with ``token`` gets in ``org_id`` (for calling services directly)."""
    from chalicelib.auth.access import resolve
    from chalicelib.auth.principal import Principal

    me = api.get("/me", token).json
    return resolve(Principal(user_id=me["user"]["id"], email=me["user"]["email"], token_use="id"), org_id)


@dataclass
class World:
    """The seed's cast: partner SteineundUnkraut with a linked customer, plus strangers."""

    partner_id: str
    partner_token: str
    customer_id: str
    other_partner_id: str
    other_token: str
    # with team=True: the customer's own admin and guest (tokens) and the admin's user id
    customer_admin: str = ""
    customer_guest: str = ""
    customer_admin_id: str = ""
    # with independent=True: an org nobody else belongs to, and its admin's token
    independent_id: str = ""
    independent_admin: str = ""


def seed_world(api: Api, *, team: bool = False, independent: bool = False, profiles: bool = False) -> World:
    partner_profile = BILLING_PROFILE if profiles else {}
    partner_id = make_org("SteineundUnkraut GmbH", PARTNER, partner=True, **partner_profile)
    other_id = make_org("Andere Partner AG", OTHER_PARTNER, partner=True, **partner_profile)
    token = api.login(PARTNER)
    w = World(partner_id, token, new_customer(api, token), other_id, api.login(OTHER_PARTNER))
    if team:
        w.customer_admin_id = add_member(w.customer_id, CUSTOMER_ADMIN, "admin")
        add_member(w.customer_id, CUSTOMER_GUEST, "guest")
        w.customer_admin = api.login(CUSTOMER_ADMIN)
        w.customer_guest = api.login(CUSTOMER_GUEST)
    if independent:
        profile: dict[str, Any] = {"address": DE_ADDRESS} if profiles else {}
        w.independent_id = make_org("Unabhängig GmbH", INDEPENDENT_ADMIN, **profile)
        w.independent_admin = api.login(INDEPENDENT_ADMIN)
    return w


# --- the deletion scene: two customers of one partner with data everywhere ---------------------


@dataclass
class Scene:
    partner_id: str
    partner: str
    other_partner: str
    doomed: str  # the customer to delete
    kept: str  # another customer of the same partner
    doomed_admin: str  # member of the doomed org only
    doomed_guest: str
    shared: str  # member of both customers: must survive
    shared_id: str
    only_user_id: str


def fill(api: Api, org: str, token: str, reports: int = 3) -> None:
    """Logo, reports, incidents, audit entries and a partner.entered marker for ``org``."""
    from chalicelib import storage
    from chalicelib.incidents import service as incidents

    assert api.get(f"/orgs/{org}", token).status == 200
    upload_logo(api, org, token)
    for i in range(reports):
        storage.put("files", storage.report_key(org, f"r{i}"), b"%PDF-1.4 report", "application/pdf")
    incidents.open_incident(org, "down", "endpoint", "ep1", "Shop", "down")
    assert api.patch(f"/orgs/{org}", token, {"language": "en"}).status == 200


def build_scene(api: Api) -> Scene:
    """Two linked customers with data everywhere, so that a purge can prove it takes only one."""
    from chalicelib import aws, settings, storage

    w = seed_world(api, team=True)
    kept = new_customer(
        api, w.partner_token, "Zweiter Kunde GmbH", support_by="vendor", linked=None, language=None
    )
    shared_id = add_member(w.customer_id, "beide@example.com", "guest")
    _add_existing(kept, shared_id, "beide@example.com")
    fill(api, w.customer_id, w.partner_token)
    fill(api, kept, w.partner_token)
    storage.put("invoices", INVOICE_KEY, b"%PDF invoice", "application/pdf")
    aws.client("dynamodb").put_item(
        TableName=settings.table_name("billing"),
        Item={
            "pk": {"S": f"PAYER#{w.partner_id}"},
            "sk": {"S": "INVOICE#RE-2026-000001"},
            "line_org_id": {"S": w.customer_id},
        },
    )
    return Scene(
        w.partner_id,
        w.partner_token,
        w.other_token,
        w.customer_id,
        kept,
        w.customer_admin,
        w.customer_guest,
        api.login("beide@example.com"),
        shared_id,
        w.customer_admin_id,
    )


def _add_existing(org_id: str, user_id: str, email: str) -> None:
    from chalicelib import clock, db
    from chalicelib.team.models import Membership

    with db.transaction() as tx:
        tx.save(Membership.build(org_id, user_id, email, "guest", clock.now(), "test"))
