"""The console in German: field errors are the server's German messages (errors[].message),
dates are typed and shown as German dates in the org's time zone with its abbreviation."""

from __future__ import annotations

from tests.console.conftest import shot
from tests.console.helpers import api_call, login, open_screen, token


def test_german_field_errors_and_local_dates(page, vigil):
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    demo = next(o for o in me["orgs"] if o["name"] == "Innendekoration Stein & Mehr")
    _, eps = api_call(vigil, "GET", f"/orgs/{demo['id']}/endpoints?limit=50", tok)
    endpoint = eps["items"][0]

    login(page, vigil, "partner@example.com", vigil.password)
    page.get_by_test_id("current-role").wait_for()
    open_screen(page, "Einstellungen", "settings")
    form = page.get_by_test_id("profile-form")
    form.get_by_label("USt-IdNr.").fill("DE123")
    form.get_by_role("button", name="Speichern").click()
    error = form.locator('[data-error-for="vat_id"]')
    error.wait_for()
    page.wait_for_function("document.querySelector('[data-error-for=vat_id]').textContent.length > 0")
    assert error.inner_text().strip() == "ist keine gültige Umsatzsteuer-Identifikationsnummer für DE"

    page.goto(f"{vigil.web}#/orgs/{demo['id']}/endpoints/{endpoint['id']}")
    page.get_by_test_id("endpoint-status").wait_for()
    start = page.get_by_label("Beginn")
    assert start.get_attribute("placeholder") == "TT.MM.JJJJ HH:MM"
    start.fill("01.12.2026 22:00")
    page.get_by_label("Ende").fill("2.12.2026 0:30")
    page.get_by_label("Grund").fill("Zeitzonen-Test")
    page.get_by_role("button", name="Wartungsfenster hinzufügen").click()
    page.get_by_role("cell", name="Zeitzonen-Test").wait_for()
    _, stored = api_call(vigil, "GET", f"/orgs/{demo['id']}/endpoints/{endpoint['id']}", tok)
    window = next(w for w in stored["maintenance_windows"] if w.get("reason") == "Zeitzonen-Test")
    # typed as wall time in the org's zone (Europe/Berlin, winter: UTC+1), stored in UTC
    assert window["starts_at"].startswith("2026-12-01T21:00") and window["ends_at"].startswith(
        "2026-12-01T23:30"
    )
    row = page.get_by_role("row").filter(has_text="Zeitzonen-Test").inner_text()
    assert "01.12.2026, 22:00 MEZ" in row and "02.12.2026, 00:30 MEZ" in row, row
    shot(page, "60-german-dates-in-org-zone")
