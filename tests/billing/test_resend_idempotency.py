"""Invoice resend with an Idempotency-Key: concurrent identical requests mail once and answer
alike; a resend that failed after claiming the key can be retried with the same key."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib import clock
from tests.billing.conftest import at, new_customer
from tests.faults import inject
from tests.support import mails
from tests.support.world import order


def _invoice_mails(number: str) -> list:
    return [m for m in mails() if number in m.subject]


def test_concurrent_resends_with_one_key_mail_once_and_answer_alike(api, partner, atomic_dynamodb):
    clock.set_now(at("2026-11-02T10:00:00"))
    number = order(api, partner.token, new_customer(api, partner)).json["invoice"]["number"]
    path = f"/orgs/{partner.org_id}/invoices/{number}/send"

    def send(_: int) -> Any:
        return api.post(path, partner.token, None, headers={"Idempotency-Key": "same"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(8)))

    assert {r.status for r in results} == {202}, [r for r in results if r.status != 202][:3]
    assert {r.raw for r in results} == {results[0].raw}
    assert results[0].json == {"number": number, "status": "sent", "to": ["rechnung@steine.example"]}
    assert len(_invoice_mails(number)) == 2  # the original and one resend


def test_resend_failing_after_the_claim_can_be_retried_with_the_same_key(api, partner):
    clock.set_now(at("2026-11-02T10:00:00"))
    number = order(api, partner.token, new_customer(api, partner)).json["invoice"]["number"]
    path = f"/orgs/{partner.org_id}/invoices/{number}/send"
    with inject("s3", "GetObject", code="SlowDown"):
        failed = api.post(path, partner.token, None, headers={"Idempotency-Key": "r1"})
    assert failed.status == 503, failed
    assert len(_invoice_mails(number)) == 1  # nothing resent
    retry = api.post(path, partner.token, None, headers={"Idempotency-Key": "r1"})
    assert retry.status == 202, retry
    again = api.post(path, partner.token, None, headers={"Idempotency-Key": "r1"})
    assert (again.status, again.json) == (retry.status, retry.json)
    assert len(_invoice_mails(number)) == 2
