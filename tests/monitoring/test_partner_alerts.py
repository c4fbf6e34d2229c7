"""Partner alerts and white-label mail.

GIVEN the demo partner with a customer it supports and one the vendor supports, WHEN an
endpoint of each goes down, THEN the partner hears about its own customer only
("[NEU] Endpunkt nicht erreichbar – <Kunde>"), and the customer's own alert comes signed by the
partner (display name, Reply-To, logo, support contact) as text and HTML.
"""

from __future__ import annotations

import re
from datetime import timedelta

from chalicelib import clock, settings, storage
from chalicelib.local.mailbox import Mail
from tests.monitoring.conftest import NOW, run_minute, set_plan
from tests.monitoring.test_checks import _create
from tests.support import mails, seed_world
from tests.support.api import error_fields
from tests.support.world import CUSTOMER_ADMIN, CUSTOMER_NAME, PARTNER, new_customer, upload_logo

SUPPORT = {"name": "Steine-Hotline", "email": "hilfe@steine.example", "phone": "+49 30 123456"}


def _only(found: list[Mail], subject_part: str) -> Mail:
    hits = [m for m in found if subject_part in m.subject]
    assert len(hits) == 1, [m.subject for m in found]
    return hits[0]


def test_partner_hears_of_supported_customers_and_mails_are_signed_by_it(api, web, guard):
    clock.set_now(NOW)
    world = seed_world(api, team=True)
    token = world.partner_token
    assert api.put(f"/orgs/{world.partner_id}/support", token, SUPPORT).status == 200
    upload_logo(api, world.partner_id, token)
    vendor_run = new_customer(api, token, "Fremdbetreut KG", support_by="vendor")
    web.states["down"] = 500
    for org in (world.customer_id, vendor_run):
        set_plan(org)  # professional: 1-minute checks
    supported_ep, vendor_ep = [
        _create(api, org, token, "Shop", f"{web.base}/state/down") for org in (world.customer_id, vendor_run)
    ]
    for _ in range(2):  # two failures in a row open the incident
        run_minute()
        clock.advance(timedelta(minutes=1))

    # the partner: one mail, about its own customer, with a link straight to the endpoint
    to_partner = mails(PARTNER)
    # HTTP 500: the endpoint answers with an error (a refused connection reads "nicht erreichbar")
    alert = _only(to_partner, "Endpunkt antwortet mit Fehler")
    assert alert.subject == f"[NEU] Endpunkt antwortet mit Fehler – {CUSTOMER_NAME}"
    assert "UTC" not in alert.text
    assert f"Kunde: {CUSTOMER_NAME}" in alert.text
    console = settings.console_url()
    assert f"Details: {console}#/orgs/{world.customer_id}/endpoints/{supported_ep}" in alert.text
    assert not any("Fremdbetreut" in m.subject for m in to_partner)
    assert alert.html and "<a href=" in alert.html

    # the customer's admin: the alert signed by the partner, as text and HTML with the logo
    own = _only(mails(CUSTOMER_ADMIN), "Endpunkt antwortet mit Fehler")
    assert own.sender == "SteineundUnkraut GmbH <no-reply@vigil.example>"
    assert own.reply_to == SUPPORT["email"]
    assert "Vigil-Team" not in own.text and "Ihr Team von SteineundUnkraut GmbH" in own.text
    assert "hilfe@steine.example · +49 30 123456" in own.text
    assert f"#/orgs/{world.customer_id}/endpoints/{supported_ep}" in own.text
    assert 'src="cid:brand-logo"' in own.html and "SteineundUnkraut GmbH" in own.html
    stored_logo = storage.get("files", storage.logo_key(world.partner_id))
    assert own.inline["brand-logo"] == stored_logo
    assert "Ihr Team von SteineundUnkraut GmbH" in re.sub(r"<[^>]+>", "", own.html)
    assert vendor_ep  # its incident opened too (no partner mail, see above)


def test_alert_policy_selects_customers_or_turns_alerts_off(api):
    from chalicelib.incidents import alerts
    from chalicelib.incidents import service as incidents

    world = seed_world(api)
    token = world.partner_token
    vendor_run = new_customer(api, token, "Fremdbetreut KG", support_by="vendor")
    path = f"/orgs/{world.partner_id}/alert-policy"
    assert api.get(path, token).json["mode"] == "supported"  # the default

    def incident_mail(org: str, subject_id: str) -> list[str]:
        before = len(mails(PARTNER))
        inc = incidents.open_incident(org, "host_offline", "host", subject_id, "srv1", "offline")
        assert inc is not None
        alerts.notify(inc, "opened", "x", "de")
        return [m.subject for m in mails(PARTNER)[before:]]

    r = api.put(path, token, {"mode": "selected", "customer_ids": [vendor_run]})
    assert r.status == 200 and r.json["customer_ids"] == [vendor_run], r
    assert incident_mail(vendor_run, "h1") == ["[NEU] Host offline – Fremdbetreut KG"]
    assert incident_mail(world.customer_id, "h2") == []  # not selected

    r = api.put(path, token, {"mode": "off"})
    assert r.status == 200, r
    assert incident_mail(vendor_run, "h3") == []

    # only the partner's own customers can be selected; only its admins manage the policy
    r = api.put(path, token, {"mode": "selected", "customer_ids": [world.other_partner_id]})
    assert r.status == 422 and "customer_ids" in error_fields(r.json), r
    r = api.put(path, token, {"mode": "selected", "customer_ids": []})
    assert r.status == 400 and "customer_ids" in error_fields(r.json), r
    assert api.get(path, world.other_token).status == 404
    assert api.get(f"/orgs/{world.customer_id}/alert-policy", token).status == 403


def test_invitation_to_a_partner_supported_customer_is_white_labelled(api):
    world = seed_world(api)
    token = world.partner_token
    assert api.put(f"/orgs/{world.partner_id}/support", token, SUPPORT).status == 200
    r = api.post(
        f"/orgs/{world.customer_id}/members", token, {"email": "neu@stein-mehr.example", "role": "guest"}
    )
    assert r.status == 201, r
    (invite,) = mails("neu@stein-mehr.example")
    assert invite.sender.startswith("SteineundUnkraut GmbH <") and invite.reply_to == SUPPORT["email"]
    assert "Ihr Team von SteineundUnkraut GmbH" in invite.text and "Vigil-Team" not in invite.text
    assert "Temporäres Passwort" in invite.html  # the HTML alternative tells the same

    vendor_run = new_customer(api, token, "Fremdbetreut KG", support_by="vendor")
    api.post(f"/orgs/{vendor_run}/members", token, {"email": "x@fremd.example", "role": "guest"})
    (plain,) = mails("x@fremd.example")
    assert plain.sender.startswith("Vigil <") and plain.reply_to == "support@vigil.example"
