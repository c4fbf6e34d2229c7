"""Failures of AWS in the middle of the foundation's write paths: clean 503, nothing half-written."""

from __future__ import annotations

from chalicelib.audit.models import AuditEntry
from chalicelib.orgs.models import Org
from chalicelib.team.models import EmailIndex, Membership
from tests.faults import inject
from tests.support import mails, seed_world


def _members(org_id):
    return {m.email for m in Membership.query(f"ORG#{org_id}", Membership.sk.startswith("MEMBER#"))}


def test_org_creation_failing_in_the_transaction_leaves_nothing(api):
    w = seed_world(api)
    before = Org.by_partner.count(f"PARTNER#{w.partner_id}")
    with inject("dynamodb", "TransactWriteItems", code="ProvisionedThroughputExceededException") as f:
        r = api.post("/orgs", w.partner_token, {"name": "Kaputt GmbH"})
    assert f.failed == 1
    assert r.status == 503 and r.headers.get("Retry-After"), r
    assert Org.by_partner.count(f"PARTNER#{w.partner_id}") == before
    # once DynamoDB is back the same request succeeds
    assert api.post("/orgs", w.partner_token, {"name": "Kaputt GmbH"}).status == 201


def test_member_add_rolls_back_the_pool_user_when_the_database_fails(api):
    w = seed_world(api)
    with inject("dynamodb", "TransactWriteItems", code="InternalServerError"):
        r = api.post(
            f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "neu@example.com", "role": "guest"}
        )
    assert r.status == 503, r
    assert "neu@example.com" not in _members(w.customer_id)
    assert EmailIndex.count(*EmailIndex.key("neu@example.com")[:1]) == 0
    assert mails("neu@example.com") == []  # no invitation for an account that does not exist
    # retry works and invites (the compensated pool user does not block it)
    again = api.post(
        f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "neu@example.com", "role": "guest"}
    )
    assert again.status == 201, again
    (invitation,) = mails("neu@example.com")
    assert "Temporäres Passwort" in invitation.text


def test_member_add_with_cognito_down_is_503_and_writes_nothing(api):
    w = seed_world(api)
    audit_before = AuditEntry.count(f"AUDIT#{w.customer_id}")
    with inject("cognito-idp", "AdminCreateUser", timeout=True):
        r = api.post(
            f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "neu@example.com", "role": "admin"}
        )
    assert r.status == 503, r
    assert "neu@example.com" not in _members(w.customer_id)
    assert AuditEntry.count(f"AUDIT#{w.customer_id}") == audit_before
    assert Org.get(*Org.key(w.customer_id)).admin_count == 0


def test_invitation_mail_failure_parks_the_mail_and_delivers_later(api):
    from chalicelib.mail.service import pending_count, retry_outbox

    w = seed_world(api)
    with inject("ses", "SendRawEmail", code="Throttling"):
        r = api.post(
            f"/orgs/{w.customer_id}/members",
            w.partner_token,
            {"email": "spaeter@example.com", "role": "guest"},
        )
    assert r.status == 201, r  # the member exists; the mail is not lost
    assert mails("spaeter@example.com") == [] and pending_count() == 1
    from datetime import timedelta

    from chalicelib import clock

    clock.advance(timedelta(minutes=2))
    assert retry_outbox() == {"sent": 1, "failed": 0}
    assert len(mails("spaeter@example.com")) == 1 and pending_count() == 0


def test_reads_during_throttling_are_503_not_500(api):
    w = seed_world(api)
    with inject("dynamodb", "BatchGetItem", code="ThrottlingException"):
        r = api.get(f"/orgs/{w.customer_id}", w.partner_token)
    assert r.status == 503 and r.json["status"] == 503, r
