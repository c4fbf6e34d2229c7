"""Vigil mails addresses outside an org only after they confirmed once (issue 14 §4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import clock
from chalicelib.incidents import alerts
from chalicelib.mail.models import ConfirmedRecipient
from tests.reports.conftest import create_endpoint
from tests.support import mails
from tests.support.mail import recipient_link_token
from tests.support.world import CUSTOMER_ADMIN, add_member

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
STRANGER = "fremd@example.com"


@pytest.fixture(autouse=True)
def now() -> None:
    clock.set_now(NOW)


def _alert(org_id: str, recipients: list[str]) -> None:
    import secrets

    from chalicelib.incidents import service as incidents

    subject = f"ep-{secrets.token_hex(4)}"
    incident = incidents.open_incident(org_id, "endpoint_down", "endpoint", subject, "Shop", "down")
    assert incident is not None
    alerts.notify(incident, "opened", "Kunde GmbH", "de", extra_recipients=recipients)


def _alert_mails(to: str) -> list:
    return [m for m in mails(to) if m.subject.startswith("[NEU]")]


def _form_post(api, token: str):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return api.call("POST", f"/recipients/confirm?token={token}", headers=headers, body=b"")


def test_an_alert_recipient_outside_the_org_gets_mail_only_after_confirming(api, world) -> None:
    add_member(world.customer_id, CUSTOMER_ADMIN, "admin")
    # GIVEN an endpoint whose alerts go to a member and to a stranger
    create_endpoint(
        api,
        world.customer_id,
        world.partner_token,
        "https://shop.example.com/",
        alert={"consecutive_failures": 2, "recipients": [CUSTOMER_ADMIN, STRANGER]},
    )
    # THEN only the stranger is asked, in the org's language, with a link
    (ask,) = mails(STRANGER)
    assert "bestätigen" in ask.subject and "/recipients/confirm?token=" in ask.text
    assert not [m for m in mails(CUSTOMER_ADMIN) if "bestätigen" in m.subject]

    # WHEN an alert fires before the confirmation: the member gets it, the stranger not
    _alert(world.customer_id, [CUSTOMER_ADMIN, STRANGER])
    assert len(_alert_mails(CUSTOMER_ADMIN)) == 1 and _alert_mails(STRANGER) == []

    # the link's page only shows a button (a link scanner confirms nothing) ...
    token = recipient_link_token(STRANGER)
    page = api.get(f"/recipients/confirm?token={token}")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html"), page
    assert b'method="post"' in page.raw and STRANGER.encode() in page.raw
    pk, sk = ConfirmedRecipient.key(STRANGER)
    assert ConfirmedRecipient.count(pk, ConfirmedRecipient.sk == sk) == 0  # nothing confirmed yet
    # ... the button confirms; the token works once
    assert _form_post(api, token).status == 200
    assert _form_post(api, token).status == 400
    assert api.get(f"/recipients/confirm?token={token}").status == 400

    _alert(world.customer_id, [CUSTOMER_ADMIN, STRANGER])
    assert len(_alert_mails(STRANGER)) == 1


def test_a_stranger_is_asked_at_most_once_a_day_and_bad_tokens_are_400(api, world) -> None:
    path = f"/orgs/{world.customer_id}/endpoints"
    for i in range(3):
        r = api.post(
            path,
            world.partner_token,
            {"name": f"E{i}", "url": f"https://e{i}.example.com/", "alert": {"recipients": [STRANGER]}},
        )
        assert r.status == 201, r
    assert len(mails(STRANGER)) == 1
    clock.advance(timedelta(days=1, seconds=1))
    api.post(
        path,
        world.partner_token,
        {"name": "E9", "url": "https://e9.example.com/", "alert": {"recipients": [STRANGER]}},
    )
    assert len(mails(STRANGER)) == 2
    for bad in ("", "x" * 200, "nicht-gültig", "A" * 43):
        assert _form_post(api, bad).status == 400
    # an expired link confirms nothing
    token = recipient_link_token(STRANGER)
    clock.advance(timedelta(days=8))
    assert _form_post(api, token).status == 400


def test_scheduled_reports_go_only_to_confirmed_recipients(api, world) -> None:
    from tests.support import confirm_recipient

    ep = create_endpoint(api, world.customer_id, world.partner_token, "https://shop.example.com/")
    r = api.post(
        f"/orgs/{world.customer_id}/report-schedules",
        world.partner_token,
        {
            "target": {"type": "endpoint", "id": ep["id"]},
            "frequency": "weekly",
            "recipients": [STRANGER, "zwei@example.com"],
        },
    )
    assert r.status == 201, r
    assert len(mails(STRANGER)) == len(mails("zwei@example.com")) == 1  # asked, nothing else
    confirm_recipient(api, STRANGER)
    from chalicelib.mail import recipients

    assert recipients.deliverable(world.customer_id, [STRANGER, "zwei@example.com"]) == [STRANGER]


def test_invoices_go_to_a_new_billing_address_only_once_it_confirmed(api, cast) -> None:
    from chalicelib.billing import invoices
    from tests.support import confirm_recipient
    from tests.support.world import INDEPENDENT_ADMIN

    org = cast.independent_id
    r = api.patch(f"/orgs/{org}", cast.independent_admin, {"billing_email": "buchhaltung@extern.example"})
    assert r.status == 200, r
    (ask,) = mails("buchhaltung@extern.example")
    assert "/recipients/confirm?token=" in ask.text
    # until it confirmed, invoices and notices go to the org's admins
    assert invoices.recipients(org, "buchhaltung@extern.example") == [INDEPENDENT_ADMIN]
    confirm_recipient(api, "buchhaltung@extern.example")
    assert invoices.recipients(org, "buchhaltung@extern.example") == ["buchhaltung@extern.example"]


def test_a_billing_address_entered_by_the_operator_is_trusted(api) -> None:
    from chalicelib.billing import invoices
    from tests.support import make_org

    org = make_org("Betrieb GmbH", "chef@betrieb.example", billing_email="rechnung@betrieb.example")
    assert mails("rechnung@betrieb.example") == []
    assert invoices.recipients(org, "rechnung@betrieb.example") == ["rechnung@betrieb.example"]
