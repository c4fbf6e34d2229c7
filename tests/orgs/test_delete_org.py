"""DELETE /orgs/{id}: gone at once for everyone, purged asynchronously, resumable."""

from __future__ import annotations

import time

from chalicelib import aws, settings, storage
from chalicelib.billing.models import Subscription
from chalicelib.orgs.models import PURGE_PK, Org, PurgeJob
from chalicelib.team.models import EmailIndex, User
from tests.orgs.conftest import purge_all
from tests.support import PASSWORD
from tests.support.lambdas import invoke
from tests.support.stored import items_of, objects_of
from tests.support.world import INVOICE_KEY


def _org_routes():
    from app import app

    for path, methods in app.routes.items():
        if "{org_id}" in path:
            for method in methods:
                if method != "OPTIONS":
                    yield method, path


def _call(api, method, path, token):
    headers = {"Content-Type": "image/png"} if path.endswith("/logo") and method == "PUT" else None
    body = b"\x89PNG" if headers else b"{}"
    return api.call(method, path, token, headers=headers, body=body)


def test_after_delete_every_route_of_the_org_is_404_for_every_user(api, scene):
    org = scene.doomed
    r = api.delete(f"/orgs/{org}", scene.partner)
    assert r.status == 202, r
    assert r.json["status"] == "deleting" and r.json["id"] == org
    users = (scene.partner, scene.doomed_admin, scene.doomed_guest, scene.shared, scene.other_partner)
    routes = list(_org_routes())
    assert len(routes) >= 10
    for method, template in routes:
        path = template.replace("{org_id}", org)
        for name in ("user_id", "id", "number", "endpoint_id", "host_id", "report_id"):
            path = path.replace("{" + name + "}", "x1")
        for token in users:
            got = _call(api, method, path, token)
            assert got.status == 404, (method, path, got)
    # gone from the partner's customer list and from everyone's /me at once
    customers = api.get(f"/orgs/{scene.partner_id}/customers", scene.partner).json["items"]
    assert [c["id"] for c in customers] == [scene.kept]
    assert org not in [o["id"] for o in api.get("/me", scene.partner).json["orgs"]]
    assert [o["id"] for o in api.get("/me", scene.shared).json["orgs"]] == [scene.kept]
    assert api.get("/me", scene.doomed_admin).json["orgs"] == []
    # memberships went in the DELETE transaction itself; users wait for the purge
    from chalicelib.team.models import Membership

    assert Membership.count(f"ORG#{org}", Membership.sk.startswith("MEMBER#")) == 0
    assert [m.org_id for m in Membership.by_user.query(f"USER#{scene.shared_id}")] == [scene.kept]
    # billing can never charge it: the subscription went in the same transaction
    assert Subscription.count(*Subscription.key(org)[:1]) == 0
    assert Org.get(*Org.key(org)).gsi1pk is None
    # the partner's own log keeps the record
    log = api.get(f"/orgs/{scene.partner_id}/audit", scene.partner).json["items"]
    assert log[0]["action"] == "customer.deleted" and log[0]["target"] == org
    # the other customer is untouched
    assert api.get(f"/orgs/{scene.kept}", scene.shared).status == 200


def test_who_may_delete(api, scene):
    assert api.delete(f"/orgs/{scene.doomed}", scene.doomed_admin).status == 403
    assert api.delete(f"/orgs/{scene.doomed}", scene.doomed_guest).status == 403
    assert api.delete(f"/orgs/{scene.doomed}", scene.other_partner).status == 404
    assert api.delete(f"/orgs/{scene.doomed}").status == 401
    assert api.delete(f"/orgs/{scene.partner_id}", scene.partner).status == 403  # a partner org
    assert Org.get(*Org.key(scene.doomed)).status == "active"
    assert list(PurgeJob.query(PURGE_PK)) == []


def test_a_team_too_large_for_one_transaction_loses_the_rest_in_the_purge(api, scene):
    from chalicelib import clock
    from chalicelib.orgs import deletion
    from chalicelib.team.models import EmailIndex as Email
    from chalicelib.team.models import Membership
    from chalicelib.team.models import User as U

    org = scene.doomed
    with Membership.batch_write() as writer:
        for i in range(deletion.INLINE_MEMBERS + 10):
            uid = f"bulk{i}"
            writer.save(Membership.build(org, uid, f"bulk{i}@example.com", "guest", clock.now(), "t"))
            writer.save(U(*U.key(uid), user_id=uid, email=f"bulk{i}@example.com", created_at=clock.now()))
            writer.save(Email(*Email.key(f"bulk{i}@example.com"), user_id=uid))
    assert api.delete(f"/orgs/{org}", scene.partner).status == 202
    assert api.get(f"/orgs/{org}", scene.doomed_admin).status == 404
    left = Membership.count(f"ORG#{org}", Membership.sk.startswith("MEMBER#"))
    assert 0 < left < deletion.INLINE_MEMBERS + 13
    purge_all()
    assert [i for i in items_of(org) if not i["sk"]["S"].startswith("INVOICE#")] == []
    assert U.count("USER#bulk0") == 0 and U.count(f"USER#bulk{deletion.INLINE_MEMBERS + 9}") == 0
    assert U.count(f"USER#{scene.shared_id}") == 1


def test_independent_org_is_closed_by_its_own_admin(api, scene):
    from tests.support import make_org

    org = make_org("Solo GmbH", "solo@example.com")
    token = api.login("solo@example.com")
    assert api.delete(f"/orgs/{org}", token).status == 202
    assert api.get(f"/orgs/{org}", token).status == 404
    purge_all()
    assert items_of(org) == []
    assert (
        api.post("/auth/login", json_body={"email": "solo@example.com", "password": PASSWORD}).status == 401
    )


def test_purge_leaves_nothing_of_the_org_and_touches_nothing_else(api, scene):
    org = scene.doomed
    kept_items = len(items_of(scene.kept))
    kept_objects = objects_of(scene.kept)
    assert items_of(org) and objects_of(org)
    assert api.delete(f"/orgs/{org}", scene.partner).status == 202
    result = purge_all()
    assert result == [{"purged": 1, "pending": 0}]
    assert items_of(org) == [i for i in items_of(org) if i["sk"]["S"].startswith("INVOICE#")]
    assert objects_of(org) == []
    assert list(PurgeJob.query(PURGE_PK)) == []
    # invoices issued to the partner stay (S3 original and the billing item)
    assert storage.get("invoices", INVOICE_KEY) == b"%PDF invoice"
    invoice = aws.client("dynamodb").get_item(
        TableName=settings.table_name("billing"),
        Key={"pk": {"S": f"PAYER#{scene.partner_id}"}, "sk": {"S": "INVOICE#RE-2026-000001"}},
    )
    assert invoice.get("Item", {}).get("line_org_id", {}).get("S") == org
    # the other customer keeps everything
    assert len(items_of(scene.kept)) == kept_items
    assert objects_of(scene.kept) == kept_objects
    # a user of the deleted org only is gone; a user who belongs elsewhere stays
    assert User.count(f"USER#{scene.only_user_id}") == 0
    assert EmailIndex.count("EMAIL#chefin@stein-mehr.example") == 0
    assert (
        api.post("/auth/login", json_body={"email": "chefin@stein-mehr.example", "password": PASSWORD}).status
        == 401
    )
    assert User.count(f"USER#{scene.shared_id}") == 1
    token = api.login("beide@example.com")
    assert [o["id"] for o in api.get("/me", token).json["orgs"]] == [scene.kept]
    # the partner is unaffected
    assert api.get(f"/orgs/{scene.partner_id}", scene.partner).status == 200


def test_interrupted_purge_resumes_and_finishes(api, scene):
    from chalicelib.audit import service as audit_log
    from chalicelib.audit.models import AuditEntry
    from chalicelib.orgs.deletion import run_pending

    org = scene.doomed
    with AuditEntry.batch_write() as writer:
        for i in range(120):
            writer.save(audit_log.build(org, "u", None, "admin", org, "thing.done", str(i)))
    for i in range(40):
        storage.put("files", storage.report_key(org, f"bulk{i}"), b"%PDF", "application/pdf")
    assert api.delete(f"/orgs/{org}", scene.partner).status == 202
    before = len(items_of(org))
    # A deadline already passed: every run does one batch, then stops.
    first = run_pending(time.monotonic() - 1)
    assert first == {"purged": 0, "pending": 1}
    left = len(items_of(org)) + len(objects_of(org))
    assert 0 < left < before + 44
    job = list(PurgeJob.query(PURGE_PK))
    assert len(job) == 1 and job[0].org_id == org and job[0].runs == 1
    runs = 1
    while list(PurgeJob.query(PURGE_PK)):
        run_pending(time.monotonic() - 1)
        runs += 1
        assert runs < 100, "the purge makes no progress"
    assert runs > 2
    assert [i for i in items_of(org) if not i["sk"]["S"].startswith("INVOICE#")] == []
    assert objects_of(org) == []
    assert api.get(f"/orgs/{scene.kept}", scene.partner).status == 200


def test_the_scheduled_function_runs_the_purge(api, scene):
    assert api.delete(f"/orgs/{scene.doomed}", scene.partner).status == 202
    # as Lambda runs it, with 30 s left (the prod timeout): the job keeps a 10 s margin
    response = invoke("org_purge", timeout_s=30)
    assert response == {"purged": 1, "pending": 0}
    assert objects_of(scene.doomed) == []
