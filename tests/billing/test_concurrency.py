"""Concurrent orders and finalizations: exactly one change per key, gapless unique numbers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from chalicelib import clock
from tests.billing.conftest import at, new_customer
from tests.support import Result
from tests.support.api import error_fields
from tests.support.world import order


def test_50_identical_orders_make_one_invoice(api, partner, atomic_dynamodb):
    # GIVEN a customer on trial
    clock.set_now(at("2026-11-10T10:00:00"))
    customer = new_customer(api, partner)

    # WHEN 50 threads send the same order with the same Idempotency-Key
    def send(_: int) -> Result:
        return order(api, partner.token, customer, key="same-key")

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(send, range(50)))

    # THEN all answer 201 with the same invoice, and exactly one invoice and change exist
    assert {r.status for r in results} == {201}, [r for r in results if r.status != 201][:3]
    numbers = {r.json["invoice"]["number"] for r in results}
    assert numbers == {"VIG-2026-000001"}
    listed = api.get(f"/orgs/{partner.org_id}/invoices", partner.token).json["items"]
    assert [i["number"] for i in listed] == ["VIG-2026-000001"]
    from chalicelib.billing.models import InvoiceSequence, Subscription

    assert InvoiceSequence.get(*InvoiceSequence.key(2026)).last == 1
    sub = Subscription.get(*Subscription.key(customer))
    assert sub.status == "active" and sub.version == 2  # one change only
    from chalicelib.audit.models import AuditEntry

    audit = list(AuditEntry.query(f"AUDIT#{customer}"))
    assert sum(1 for e in audit if e.action == "subscription.ordered") == 1


def test_same_key_other_body_is_422_and_replay_is_identical(api, partner):
    clock.set_now(at("2026-11-10T10:00:00"))
    customer = new_customer(api, partner)
    first = order(api, partner.token, customer, key="k")
    again = order(api, partner.token, customer, key="k")
    other = order(api, partner.token, customer, plan="enterprise", key="k")
    assert first.status == again.status == 201
    assert first.json == again.json
    assert other.status == 422 and "Idempotency-Key" in error_fields(other.json)
    missing = api.post(
        f"/orgs/{customer}/subscription/orders", partner.token, {"plan": "basic", "interval": "month"}
    )
    assert missing.status == 400 and "Idempotency-Key" in error_fields(missing.json)


def test_100_concurrent_finalizations_get_100_gapless_numbers(api, partner, atomic_dynamodb):
    from chalicelib.billing import invoices, pricing
    from chalicelib.orgs.models import Org

    now = at("2026-11-10T10:00:00")
    clock.set_now(now)
    payer = Org.get(*Org.key(partner.org_id))
    start, end = pricing.period_for("month", now)
    line = pricing.charge("o-x", "Kunde", "basic", "month", start, end, now, pricing.Decimal("30"))

    def finalize(_: int) -> str:
        return invoices.finalize(payer, [line], "order", now, lambda tx, inv: None).number

    with ThreadPoolExecutor(max_workers=100) as pool:
        numbers = list(pool.map(finalize, range(100)))

    assert len(set(numbers)) == 100
    assert sorted(numbers) == [f"VIG-2026-{n:06d}" for n in range(1, 101)]
    from chalicelib.billing.models import Invoice

    stored = [i.number for i in Invoice.query(f"INVOICES#{partner.org_id}")]
    assert sorted(stored) == sorted(numbers)
