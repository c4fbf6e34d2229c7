"""Invoice resends are limited per org (issue 14 §4: 25 resends mailed 25 times)."""

from __future__ import annotations

from chalicelib import clock
from tests.billing.conftest import at, new_customer
from tests.support import mails
from tests.support.world import order


def test_twenty_five_resends_mail_at_most_the_limit(api, partner) -> None:
    clock.set_now(at("2026-11-02T10:00:00"))
    number = order(api, partner.token, new_customer(api, partner)).json["invoice"]["number"]
    path = f"/orgs/{partner.org_id}/invoices/{number}/send"
    answers = [api.post(path, partner.token, None) for _ in range(25)]
    statuses = [a.status for a in answers]
    assert statuses == [202] * 10 + [429] * 15, statuses
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 3600
    assert answers[-1].headers["Content-Type"] == "application/problem+json"
    assert len([m for m in mails() if number in m.subject]) == 1 + 10  # the original and 10 resends
