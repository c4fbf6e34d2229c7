"""PDF reports in the console: the list (real API) and creating one.

Creating a report needs POST /orgs/{id}/endpoints/{eid}/reports (and …/hosts/{hid}/reports),
which lands on another branch. The real test runs as soon as the server documents the route in
/openapi.json; until then only the clearly named contract test below answers that one POST inside
the browser (Playwright routing) — every other call hits the real local server.
"""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.console.conftest import shot
from tests.console.helpers import api_call, login, open_screen, token

REPORT_ROUTE = "/orgs/{org_id}/endpoints/{endpoint_id}/reports"
DEMO_CUSTOMER = "Innendekoration Stein & Mehr"


def report_route_documented(vigil) -> bool:
    with urllib.request.urlopen(f"{vigil.api}/openapi.json", timeout=10) as r:
        return "post" in json.loads(r.read())["paths"].get(REPORT_ROUTE, {})


def into_demo_customer_reports(page, vigil) -> str:
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    demo = next(o for o in me["orgs"] if o["name"] == DEMO_CUSTOMER)["id"]
    login(page, vigil, "partner@example.com", vigil.password)
    page.get_by_test_id("current-role").wait_for()
    page.locator("#org-switch").select_option(demo)
    # wait for the switch itself: the partner's own overview is on screen already
    page.wait_for_url(re.compile(f"#/orgs/{demo}/overview"))
    page.get_by_role("heading", name=DEMO_CUSTOMER, level=1).wait_for()
    open_screen(page, "Berichte", "reports")
    return demo


def test_report_created_and_downloaded(page, vigil):
    if not report_route_documented(vigil):
        pytest.skip(f"POST {REPORT_ROUTE} is not in this server's /openapi.json yet (report creation "
                    "lands on another branch); this test runs once it is merged")
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


def test_report_form_posts_the_contract_body__fake_until_report_route_lands(page, vigil):
    """Fakes only the report-creation POST (and its entry in /openapi.json) while the route is
    missing; skips once the real route exists (test_report_created_and_downloaded takes over)."""
    if report_route_documented(vigil):
        pytest.skip("the real report route exists: test_report_created_and_downloaded covers it")
    api = re.escape(vigil.api)
    posted: list = []

    def openapi(route):
        doc = route.fetch().json()
        doc["paths"].setdefault(REPORT_ROUTE, {})["post"] = {"responses": {"201": {"description": "fake"}}}
        route.fulfill(status=200, json=doc)

    def create(route, request):
        if request.method != "POST":
            return route.continue_()
        posted.append(json.loads(request.post_data))
        route.fulfill(status=201, headers={"Access-Control-Allow-Origin": "*"}, json={
            "id": "r-fake", "download_url": f"{vigil.api}/monitoring-ips.pdf",
            "expires_at": "2026-11-27T09:00:00Z"})

    page.route(re.compile(f"^{api}/openapi.json$"), openapi)
    page.route(re.compile(f"^{api}/orgs/[^/]+/endpoints/[^/]+/reports$"), create)
    into_demo_customer_reports(page, vigil)
    form = page.get_by_test_id("report-form")
    form.get_by_label("Für").select_option(label="Endpunkt: Demo: healthy site")
    form.get_by_label("Sprache").select_option("en")
    form.get_by_role("button", name="Bericht erstellen").click()
    done = page.get_by_role("status").filter(has_text="Bericht erstellt.")
    done.wait_for()
    assert done.get_by_role("link", name="Herunterladen").get_attribute("href") == f"{vigil.api}/monitoring-ips.pdf"
    assert len(posted) == 1 and set(posted[0]) == {"from", "to", "language"}
    assert posted[0]["language"] == "en"
    # timestamps with a time zone, from before to (what the report service validates)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", posted[0]["from"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", posted[0]["to"]) and posted[0]["to"] > posted[0]["from"]
    shot(page, "21-reports-create-contract")
