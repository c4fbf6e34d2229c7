"""Phase-2 screens rendered against DESIGN.md's contract while their APIs are still being built.

The browser talks to the real local server for everything that exists (login, /me, orgs, team,
subscription …); only the routes of the domains not merged yet are answered by the test with
contract-shaped bodies (Playwright request routing, in the browser — the server is untouched).
This proves the screens render, call the contract's paths with the contract's bodies and show
server errors next to the field; phase 2 replaces each fake with the real domain and deletes it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from tests.console.conftest import shot
from tests.console.helpers import api_call, login, open_screen, token, write_controls

NOW = "2026-11-27T08:00:00Z"
ENDPOINT = {"id": "e1", "name": "Shop", "url": "https://shop.example.com/", "interval_minutes": 5,
            "checks": {}, "paused": False,
            "maintenance_windows": [{"starts_at": "2026-12-01T22:00:00Z",
                                     "ends_at": "2026-12-01T23:00:00Z", "reason": "Update"}]}
STATUS = {"state": "up", "checked_at": NOW, "response_ms": 182,
          "uptime": {"24h": "100", "7d": "99.95", "30d": "99.9", "90d": "99.9"},
          "certificate": {"expires_at": "2027-02-01T00:00:00Z"}, "headers": {}}
RESULTS = {"items": [{"checked_at": f"2026-11-27T07:{m:02d}:00Z", "state": "down" if m == 30 else "up",
                      "response_ms": 150 + (m * 7) % 90} for m in range(0, 60, 5)], "next": None}
HOST = {"id": "h1", "name": "web-01", "status": "online", "last_seen_at": NOW,
        "metrics": {"cpu_percent": 12, "memory_percent": 48}}
REPORT = {"id": "r1", "target": {"type": "endpoint", "id": "e1", "name": "Shop"},
          "from": "2026-10-27", "to": "2026-11-26", "language": "de", "created_at": NOW,
          "download_url": "https://files.example/r1.pdf", "expires_at": NOW}
INVOICE = {"number": "2026-000001", "issued_at": NOW, "lines": [{"org_name": "Innendekoration Stein & Mehr"}],
           "net": "34.30", "vat_rate": "19", "vat": "6.52", "gross": "40.82", "currency": "EUR"}
AUDIT = {"id": "a1", "at": NOW, "actor": {"user_id": "u1", "email": "partner@example.com",
                                          "role": "partner", "org_id": "o1"},
         "action": "org.updated", "target": "o2", "details": {"changed": ["vat_id"]}}
SUPPORT = {"name": "SteineundUnkraut Support", "email": "support@steine.example",
           "phone": "+49 3641 0000", "hours": "Mo–Fr 8–18", "url": "https://steine.example/support"}
PLANS = {"currency": "EUR", "partner_discount_percent": {"partner": "30", "vendor": "20"},
         "items": [{"id": "basic", "name": "Basic", "orderable": True,
                    "price": {"month": "49.00", "year": "490.00", "currency": "EUR"},
                    "limits": {"endpoints": 10, "hosts": 5, "min_interval_minutes": 5}},
                   {"id": "professional", "name": "Professional", "orderable": True,
                    "price": {"month": "149.00", "year": "1490.00", "currency": "EUR"},
                    "limits": {"endpoints": 50, "hosts": 25, "min_interval_minutes": 1}}]}
LOGO_ERROR = {"status": 422, "title": "Invalid logo",
              "detail": "The logo must be exactly 150×150 px; this one is 300×200 px.",
              "errors": {"logo": "must be exactly 150×150 px (got 300×200)"}}

# (method, path pattern under /orgs/{id}) → (status, body); None path = outside the org
FAKES = [
    ("GET", r"/endpoints", 200, {"items": [ENDPOINT], "next": None}),
    ("GET", r"/endpoints/e1", 200, ENDPOINT),
    ("GET", r"/endpoints/e1/status", 200, STATUS),
    ("GET", r"/endpoints/e1/results", 200, RESULTS),
    ("GET", r"/hosts", 200, {"items": [HOST], "next": None}),
    ("POST", r"/hosts", 201, {**HOST, "id": "h2", "name": "db-01", "token": "agent-token-shown-once"}),
    ("GET", r"/hosts/h1", 200, HOST),
    ("GET", r"/reports", 200, {"items": [REPORT], "next": None}),
    ("POST", r"/endpoints/e1/reports", 201, {"id": "r2", "download_url": "https://files.example/r2.pdf"}),
    ("GET", r"/invoices", 200, {"items": [INVOICE], "next": None}),
    ("GET", r"/invoices/2026-000001", 200, {**INVOICE, "pdf_url": "https://files.example/i.pdf",
                                             "xml_url": "https://files.example/i.xml"}),
    ("GET", r"/audit", 200, {"items": [AUDIT], "next": None}),
    ("GET", r"/support", 200, SUPPORT),
    ("PUT", r"/support", 200, SUPPORT),
    ("GET", r"/logo", 404, {"status": 404, "title": "No logo"}),
    ("PUT", r"/logo", 422, LOGO_ERROR),
    ("POST", r"/subscription/orders", 201, {"number": "2026-000002"}),
]
EXTRA_PATHS = {
    "/plans": ["get"], "/monitoring-ips.pdf": ["get"],
    "/orgs/{org_id}/endpoints": ["get", "post"], "/orgs/{org_id}/endpoints/{endpoint_id}": ["get", "patch", "delete"],
    "/orgs/{org_id}/endpoints/{endpoint_id}/status": ["get"], "/orgs/{org_id}/endpoints/{endpoint_id}/results": ["get"],
    "/orgs/{org_id}/endpoints/{endpoint_id}/reports": ["post"], "/orgs/{org_id}/hosts": ["get", "post"],
    "/orgs/{org_id}/hosts/{host_id}": ["get", "delete"], "/orgs/{org_id}/reports": ["get"],
    "/orgs/{org_id}/invoices": ["get"], "/orgs/{org_id}/invoices/{number}": ["get"],
    "/orgs/{org_id}/audit": ["get"], "/orgs/{org_id}/support": ["get", "put"],
    "/orgs/{org_id}/logo": ["get", "put", "delete"], "/orgs/{org_id}/subscription/orders": ["post"],
}


def install_fakes(page, vigil, calls: list) -> None:
    api = re.escape(vigil.api)

    def openapi(route):
        doc = route.fetch().json()
        for path, methods in EXTRA_PATHS.items():
            doc["paths"].setdefault(path, {})
            for m in methods:
                doc["paths"][path].setdefault(m, {"responses": {"200": {"description": "fake"}}})
        route.fulfill(status=200, json=doc)

    def answer(route, request):
        path = request.url.split(vigil.api, 1)[1].split("?", 1)[0]
        if path == "/plans" and request.method == "GET":
            return route.fulfill(status=200, json=PLANS)
        match = re.match(r"^/orgs/[^/]+(/.*)$", path)
        for method, pattern, status, body in FAKES:
            if match and request.method == method and re.fullmatch(pattern, match.group(1)):
                calls.append((method, path, request.headers, request.post_data_buffer))
                ctype = "application/problem+json" if status >= 400 else "application/json"
                return route.fulfill(status=status, body=json.dumps(body), content_type=ctype,
                                     headers={"Access-Control-Allow-Origin": "*"})
        return route.continue_()

    page.route(re.compile(f"^{api}/openapi.json$"), openapi)
    page.route(re.compile(f"^{api}/(plans|orgs/.*)"), answer)


def test_phase2_screens_render_against_the_contract(page, vigil, tmp_path: Path):
    calls: list = []
    install_fakes(page, vigil, calls)
    login(page, vigil, "partner@example.com", vigil.password)
    page.get_by_test_id("current-role").wait_for()
    assert page.get_by_role("link", name="Datenblatt Monitoring-IPs (PDF)").get_attribute("href") \
        == f"{vigil.api}/monitoring-ips.pdf"
    assert "SteineundUnkraut Support" in page.get_by_test_id("support-card").inner_text()

    # endpoints: list → detail with status, chart, maintenance window
    open_screen(page, "Endpunkte", "endpoints")
    page.get_by_role("link", name="Shop").click()
    page.get_by_test_id("endpoint-status").wait_for()
    assert "erreichbar" in page.get_by_test_id("endpoint-status").inner_text()
    assert page.locator("main svg.chart polyline").count() == 1
    assert page.locator("main svg.chart circle.fail").count() == 1
    assert "Update" in page.locator("main").inner_text()
    shot(page, "20-contract-endpoint-detail")

    # hosts: create shows the agent token once
    open_screen(page, "Hosts", "hosts")
    page.get_by_test_id("host-form").get_by_label("Name").fill("db-01")
    page.get_by_role("button", name="Host anlegen").click()
    assert page.locator("#agent-token").input_value() == "agent-token-shown-once"
    posted = next(c for c in calls if c[0] == "POST" and c[1].endswith("/hosts"))
    assert json.loads(posted[3]) == {"name": "db-01"}
    shot(page, "21-contract-hosts")

    # reports: list with download, create for the endpoint
    open_screen(page, "Berichte", "reports")
    assert page.get_by_role("link", name="PDF", exact=True).get_attribute("href") == REPORT["download_url"]
    page.get_by_role("button", name="Bericht erstellen").click()
    page.get_by_role("link", name="Herunterladen").first.wait_for()
    posted = next(c for c in calls if c[1].endswith("/endpoints/e1/reports"))
    assert set(json.loads(posted[3])) == {"from", "to", "language"}
    shot(page, "22-contract-reports")

    # invoices and audit
    open_screen(page, "Rechnungen", "invoices")
    assert "2026-000001" in page.locator("main").inner_text()
    shot(page, "23-contract-invoices")
    open_screen(page, "Audit-Log", "audit")
    assert "org.updated" in page.locator("main").inner_text()
    shot(page, "24-contract-audit")

    # settings: the server's logo error appears next to the file field
    open_screen(page, "Einstellungen", "settings")
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    form = page.get_by_test_id("logo-form")
    form.get_by_label("Logo-Datei (PNG oder JPEG)").set_input_files(str(logo))
    form.get_by_role("button", name="Hochladen").click()
    error = form.locator('[data-error-for="logo"]')
    error.wait_for()
    assert "150×150" in error.inner_text()
    put = next(c for c in calls if c[0] == "PUT" and c[1].endswith("/logo"))
    assert put[2]["content-type"] == "image/png" and put[3] == logo.read_bytes()
    assert page.get_by_test_id("support-form").is_visible()
    shot(page, "25-contract-settings-logo-error")

    # subscription: order only through the explicit "Zahlungspflichtig bestellen" step
    open_screen(page, "Abonnement", "subscription")
    order = page.get_by_test_id("order-form")
    order.get_by_label("Tarif").select_option("professional")
    order.get_by_role("button", name="Weiter zur Bestätigung").click()
    assert not [c for c in calls if c[1].endswith("/subscription/orders")]
    shot(page, "26-contract-order-confirm")
    page.get_by_role("button", name="Zahlungspflichtig bestellen").click()
    page.get_by_text("Rechnung 2026-000002 wurde erstellt").wait_for()
    orders = [c for c in calls if c[1].endswith("/subscription/orders")]
    assert len(orders) == 1
    assert json.loads(orders[0][3]) == {"plan": "professional", "interval": "month"}
    assert orders[0][2].get("idempotency-key")


def _guest_of_demo_customer(vigil) -> tuple[str, str]:
    """A guest in the demo's linked customer, password already changed (through the API)."""
    from chalicelib.local.mailbox import from_server
    from tests.support import temp_password

    email, password = "lesend@example.com", "Nur-Lesen-2026!x"
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    customer = next(o for o in me["orgs"] if o["name"] == "Innendekoration Stein & Mehr")
    status, body = api_call(vigil, "POST", f"/orgs/{customer['id']}/members", tok,
                        {"email": email, "role": "guest"})
    assert status == 201, body
    mail = next(m for m in from_server(vigil.aws) if email in m.to)
    status, challenge = api_call(vigil, "POST", "/auth/login",
                             body={"email": email, "password": temp_password(mail.text)})
    assert challenge.get("challenge") == "NEW_PASSWORD_REQUIRED", challenge
    status, _ = api_call(vigil, "POST", "/auth/new-password", body={
        "email": email, "session": challenge["session"], "new_password": password})
    assert status == 200
    return email, password


def test_phase2_screens_offer_guests_no_write_control(page, vigil):
    email, password = _guest_of_demo_customer(vigil)
    calls: list = []
    install_fakes(page, vigil, calls)
    login(page, vigil, email, password)
    page.get_by_test_id("overview-role").wait_for()
    assert page.get_by_test_id("overview-role").inner_text() == "Gast"
    for label, screen in (("Endpunkte", "endpoints"), ("Hosts", "hosts"), ("Berichte", "reports"),
                          ("Einstellungen", "settings")):
        open_screen(page, label, screen)
        page.wait_for_load_state("networkidle")
        assert page.locator("main [data-unavailable]").count() == 0
        assert write_controls(page) == 0, f"{screen} offers a write control to a guest"
    # the endpoint detail too: status and chart, but no pause/delete/maintenance form
    open_screen(page, "Endpunkte", "endpoints")
    page.get_by_role("link", name="Shop").click()
    page.get_by_test_id("endpoint-status").wait_for()
    page.wait_for_load_state("networkidle")
    assert write_controls(page) == 0
    shot(page, "27-contract-guest-endpoint")
    assert not [c for c in calls if c[0] != "GET"]
