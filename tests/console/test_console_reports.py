"""PDF reports in the console: create one for a demo endpoint, download it, see it listed."""

from __future__ import annotations

import re
import urllib.request

from tests.console.conftest import shot
from tests.console.helpers import api_call, login, open_screen, token

DEMO_CUSTOMER = "Innendekoration Stein & Mehr"


def into_demo_customer_reports(page, vigil) -> str:
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    demo = next(o for o in me["orgs"] if o["name"] == DEMO_CUSTOMER)["id"]
    login(page, vigil, "partner@example.com", vigil.password)
    page.get_by_test_id("current-role").wait_for()
    page.locator("#org-switch").select_option(demo)
    page.get_by_test_id("switch-confirm").click()  # "Möchten Sie in das Konto … wechseln?"
    # wait for the switch itself: the partner's own overview is on screen already
    page.wait_for_url(re.compile(f"#/orgs/{demo}/overview"))
    page.get_by_role("heading", name=DEMO_CUSTOMER, level=1).wait_for()
    open_screen(page, "Berichte", "reports")
    return demo


def test_report_created_and_downloaded(page, vigil):
    demo = into_demo_customer_reports(page, vigil)
    form = page.get_by_test_id("report-form")
    form.get_by_label("Für").select_option(label="Endpunkt: Demo: healthy site")
    form.get_by_role("button", name="Bericht erstellen").click()
    done = page.get_by_role("status").filter(has_text="Bericht erstellt.")
    done.wait_for(timeout=60000)
    url = done.get_by_role("link", name="Herunterladen").get_attribute("href")
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "*/*"}), timeout=30) as r:
        assert r.read(5) == b"%PDF-"
    # the list shows it, with its own download link
    link = page.get_by_role("link", name="PDF: Demo: healthy site").first
    assert link.get_attribute("href")
    tok = token(vigil, "partner@example.com", vigil.password)
    _, reports = api_call(vigil, "GET", f"/orgs/{demo}/reports", tok)
    assert any(r["target"]["name"] == "Demo: healthy site" for r in reports["items"])
    shot(page, "20-reports-created")
