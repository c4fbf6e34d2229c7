"""The billing run: resumable, never twice, copes with subscriptions that disappeared."""

from __future__ import annotations

import time
from typing import Any

from chalicelib import clock
from tests.billing.conftest import Partner, at, new_customer, new_partner
from tests.support import Api
from tests.support.world import order


def _world(api: Api) -> tuple[list[Partner], list[str]]:
    clock.set_now(at("2026-11-15T10:00:00"))
    partners = [
        new_partner(api),
        new_partner(api, "p2@example.com", "Zwei GmbH"),
        new_partner(api, "p3@example.com", "Drei GmbH"),
    ]
    customers = []
    for i, p in enumerate(partners):
        for j in range(2):
            c = new_customer(api, p, f"Kunde {i}-{j}")
            assert order(api, p.token, c, key=f"{i}-{j}").status == 201
            customers.append(c)
    return partners, customers


def _renewals(partners: list[Partner]) -> list[Any]:
    from chalicelib.billing.models import Invoice

    return [i for p in partners for i in Invoice.query(f"INVOICES#{p.org_id}") if i.reason == "renewal"]


def test_run_resumes_after_deadline_and_never_bills_twice(api):
    from chalicelib.billing import run

    partners, _ = _world(api)
    now = at("2026-12-01T00:30:00")
    clock.set_now(now)
    # a deadline in the past: one payer per call, the cursor carries on
    calls = 0
    while True:
        calls += 1
        result = run.run(now, deadline=time.monotonic() - 1)
        if result["done"]:
            break
        assert result["invoices"] == 1
    assert calls >= 3
    invoices = _renewals(partners)
    assert len(invoices) == 3 and all(len(i.lines) == 2 for i in invoices)
    # the day's run is done; forcing it again bills nothing (periods advanced)
    assert run.run(now, deadline=time.monotonic() + 600)["skipped"] is True
    assert run.run(now, deadline=time.monotonic() + 600, force=True)["invoices"] == 0
    assert len(_renewals(partners)) == 3
    numbers = sorted(i.number for i in invoices)
    assert numbers == ["VIG-2026-000007", "VIG-2026-000008", "VIG-2026-000009"]


def test_run_copes_with_purged_and_deleting_orgs(api):
    from chalicelib.billing import run
    from chalicelib.billing.models import Subscription
    from chalicelib.orgs.models import Org

    partners, customers = _world(api)
    # another helper's purge deleted customer 0 completely; customer 2's deletion is under way
    Subscription.get(*Subscription.key(customers[0])).delete()
    Org.get(*Org.key(customers[0])).delete()
    deleting = Org.get(*Org.key(customers[2]))
    deleting.update(actions=[Org.status.set("deleting")])

    clock.set_now(at("2026-12-01T00:30:00"))
    assert run.run(deadline=time.monotonic() + 600)["done"] is True
    by_payer = {i.payer_org_id: [ln["org_id"] for ln in i.lines] for i in _renewals(partners)}
    assert by_payer[partners[0].org_id] == [customers[1]]
    assert by_payer[partners[1].org_id] == [customers[3]]
    assert sorted(by_payer[partners[2].org_id]) == sorted(customers[4:6])
