"""Invoice mail through the outbox: SES failing during the run loses nothing, sends once."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from tests.billing.conftest import at, new_customer, new_partner, stored
from tests.support import mails
from tests.support.lambdas import invoke
from tests.support.world import order


def _ses_identities(present: bool) -> None:
    """Remove (or restore) the verified sender, so that SES itself rejects every send."""
    from email.utils import parseaddr

    from chalicelib import aws, settings
    from chalicelib.local.bootstrap import verify_sender

    if present:
        verify_sender()
        return
    address = parseaddr(settings.mail_sender())[1]
    ses = aws.client("ses")
    ses.delete_identity(Identity=address)
    ses.delete_identity(Identity=address.split("@")[1])


def _invoice_mails(number: str) -> list:
    return [m for m in mails() if number in m.subject]


def test_ses_failure_during_billing_run_loses_no_invoice_and_mails_once(api):
    from chalicelib.billing.models import Invoice
    from chalicelib.mail.jobs import mail_outbox
    from chalicelib.mail.service import pending_count

    # GIVEN two partners whose customers were ordered in November (mails went out then)
    clock.set_now(at("2026-11-15T10:00:00"))
    p1 = new_partner(api)
    p2 = new_partner(api, "p2@example.com", "Zweiter Partner GmbH", billing_email="billing-p2@example.com")
    for p, names in ((p1, ["A", "B"]), (p2, ["C"])):
        for name in names:
            c = new_customer(api, p, f"Kunde {name}")
            assert order(api, p.token, c, key=name).status == 201
    november = len(mails())
    assert november == 3

    # WHEN SES rejects every message during the December run
    _ses_identities(present=False)
    clock.set_now(at("2026-12-01T00:30:00"))
    result = invoke("billing_run", timeout_s=900)

    # THEN both invoices are finalized and stored, their mail is queued, nothing was sent
    assert result["invoices"] == 2 and result["delivered"] == 2
    december = [i for p in (p1, p2) for i in Invoice.query(f"INVOICES#{p.org_id}") if i.reason == "renewal"]
    assert len(december) == 2
    for invoice in december:
        assert invoice.documents == "stored" and invoice.mail_status == "queued"
        assert stored(invoice.number, "pdf") and stored(invoice.number, "xml")
    assert len(mails()) == november
    assert pending_count() == 2
    assert mail_outbox.func({}) == {"sent": 0, "failed": 0}  # not due yet (backoff)
    clock.advance(timedelta(minutes=2))
    assert mail_outbox.func({}) == {"sent": 0, "failed": 2}  # still failing: rescheduled
    assert pending_count() == 2

    # WHEN the fault is gone and the outbox runs (repeatedly)
    _ses_identities(present=True)
    clock.advance(timedelta(hours=1))
    assert mail_outbox.func({}) == {"sent": 2, "failed": 0}
    clock.advance(timedelta(hours=1))
    assert mail_outbox.func({}) == {"sent": 0, "failed": 0}

    # THEN every invoice mail was delivered exactly once, with its PDF
    for invoice in december:
        got = _invoice_mails(invoice.number)
        assert len(got) == 1, invoice.number
        assert got[0].attachments[f"{invoice.number}.pdf"] == stored(invoice.number, "pdf")
    assert mails("rechnung@steine.example")[-1].subject.startswith("Ihre Rechnung")
    assert pending_count() == 0


def test_admin_can_resend_an_invoice_with_idempotency_key(api, partner):
    clock.set_now(at("2026-11-02T10:00:00"))
    c = new_customer(api, partner)
    number = order(api, partner.token, c).json["invoice"]["number"]
    path = f"/orgs/{partner.org_id}/invoices/{number}/send"
    first = api.post(path, partner.token, None, headers={"Idempotency-Key": "r1"})
    again = api.post(path, partner.token, None, headers={"Idempotency-Key": "r1"})
    assert first.status == 202 and again.status == 202
    assert first.json["to"] == ["rechnung@steine.example"]
    assert len(_invoice_mails(number)) == 2  # the original and one resend, not two
    assert (
        api.post(f"/orgs/{partner.org_id}/invoices/VIG-2026-999999/send", partner.token, None).status == 404
    )


def test_invoice_list_is_paginated_and_english_for_english_orgs(api):
    clock.set_now(at("2026-11-02T10:00:00"))
    p = new_partner(api, language="en", billing_email=None)
    for i in range(3):
        c = new_customer(api, p, f"Customer {i}")
        assert order(api, p.token, c, key=f"k{i}").status == 201
    page1 = api.get(f"/orgs/{p.org_id}/invoices?limit=2", p.token).json
    assert [i["number"] for i in page1["items"]] == ["VIG-2026-000003", "VIG-2026-000002"]
    page2 = api.get(f"/orgs/{p.org_id}/invoices?limit=2&next={page1['next']}", p.token).json
    assert [i["number"] for i in page2["items"]] == ["VIG-2026-000001"]
    # no billing e-mail: the admins get it, in English
    got = mails("partner@example.com")
    assert got and all(m.subject.startswith("Your invoice") for m in got)
