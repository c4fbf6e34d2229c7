"""AWS failures in the money paths: an order and the billing run (invoice finalization).

A failure answers 503 (or stops the job) without a half-written invoice, subscription or number;
the retry (same Idempotency-Key) or the next run finishes the work, and numbers stay gapless.
"""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError
from pynamodb.exceptions import PynamoDBException

from chalicelib import clock
from tests.billing.conftest import at, new_customer, new_partner, stored
from tests.faults import inject
from tests.support.world import order


def _invoices(payer: str) -> list:
    from chalicelib.billing.models import Invoice

    return list(Invoice.query(f"INVOICES#{payer}"))


def _subscription(org_id: str):
    from chalicelib.billing.models import Subscription

    return Subscription.get(*Subscription.key(org_id))


@pytest.mark.parametrize(
    "fault",
    [
        dict(code="ProvisionedThroughputExceededException"),
        dict(code="InternalServerError"),
        dict(timeout=True),
    ],
)
def test_order_failing_in_its_transaction_is_503_and_the_retry_bills_once(api, fault) -> None:
    clock.set_now(at("2026-11-15T10:00:00"))
    partner = new_partner(api)
    customer = new_customer(api, partner)
    with inject("dynamodb", "TransactWriteItems", **fault) as f:
        r = order(api, partner.token, customer, key="k-1")
    assert f.failed >= 1
    assert r.status == 503 and r.headers.get("Retry-After"), r
    assert _invoices(partner.org_id) == []
    assert _subscription(customer).status == "trialing"
    again = order(api, partner.token, customer, key="k-1")
    assert again.status == 201, again
    assert again.json["invoice"]["number"] == "VIG-2026-000001"  # no number lost to the failure
    assert len(_invoices(partner.org_id)) == 1 and _subscription(customer).status == "active"
    assert order(api, partner.token, customer, key="k-1").json == again.json  # replay


def test_order_with_s3_and_ses_down_still_bills_and_the_job_delivers_later(api) -> None:
    from chalicelib.billing import invoices
    from tests.support import mails

    def billing_run() -> None:  # what the hourly job does after the (here empty) run
        invoices.deliver_pending(time.monotonic() + 60)

    clock.set_now(at("2026-11-15T10:00:00"))
    partner = new_partner(api)
    customer = new_customer(api, partner)
    with inject("s3", "PutObject", code="SlowDown"), inject("ses", code="Throttling"):
        r = order(api, partner.token, customer, key="k-1")
    assert r.status == 201, r  # the invoice is committed; documents are not part of the money
    number = r.json["invoice"]["number"]
    assert stored(number, "pdf") is None and mails("rechnung@steine.example") == []
    billing_run()  # the hourly job renders and mails what is pending
    assert stored(number, "pdf") is not None and stored(number, "xml") is not None
    assert len(mails("rechnung@steine.example")) == 1
    billing_run()
    assert len(mails("rechnung@steine.example")) == 1  # never twice


def test_billing_run_interrupted_by_throttling_resumes_and_finalizes_every_invoice_once(api) -> None:
    from chalicelib.billing import run

    clock.set_now(at("2026-11-15T10:00:00"))
    partners = [
        new_partner(api),
        new_partner(api, "p2@example.com", "Zwei GmbH"),
        new_partner(api, "p3@example.com", "Drei GmbH"),
    ]
    for i, p in enumerate(partners):
        c = new_customer(api, p, f"Kunde {i}")
        assert order(api, p.token, c, key=f"k{i}").status == 201
    now = at("2026-12-01T00:30:00")
    clock.set_now(now)
    # the second invoice transaction of the run fails (and its retry too)
    with (
        inject("dynamodb", "TransactWriteItems", code="ThrottlingException", skip=1, times=5),
        pytest.raises((ClientError, PynamoDBException)),
    ):
        run.run(now, deadline=time.monotonic() + 60)
    renewals = [i for p in partners for i in _invoices(p.org_id) if i.reason == "renewal"]
    assert len(renewals) <= 1
    for _attempt in range(5):  # the next scheduled runs finish the job
        if run.run(now, deadline=time.monotonic() + 60)["done"]:
            break
    renewals = [i for p in partners for i in _invoices(p.org_id) if i.reason == "renewal"]
    assert len(renewals) == 3, renewals
    assert sorted(i.number for i in renewals) == [
        "VIG-2026-000004",
        "VIG-2026-000005",
        "VIG-2026-000006",
    ]  # gapless
    assert run.run(now, deadline=time.monotonic() + 600, force=True)["invoices"] == 0
