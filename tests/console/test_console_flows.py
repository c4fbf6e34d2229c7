"""The console in headless Chromium against a `make run`-style local server: roles and the
navigation they get, field errors, language, small screens, keyboard. The seed's walkthrough is
in test_console_walkthrough.py."""

from __future__ import annotations

import re

from tests.console.conftest import shot
from tests.console.helpers import api_call, login, open_screen, token


def test_customer_admin_sees_no_subscription(page, vigil):
    tok = token(vigil, "kunde@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    customer = me["orgs"][0]
    assert customer["role"] == "admin" and customer["partner_id"]
    # the API refuses it (linked customers are billed through their partner) …
    assert api_call(vigil, "GET", f"/orgs/{customer['id']}/subscription", tok)[0] == 403

    login(page, vigil, "kunde@example.com", vigil.password)
    page.get_by_test_id("overview-role").wait_for()
    # … and the console shows neither the entry nor the page when asked for it directly
    nav = page.get_by_role("navigation").inner_text()
    assert "Abonnement" not in nav and "Rechnungen" not in nav
    assert "Team" in nav and "Audit-Log" in nav
    page.goto(f"{vigil.web}#/orgs/{customer['id']}/subscription")
    page.wait_for_url(re.compile(f"#/orgs/{customer['id']}/overview"))
    page.locator('[data-screen="overview"] h1').wait_for()
    # an admin may write: the team screen offers the invitation
    open_screen(page, "Team", "team")
    assert page.get_by_test_id("invite-form").is_visible()
    shot(page, "40-customer-admin-team")


def test_partner_sees_own_subscription_and_settings_errors_next_to_fields(page, vigil):
    login(page, vigil, "partner@example.com", vigil.password)
    page.get_by_test_id("current-role").wait_for()
    open_screen(page, "Abonnement", "subscription")
    assert "Testphase" in page.get_by_test_id("subscription").inner_text()
    shot(page, "41-partner-subscription")

    open_screen(page, "Einstellungen", "settings")
    form = page.get_by_test_id("profile-form")
    form.get_by_label("USt-IdNr.").fill("DE123")
    form.get_by_label("Rechnungs-E-Mail").fill("rechnung@example.com")
    form.get_by_role("button", name="Speichern").click()
    error = form.locator('[data-error-for="vat_id"]')
    error.wait_for()
    assert error.inner_text().strip()
    assert form.get_by_label("USt-IdNr.").get_attribute("aria-invalid") == "true"
    assert form.get_by_label("Rechnungs-E-Mail").get_attribute("aria-invalid") is None
    shot(page, "42-settings-field-error")
    # a valid change is saved through PATCH /orgs/{id}
    form.get_by_label("USt-IdNr.").fill("DE136695976")
    form.get_by_role("button", name="Speichern").click()
    page.get_by_text("Gespeichert.").wait_for()
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    own = next(o for o in me["orgs"] if o["role"] == "admin")
    assert api_call(vigil, "GET", f"/orgs/{own['id']}", tok)[1]["billing_email"] == "rechnung@example.com"


def test_language_switch_and_choice_is_kept(page, vigil):
    page.goto(vigil.web)
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Log in").wait_for()
    page.get_by_label("E-mail address").fill("partner@example.com")
    page.get_by_label("Password").fill(vigil.password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_test_id("current-role").wait_for()
    assert "Role: Administrator" in page.get_by_test_id("current-role").inner_text()
    assert page.get_by_role("navigation").get_by_role("link", name="Customers").is_visible()
    shot(page, "43-english-overview")
    page.reload()
    page.get_by_role("navigation").get_by_role("link", name="Overview").wait_for()
    page.get_by_label("Language").select_option("de")
    page.get_by_role("navigation").get_by_role("link", name="Übersicht").wait_for()
    assert page.evaluate("document.documentElement.lang") == "de"


def test_navigation_usable_at_390_px(browser, vigil):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="de-DE", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        login(page, vigil, "partner@example.com", vigil.password)
        page.get_by_test_id("current-role").wait_for()
        nav_link = page.get_by_role("navigation").get_by_role("link", name="Team", exact=True)
        assert not nav_link.is_visible()  # folded away behind the menu button
        menu = page.get_by_role("button", name="Menü")
        assert menu.get_attribute("aria-expanded") == "false"
        shot(page, "44-mobile-overview")
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
        shot(page, "45-mobile-menu-open")
        nav_link.click()
        page.locator('[data-screen="team"] h1').wait_for()
        # nothing wider than the screen: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "46-mobile-team")
    finally:
        context.close()


def test_main_pages_fit_390_px(browser, vigil):
    """Every main page of the demo customer (as partner) and the partner's billing pages at
    phone width: no sideways scrolling; a screenshot of each for a person to look at."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="de-DE", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        tok = token(vigil, "partner@example.com", vigil.password)
        _, me = api_call(vigil, "GET", "/me", tok)
        partner = next(o for o in me["orgs"] if o["kind"] == "partner")["id"]
        demo = next(o for o in me["orgs"] if o["name"] == "Innendekoration Stein & Mehr")["id"]
        _, eps = api_call(vigil, "GET", f"/orgs/{demo}/endpoints?limit=1", tok)
        login(page, vigil, "partner@example.com", vigil.password)
        page.get_by_test_id("current-role").wait_for()
        pages = [
            (partner, "customers"),
            (partner, "invoices"),
            (partner, "subscription"),
            (partner, "audit"),
            (demo, "overview"),
            (demo, "endpoints"),
            (demo, f"endpoints/{eps['items'][0]['id']}"),
            (demo, "hosts"),
            (demo, "reports"),
            (demo, "team"),
            (demo, "settings"),
        ]
        for org, screen in pages:
            name = screen.split("/")[0]
            page.goto(f"{vigil.web}#/orgs/{org}/{screen}")
            page.locator(f'[data-screen="{name}"] h1').wait_for()
            if "/" in screen:  # the list before it has the same data-screen
                page.get_by_test_id("endpoint-status").wait_for()
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{screen} is {width} px wide"
            who = "partner" if org == partner else "customer"
            shot(page, f"30-mobile-{who}-{name}{'-detail' if '/' in screen else ''}")
    finally:
        context.close()


def test_keyboard_only_login(page, vigil):
    page.goto(vigil.web)
    page.get_by_role("button", name="Anmelden").wait_for()
    focused = lambda: page.evaluate(  # noqa: E731
        "document.activeElement && (document.activeElement.name || document.activeElement.textContent)"
    )
    for _ in range(10):  # Tab through the page until the e-mail field has the focus
        page.keyboard.press("Tab")
        if focused() == "email":
            break
    assert focused() == "email"
    page.keyboard.type("partner@example.com")
    page.keyboard.press("Tab")
    assert focused() == "password"
    page.keyboard.type(vigil.password)
    page.keyboard.press("Tab")
    assert focused() == "Anmelden"
    # the focus is visible on the button
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    page.get_by_test_id("current-role").wait_for()
