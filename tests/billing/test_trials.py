"""Trial lifecycle: reminder 3 days before the end, expiry, paused monitoring, reactivation."""

from __future__ import annotations

from chalicelib import clock
from tests.billing.conftest import at, new_customer
from tests.support import PASSWORD, mails, make_org
from tests.support.world import order


def _trials_job() -> dict:
    from chalicelib.billing.jobs import billing_trials

    return billing_trials.func({})


def test_trial_reminder_expiry_and_reactivation(api, partner):
    from chalicelib.billing.plans import limits_for

    # GIVEN a linked customer and an independent org, both starting a trial on 1 Nov 10:00
    clock.set_now(at("2026-11-01T10:00:00"))
    customer = new_customer(api, partner)
    solo = make_org(
        "Solo GmbH",
        "solo@example.com",
        billing_email="solo-billing@example.com",
        address={"postal_code": "50667", "city": "Köln", "country": "DE"},
    )
    assert limits_for(customer).monitoring_active

    # 4 days before the end: nothing
    clock.set_now(at("2026-11-11T10:00:00"))
    assert _trials_job() == {"reminded": 0, "expired": 0}

    # 3 days before: one reminder each, to the billing role (partner's billing e-mail)
    clock.set_now(at("2026-11-12T10:00:01"))
    assert _trials_job() == {"reminded": 2, "expired": 0}
    partner_mail = [m for m in mails("rechnung@steine.example") if "Testphase" in m.subject]
    assert len(partner_mail) == 1 and "Innendekoration Stein & Mehr" in partner_mail[0].subject
    assert "15.11.2026" in partner_mail[0].text
    assert len(mails("solo-billing@example.com")) == 1
    assert _trials_job() == {"reminded": 0, "expired": 0}  # once only

    # at the end: expired, monitoring paused, nothing deleted
    clock.set_now(at("2026-11-15T10:00:01"))
    assert _trials_job() == {"reminded": 0, "expired": 2}
    limits = limits_for(customer)
    assert not limits.monitoring_active and limits.plan == "trial"
    sub = api.get(f"/orgs/{customer}/subscription", partner.token).json
    assert sub["status"] == "expired" and sub["monitoring_active"] is False
    assert api.get(f"/orgs/{customer}", partner.token).status == 200
    assert _trials_job() == {"reminded": 0, "expired": 0}  # off the index

    # an order reactivates it
    clock.set_now(at("2026-11-20T10:00:00"))
    r = order(api, partner.token, customer)
    assert r.status == 201, r
    limits = limits_for(customer)
    assert limits.monitoring_active and limits.plan == "basic" and limits.endpoints == 10
    # 11 of 30 days: 49 × 11/30 = 17.9667 → 17.97; 30 % = 5.391 → 5.39; net 12.58
    assert r.json["invoice"]["lines"][0]["net"] == "12.58"
    # the independent org's admin can order for itself too
    solo_token = api.login("solo@example.com", PASSWORD)
    assert order(api, solo_token, solo, key="s").status == 201
    assert limits_for(solo).monitoring_active


def test_guest_and_foreign_partner_cannot_order(api, partner):
    from chalicelib import admin
    from tests.billing.conftest import new_partner

    clock.set_now(at("2026-11-01T10:00:00"))
    customer = new_customer(api, partner)
    admin.add_user(partner.org_id, "gast@steine.example", "guest", PASSWORD)
    guest = api.login("gast@steine.example")
    other = new_partner(api, "other@example.com", "Andere Partner AG")
    assert order(api, guest, customer).status == 404  # a guest of the partner has no role there
    assert order(api, other.token, customer).status == 404
    assert api.get(f"/orgs/{partner.org_id}/invoices", guest).status == 403
    assert api.get(f"/orgs/{partner.org_id}/invoices", other.token).status == 404
    assert order(api, partner.token, customer, plan="trial").status == 400
    assert (
        api.post(
            f"/orgs/{customer}/subscription/orders",
            partner.token,
            {"plan": "basic", "interval": "week"},
            headers={"Idempotency-Key": "x"},
        ).status
        == 400
    )
