"""The seed's walkthrough, clicked through in headless Chromium against a `make run`-style server.

Everything hits the real local API (no faked route): the partner creates a linked customer,
switches into it, orders a paid plan (with the explicit "Zahlungspflichtig bestellen" step), finds
the invoice in the partner org and downloads its PDF, uploads a wrong and a correct logo, creates
an endpoint pointing at a local demo target and a host (token shown once, rotated), reads the
audit log and the support contact, opens the monitoring-IP data sheet, invites a guest (reading the
invitation mail) and finally logs in as that guest, who is offered no write control anywhere.
"""

from __future__ import annotations

import re
import urllib.request

import pytest

from chalicelib.local.mailbox import from_server
from tests.console.conftest import shot
from tests.console.helpers import api_call, login, open_screen, token, write_controls
from tests.support import temp_password
from tests.support.images import png

CUSTOMER = "Gartenbau Müller KG"
GUEST = "gast@example.com"
GUEST_PASSWORD = "Gast-Passwort-2026!"
SUPPORT_NAME = "SteineundUnkraut Support-Team"


def fetch(url: str) -> bytes:
    """GET like a browser following a link (binary answers need a matching Accept)."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "*/*"}), timeout=20) as r:
        assert r.status == 200
        return r.read()


def demo_target_url(vigil) -> str:
    """A URL of make run's demo target server (the healthy page), from the demo customer."""
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    demo = next(o for o in me["orgs"] if o["name"] == "Innendekoration Stein & Mehr")
    _, page = api_call(vigil, "GET", f"/orgs/{demo['id']}/endpoints?limit=50", tok)
    return next(e["url"] for e in page["items"] if e["url"].endswith("/healthy"))


def accept_next_dialog(page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


@pytest.mark.long
def test_seed_walkthrough_by_clicking(page, vigil, tmp_path):
    # --- the partner's own support contact (shown to customers who choose support by the partner)
    login(page, vigil, "partner@example.com", vigil.password)
    page.get_by_test_id("current-role").wait_for()
    assert "Administrator" in page.get_by_test_id("current-role").inner_text()
    partner_org = page.url.split("#/orgs/")[1].split("/")[0]
    shot(page, "01-partner-overview")
    open_screen(page, "Einstellungen", "settings")
    support = page.get_by_test_id("support-form")
    support.get_by_label("Name").fill(SUPPORT_NAME)
    support.get_by_label("E-Mail").fill("support@steine.example")
    support.get_by_label("Telefon").fill("+49 3641 123456")
    support.get_by_role("button", name="Speichern").click()
    page.get_by_test_id("support-form").locator("xpath=..").get_by_text("Gespeichert.").wait_for()

    # --- create a linked customer supported by the partner, switch into it
    open_screen(page, "Kunden", "customers")
    form = page.get_by_test_id("create-customer")
    form.get_by_label("Name").fill(CUSTOMER)
    form.get_by_label("Ort").fill("Weimar")
    assert form.get_by_label("Verknüpftes Kundenkonto").is_checked()
    form.get_by_label("Partner (Sie)").check()
    shot(page, "02-customers-create")
    form.get_by_role("button", name="Kundenkonto anlegen").click()
    enter = page.get_by_test_id("enter-created")
    enter.wait_for()
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    customer = next(o for o in me["orgs"] if o["name"] == CUSTOMER)["id"]
    _, org = api_call(vigil, "GET", f"/orgs/{customer}", tok)
    assert org["linked"] is True and org["support_by"] == "partner"
    assert org["subscription"]["plan"] == "trial" and org["address"]["city"] == "Weimar"
    enter.click()
    page.wait_for_url(re.compile(f"#/orgs/{customer}/overview"))
    page.get_by_test_id("overview-role").wait_for()
    assert page.get_by_test_id("overview-role").inner_text() == "Partner"
    # the seed's menu: the customer with the role Partner, the partner's own org to switch back
    assert (
        f"{CUSTOMER} (Partner)"
        in page.locator('#org-switch optgroup[label="Aktuelle Organisation"]').inner_text()
    )
    group = page.locator('#org-switch optgroup[label="Weitere Organisationen"]')
    assert "SteineundUnkraut GmbH (Administrator)" in group.inner_text()
    # the customer sees the partner's support contact
    assert SUPPORT_NAME in page.get_by_test_id("support-card").inner_text()
    shot(page, "03-customer-as-partner")

    # --- order a paid plan: nothing is ordered before "Zahlungspflichtig bestellen"
    open_screen(page, "Abonnement", "subscription")
    order = page.get_by_test_id("order-form")
    order.get_by_label("Tarif").select_option("basic")
    order.get_by_role("button", name="Weiter zur Bestätigung").click()
    page.get_by_role("button", name="Zahlungspflichtig bestellen").wait_for()
    assert "49,00" in page.get_by_test_id("order-price").inner_text()  # Basic, per month (plans.json)
    assert api_call(vigil, "GET", f"/orgs/{customer}/subscription", tok)[1]["plan"] == "trial"
    shot(page, "04-order-confirm")
    page.get_by_role("button", name="Zahlungspflichtig bestellen").click()
    ordered = page.get_by_text(re.compile(r"Rechnung (\S+) wurde erstellt"))
    ordered.wait_for()
    found = re.search(r"Rechnung (\S+) wurde erstellt", ordered.inner_text())
    assert found, ordered.inner_text()
    number = found.group(1)
    assert "Basic" in page.get_by_test_id("subscription").inner_text()
    assert api_call(vigil, "GET", f"/orgs/{customer}/subscription", tok)[1]["plan"] == "basic"
    shot(page, "05-subscription-ordered")

    # --- a wrong logo: the server's message stands next to the file field; then a correct one
    open_screen(page, "Einstellungen", "settings")
    logo_form = page.get_by_test_id("logo-form")
    wrong, right = tmp_path / "wrong.png", tmp_path / "logo.png"
    wrong.write_bytes(png((300, 200)))
    right.write_bytes(png((150, 150)))
    logo_form.get_by_label("Logo-Datei (PNG oder JPEG)").set_input_files(str(wrong))
    logo_form.get_by_role("button", name="Hochladen").click()
    error = logo_form.locator('[data-error-for="logo"]')
    error.wait_for()
    assert "150" in error.inner_text() and "300" in error.inner_text(), error.inner_text()
    assert logo_form.get_by_label("Logo-Datei (PNG oder JPEG)").get_attribute("aria-invalid") == "true"
    shot(page, "06-settings-logo-error")
    logo_form.get_by_label("Logo-Datei (PNG oder JPEG)").set_input_files(str(right))
    logo_form.get_by_role("button", name="Hochladen").click()
    page.get_by_text("Logo gespeichert.").wait_for()
    preview = page.get_by_test_id("logo-img")
    preview.wait_for()
    page.wait_for_function("document.querySelector('[data-testid=logo-img]').complete")
    assert preview.evaluate("img => img.naturalWidth") == 150
    assert logo_form.locator('[data-error-for="logo"]').inner_text().strip() == ""
    shot(page, "07-settings-logo")

    # --- an endpoint pointing at the local demo target; its status and a maintenance window
    target = demo_target_url(vigil)
    open_screen(page, "Endpunkte", "endpoints")
    ep_form = page.get_by_test_id("endpoint-form")
    ep_form.get_by_label("Name").fill("Gartenbau Website")
    ep_form.get_by_label("URL").fill(target)
    ep_form.get_by_role("button", name="Endpunkt anlegen").click()
    status = page.get_by_test_id("endpoint-status")
    status.wait_for()
    assert page.locator("main h1").inner_text() == "Gartenbau Website"
    assert target in page.locator("main").inner_text()
    # the scheduler is off in tests: no check ran yet, the state says so
    assert "ausstehend" in status.inner_text()
    page.get_by_label("Beginn").fill("2026-12-01T22:00")
    page.get_by_label("Ende").fill("2026-12-01T23:00")
    page.get_by_label("Grund").fill("Server-Update")
    page.get_by_role("button", name="Wartungsfenster hinzufügen").click()
    page.get_by_role("cell", name="Server-Update").wait_for()
    _, eps = api_call(vigil, "GET", f"/orgs/{customer}/endpoints", tok)
    created = next(e for e in eps["items"] if e["name"] == "Gartenbau Website")
    assert created["url"] == target and created["maintenance_windows"][0]["reason"] == "Server-Update"
    shot(page, "08-endpoint-detail")

    # --- a host: the agent token is shown once, rotation shows a new one
    open_screen(page, "Hosts", "hosts")
    page.get_by_test_id("host-form").get_by_label("Name").fill("db-01")
    page.get_by_role("button", name="Host anlegen").click()
    first_token = page.locator("#agent-token").input_value()
    assert first_token.startswith("vgl_")
    install = page.locator("#agent-install").input_value()
    assert first_token in install and f"--api-url {vigil.api}" in install
    shot(page, "09-host-created-token")
    open_screen(page, "Übersicht", "overview")
    open_screen(page, "Hosts", "hosts")
    page.get_by_role("link", name="db-01").wait_for()
    assert page.locator("#agent-token").count() == 0  # never shown again
    assert first_token not in page.content()
    page.get_by_role("link", name="db-01").click()
    page.get_by_test_id("host-status").wait_for()
    assert "ausstehend" in page.get_by_test_id("host-status").inner_text()
    assert "noch nicht gemeldet" in page.locator("main").inner_text()
    accept_next_dialog(page)
    page.get_by_role("button", name="Token erneuern").click()
    page.locator("#agent-token").wait_for()
    rotated = page.locator("#agent-token").input_value()
    assert rotated not in ("", first_token)
    shot(page, "10-host-detail-rotated")
    # the agent reports with the new token (the old one is refused); the detail shows its metrics
    heartbeat = {
        "hostname": "db-01.gartenbau.example",
        "os": {"name": "Debian GNU/Linux", "version": "12"},
        "uptime_s": 86400,
        "load": {"load1": 0.5, "load5": 0.4, "load15": 0.3},
        "cpu_count": 4,
        "memory": {"total_bytes": 8 * 2**30, "available_bytes": 6 * 2**30},
        "disks": [
            {"mount": "/", "total_bytes": 100 * 2**30, "used_bytes": 40 * 2**30, "free_bytes": 60 * 2**30}
        ],
    }
    assert api_call(vigil, "POST", "/agent/heartbeat", first_token, heartbeat)[0] == 401
    status_code, body = api_call(vigil, "POST", "/agent/heartbeat", rotated, heartbeat)
    assert status_code in (200, 202, 204), body
    page.reload()
    metrics = page.get_by_test_id("host-metrics")
    metrics.wait_for()
    assert "online" in page.get_by_test_id("host-status").inner_text()
    for shown in ("db-01.gartenbau.example", "Debian GNU/Linux 12", "25", "/: 40"):
        assert shown in metrics.inner_text(), shown
    shot(page, "10b-host-detail-metrics")

    # --- the audit log of the customer lists the partner's actions, as role Partner
    open_screen(page, "Audit-Log", "audit")
    log = page.locator("main").inner_text()
    for action in (
        "endpoint.created",
        "endpoint.updated",
        "host.created",
        "host.token_rotated",
        "logo.updated",
    ):
        assert action in log, action
    first_row = page.locator("main tbody tr").first.inner_text()
    assert "partner@example.com" in first_row and "Partner" in first_row
    shot(page, "11-audit")

    # --- the monitoring-IP data sheet link serves a PDF
    sheet = page.get_by_role("link", name="Datenblatt Monitoring-IPs (PDF)")
    assert fetch(sheet.get_attribute("href")).startswith(b"%PDF")

    # --- the invoice lands in the partner org, with PDF and XML downloads
    page.locator("#org-switch").select_option(partner_org)
    page.wait_for_url(re.compile(f"#/orgs/{partner_org}/overview"))
    page.get_by_role("heading", name="SteineundUnkraut GmbH", level=1).wait_for()
    open_screen(page, "Rechnungen", "invoices")
    row = page.locator("main tbody tr", has_text=number)
    assert CUSTOMER in row.inner_text()
    row.get_by_role("button", name=f"Herunterladen (Rechnung {number})").click()
    pdf_link = row.get_by_role("link", name="PDF herunterladen")
    pdf_link.wait_for()
    # keyboard users land on the first file link
    assert page.evaluate("document.activeElement.textContent") == "PDF herunterladen"
    assert fetch(pdf_link.get_attribute("href")).startswith(b"%PDF")
    assert b"CrossIndustryInvoice" in fetch(
        row.get_by_role("link", name="E-Rechnung (XML)").get_attribute("href")
    )
    shot(page, "12-partner-invoices")
    # the partner org's audit log has the partner's support change
    open_screen(page, "Audit-Log", "audit")
    assert "support.updated" in page.locator("main").inner_text()

    # --- invite a guest into the customer; the invitation mail carries the temporary password
    page.locator("#org-switch").select_option(customer)
    page.get_by_test_id("switch-confirm").click()
    page.wait_for_url(re.compile(f"#/orgs/{customer}/overview"))
    page.get_by_role("heading", name=CUSTOMER, level=1).wait_for()
    open_screen(page, "Team", "team")
    invite = page.get_by_test_id("invite-form")
    invite.get_by_label("E-Mail-Adresse").fill(GUEST)
    invite.get_by_label("Rolle").select_option("guest")
    invite.get_by_role("button", name="Einladen").click()
    page.get_by_text(f"{GUEST} wurde hinzugefügt.").wait_for()
    shot(page, "13-team")
    mails = [m for m in from_server(vigil.aws) if GUEST in m.to]
    assert len(mails) == 1, [(m.to, m.subject) for m in from_server(vigil.aws)]
    temporary = temp_password(mails[0].text)

    # --- the guest: first the password change (policy error next to the field), then read-only
    page.get_by_role("button", name="Abmelden").click()
    login(page, vigil, GUEST, temporary)
    page.get_by_role("heading", name="Neues Passwort festlegen").wait_for()
    page.get_by_label("Neues Passwort", exact=True).fill("kurz")
    page.get_by_label("Passwort wiederholen").fill("kurz")
    page.get_by_role("button", name="Passwort speichern und anmelden").click()
    policy = page.locator('[data-error-for="new_password"]')
    policy.wait_for()
    assert "mindestens 10 Zeichen" in policy.inner_text()  # the server's German policy message
    page.get_by_label("Neues Passwort", exact=True).fill(GUEST_PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(GUEST_PASSWORD)
    shot(page, "14-first-login-new-password")
    page.get_by_role("button", name="Passwort speichern und anmelden").click()
    page.get_by_test_id("overview-role").wait_for()
    assert page.get_by_test_id("overview-role").inner_text() == "Gast"
    assert CUSTOMER in page.locator("main h1").inner_text()
    nav = page.get_by_role("navigation").inner_text()
    for hidden in ("Abonnement", "Rechnungen", "Audit-Log", "Kunden"):
        assert hidden not in nav
    assert write_controls(page) == 0
    for label, screen in (
        ("Team", "team"),
        ("Einstellungen", "settings"),
        ("Endpunkte", "endpoints"),
        ("Hosts", "hosts"),
        ("Berichte", "reports"),
    ):
        open_screen(page, label, screen)
        page.wait_for_load_state("networkidle")
        assert page.locator("main [data-unavailable]").count() == 0, screen
        assert write_controls(page) == 0, f"{screen} offers a write control to a guest"
        shot(page, f"15-guest-{screen}")
    # the guest reads what the partner made: the endpoint with its window, the host, the logo
    open_screen(page, "Einstellungen", "settings")
    page.get_by_test_id("logo-img").wait_for()
    open_screen(page, "Endpunkte", "endpoints")
    page.get_by_role("link", name="Gartenbau Website").click()
    page.get_by_test_id("endpoint-status").wait_for()
    page.wait_for_load_state("networkidle")
    assert "Server-Update" in page.locator("main").inner_text()
    assert write_controls(page) == 0
    shot(page, "16-guest-endpoint-detail")
    open_screen(page, "Hosts", "hosts")
    page.get_by_role("link", name="db-01").click()
    page.get_by_test_id("host-status").wait_for()
    page.wait_for_load_state("networkidle")
    assert write_controls(page) == 0
    assert token(vigil, GUEST, GUEST_PASSWORD)
