"""Idempotency-Key replays answer exactly what the first request answered (status and body),
and the side effect happens once: orders, cancellation, member invitations, invoice resends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import clock
from tests.support import PASSWORD, mails, make_org
from tests.support.api import error_fields

ADDRESS = {"street": "Gartenweg 1", "postal_code": "10115", "city": "Berlin", "country": "DE"}
BILLING_MAIL = "rechnung@steine.example"


def _partner_and_customer(api) -> tuple[str, str, str]:
    clock.set_now(datetime(2026, 11, 10, 10, 0, tzinfo=UTC))
    partner_id = make_org(
        "SteineundUnkraut GmbH",
        "partner@example.com",
        partner=True,
        language="de",
        address=ADDRESS,
        billing_email=BILLING_MAIL,
    )
    token = api.login("partner@example.com", PASSWORD)
    r = api.post(
        "/orgs", token, {"name": "Kunde GmbH", "linked": True, "support_by": "partner", "language": "de"}
    )
    assert r.status == 201, r
    return partner_id, token, r.json["id"]


def _order(api, token: str, org_id: str, key: str, plan: str = "basic") -> Any:
    return api.post(
        f"/orgs/{org_id}/subscription/orders",
        token,
        {"plan": plan, "interval": "month"},
        headers={"Idempotency-Key": key},
    )


def _audit_actions(org_id: str) -> list[str]:
    from chalicelib.audit.models import AuditEntry

    return [e.action for e in AuditEntry.query(f"AUDIT#{org_id}")]


def _invoice_mails(number: str) -> list[Any]:
    return [m for m in mails() if number in m.subject]


def test_order_replay_is_identical_and_invoices_once(api):
    from chalicelib.billing.models import Invoice

    partner_id, token, customer = _partner_and_customer(api)
    first = _order(api, token, customer, "order-1")
    again = _order(api, token, customer, "order-1")
    assert first.status == 201, first
    assert (again.status, again.json) == (first.status, first.json)
    assert [i.number for i in Invoice.query(f"INVOICES#{partner_id}")] == [first.json["invoice"]["number"]]
    assert len(_invoice_mails(first.json["invoice"]["number"])) == 1
    assert _audit_actions(customer).count("subscription.ordered") == 1
    other = _order(api, token, customer, "order-1", plan="enterprise")
    assert other.status == 422 and "Idempotency-Key" in error_fields(other.json), other


def test_cancel_replay_is_identical_and_cancels_once(api):
    _partner_id, token, customer = _partner_and_customer(api)
    assert _order(api, token, customer, "order-1").status == 201
    path = f"/orgs/{customer}/subscription"
    first = api.delete(path, token, headers={"Idempotency-Key": "cancel-1"})
    again = api.delete(path, token, headers={"Idempotency-Key": "cancel-1"})
    assert first.status == 200 and first.json["status"] == "canceled", first
    assert (again.status, again.json) == (first.status, first.json)
    assert _audit_actions(customer).count("subscription.canceled") == 1


def test_member_invite_replay_is_identical_and_invites_once(api):
    from chalicelib.team.models import Membership

    _partner_id, token, customer = _partner_and_customer(api)
    body = {"email": "neu@example.com", "role": "admin"}
    headers = {"Idempotency-Key": "invite-1"}
    first = api.post(f"/orgs/{customer}/members", token, body, headers=headers)
    again = api.post(f"/orgs/{customer}/members", token, body, headers=headers)
    assert first.status == 201, first
    assert (again.status, again.json) == (first.status, first.json)
    members = [m.email for m in Membership.query(f"ORG#{customer}", Membership.sk.startswith("MEMBER#"))]
    assert members.count("neu@example.com") == 1
    assert len(mails("neu@example.com")) == 1  # one invitation
    assert _audit_actions(customer).count("member.added") == 1
    other = api.post(
        f"/orgs/{customer}/members", token, {"email": "neu@example.com", "role": "guest"}, headers=headers
    )
    assert other.status == 422, other


def test_invoice_resend_replay_is_identical_and_mails_once(api):
    partner_id, token, customer = _partner_and_customer(api)
    number = _order(api, token, customer, "order-1").json["invoice"]["number"]
    assert len(_invoice_mails(number)) == 1  # the original
    path = f"/orgs/{partner_id}/invoices/{number}/send"
    first = api.post(path, token, None, headers={"Idempotency-Key": "resend-1"})
    again = api.post(path, token, None, headers={"Idempotency-Key": "resend-1"})
    assert first.status == 202, first
    assert first.json == {"number": number, "status": "sent", "to": [BILLING_MAIL]}
    assert (again.status, again.json) == (first.status, first.json)
    assert len(_invoice_mails(number)) == 2  # the original and one resend
    assert _audit_actions(partner_id).count("invoice.resent") == 1
    # without a key every request resends
    plain = api.post(path, token, None)
    assert (plain.status, plain.json) == (first.status, first.json)
    assert len(_invoice_mails(number)) == 3


def test_invoice_resend_key_reused_for_another_invoice_is_422(api):
    partner_id, token, customer = _partner_and_customer(api)
    number = _order(api, token, customer, "order-1").json["invoice"]["number"]
    upgrade = _order(api, token, customer, "order-2", plan="enterprise").json["invoice"]["number"]
    assert upgrade != number
    send = f"/orgs/{partner_id}/invoices/{{}}/send"
    assert api.post(send.format(number), token, None, headers={"Idempotency-Key": "resend-1"}).status == 202
    r = api.post(send.format(upgrade), token, None, headers={"Idempotency-Key": "resend-1"})
    assert r.status == 422 and "Idempotency-Key" in error_fields(r.json), r
    assert len(_invoice_mails(upgrade)) == 1  # only its original mail
