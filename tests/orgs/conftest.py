"""Two linked customers with data everywhere, so that a purge can prove it takes only one."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib import aws, settings, storage
from tests.support import PASSWORD, images, seed_world

INVOICE_KEY = "invoices/2026/RE-2026-000001.pdf"


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


def fill(api: Any, org: str, token: str, reports: int = 3) -> None:
    """Logo, reports, incidents, audit entries and a partner.entered marker for ``org``."""
    from chalicelib.incidents import service as incidents

    assert api.get(f"/orgs/{org}", token).status == 200
    r = api.put(f"/orgs/{org}/logo", token, body=images.png(), headers={"Content-Type": "image/png"})
    assert r.status == 200, r
    for i in range(reports):
        storage.put("files", storage.report_key(org, f"r{i}"), b"%PDF-1.4 report", "application/pdf")
    incidents.open_incident(org, "down", "endpoint", "ep1", "Shop", "down")
    assert api.patch(f"/orgs/{org}", token, {"language": "en"}).status == 200


@pytest.fixture
def scene(api) -> Scene:
    from chalicelib import admin

    w = seed_world(api)
    r = api.post("/orgs", w.partner_token, {"name": "Zweiter Kunde GmbH", "support_by": "vendor"})
    assert r.status == 201, r
    kept = r.json["id"]
    only_id = admin.add_user(w.customer_id, "chefin@stein-mehr.example", "admin", PASSWORD)
    admin.add_user(w.customer_id, "gast@stein-mehr.example", "guest", PASSWORD)
    shared_id = admin.add_user(w.customer_id, "beide@example.com", "guest", PASSWORD)
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
        api.login("chefin@stein-mehr.example"),
        api.login("gast@stein-mehr.example"),
        api.login("beide@example.com"),
        shared_id,
        only_id,
    )


def _add_existing(org_id: str, user_id: str, email: str) -> None:
    from chalicelib import clock, db
    from chalicelib.team.models import Membership

    with db.transaction() as tx:
        tx.save(Membership.build(org_id, user_id, email, "guest", clock.now(), "test"))


def items_of(org_id: str) -> list[dict[str, Any]]:
    """Every item in every table that belongs to ``org_id`` (a test may Scan; the app never)."""
    ddb = aws.client("dynamodb")
    found = []
    for table in ddb.list_tables()["TableNames"]:
        for page in ddb.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                pk = item.get("pk", {}).get("S", "")
                owner = item.get("org_id", {}).get("S", "")
                if org_id in pk or owner == org_id:
                    found.append(item)
    return found


def objects_of(org_id: str, bucket: str = "files") -> list[str]:
    listed = aws.client("s3").list_objects_v2(
        Bucket=settings.bucket_name(bucket), Prefix=storage.org_prefix(org_id)
    )
    return [o["Key"] for o in listed.get("Contents", [])]


def purge_all(max_runs: int = 1, budget_s: float = 30.0) -> list[dict[str, int]]:
    from chalicelib.orgs.deletion import run_pending

    return [run_pending(time.monotonic() + budget_s) for _ in range(max_runs)]
