"""Status pages in Chromium: the partner creates one inside its customer, publishes a note, and
a visitor without a login opens the public page (branded by the partner)."""

from __future__ import annotations

import re

from tests.console.conftest import shot
from tests.console.helpers import api_call, login, token


def test_partner_creates_a_status_page_and_a_visitor_opens_it(page, browser, vigil):
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    customer = next(o for o in me["orgs"] if o["name"] == "Innendekoration Stein & Mehr")
    _, endpoints = api_call(vigil, "GET", f"/orgs/{customer['id']}/endpoints", tok)
    first = endpoints["items"][0]

    login(page, vigil, "partner@example.com", vigil.password)
    page.get_by_test_id("current-role").wait_for()
    page.goto(f"{vigil.web}#/orgs/{customer['id']}/status-pages")
    page.locator('[data-screen="status-pages"] h1').wait_for()
    form = page.get_by_test_id("status-page-form")
    form.get_by_label("Adresse (Slug)").fill("API")  # upper case and reserved: refused next to the field
    form.get_by_label("Titel", exact=True).fill("Status Innendekoration")
    form.get_by_role("button", name="Statusseite anlegen").click()
    form.locator('[data-error-for="slug"]').wait_for()
    assert form.locator('[data-error-for="slug"]').inner_text().strip()
    form.get_by_label("Adresse (Slug)").fill("stein-mehr")
    form.get_by_label(first["name"], exact=True).check()
    form.get_by_role("button", name="Statusseite anlegen").click()
    page.wait_for_url(re.compile(r"#/orgs/.+/status-pages/stein-mehr$"))
    notes = page.get_by_test_id("note-form")
    notes.get_by_label("Mitteilung", exact=True).fill("Heute ab 22 Uhr Wartung am Shop.")
    notes.get_by_role("button", name="Mitteilung veröffentlichen").click()
    page.get_by_text("Heute ab 22 Uhr Wartung am Shop.").wait_for()
    shot(page, "60-status-page-admin")

    # a visitor: no session, a phone-sized screen
    for width, name in ((1280, "61-status-page-public"), (390, "62-status-page-public-390")):
        visitor = browser.new_context(viewport={"width": width, "height": 900}, locale="de-DE")
        public = visitor.new_page()
        errors: list[str] = []
        public.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        public.goto(f"{vigil.web}status/stein-mehr")
        public.get_by_role("heading", name="Status Innendekoration").wait_for()
        text = public.locator("main").inner_text()
        assert first["name"] in text
        assert "Heute ab 22 Uhr Wartung am Shop." in text
        assert "Zur Verfügung gestellt von SteineundUnkraut GmbH" in text
        assert public.locator(".bars span").count() == 90
        assert first["url"] not in public.content()  # the page never names the checked URL
        shot(public, name)
        visitor.close()
        assert not errors, errors

    # an unknown page says so, in German
    visitor = browser.new_context(locale="de-DE")
    missing = visitor.new_page()
    missing.goto(f"{vigil.web}status/gibt-es-nicht")
    missing.get_by_text("Diese Statusseite gibt es nicht.").wait_for()
    visitor.close()
