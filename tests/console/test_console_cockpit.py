"""The MSP cockpit in Chromium (issue 17, "Done when").

GIVEN the demo partner with four customers in different states — one with an endpoint down
(red), a paying one that is fine (green), an expired trial (amber), a fresh trial — WHEN the
partner logs in, THEN the start page is the cockpit (totals, worst customer first), the partner
switches into the worst one through the seed's dialog, sees the endpoint's response chart and
the 90-day uptime bar, and has received the partner alert mail whose "Details" link opens that
endpoint after a login. Screenshots at 1280 and 390 px in tests/artifacts/console/.

Runs in-process (API and console server in threads, sharing this test's emulator), so the
states are made by the real check pipeline (`run_minute`) and read back through the real API.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib import clock
from tests.console.conftest import shot
from tests.hosts.conftest import heartbeat_body
from tests.monitoring.conftest import run_minute, set_plan
from tests.support import PASSWORD, mails, seed_world
from tests.support.servers import free_port
from tests.support.world import CUSTOMER_NAME, PARTNER, new_customer, order

WORST = CUSTOMER_NAME  # "Innendekoration Stein & Mehr": its shop is down


@pytest.fixture
def cockpit(api, live_api, monkeypatch) -> Iterator[dict]:
    from app import app
    from chalicelib.local import web
    from chalicelib.local.targets import TargetServer

    targets = TargetServer().start()
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("VIGIL_CORS_ORIGINS", origin)
    monkeypatch.setenv("VIGIL_CONSOLE_URL", f"{origin}/")
    monkeypatch.setenv("VIGIL_CHECK_ALLOW_CIDRS", "127.0.0.1/32")
    monkeypatch.setenv("VIGIL_CHECK_TIMEOUT_S", "1.5")
    monkeypatch.setattr(app.api.cors, "allow_origin", origin)  # the preflight's answer (fixed at import)
    console = web.start("127.0.0.1", port, live_api)

    world = seed_world(api, profiles=True)
    token = world.partner_token
    assert (
        api.put(
            f"/orgs/{world.partner_id}/support",
            token,
            {"name": "Steine-Hotline", "email": "hilfe@steine.example", "phone": "+49 3641 123456"},
        ).status
        == 200
    )
    worst = world.customer_id
    bakery = new_customer(api, token, "Bäckerei Korn")
    garage = new_customer(api, token, "Autohaus Blech mit einem sehr langen Firmennamen GmbH & Co. KG")
    new_customer(api, token, "Zahnarztpraxis Weiß")
    assert order(api, token, bakery, "basic", "month", key="k-bakery").status == 201
    set_plan(worst)  # professional: 1-minute checks
    targets.states["shop"] = 500
    ep = {
        "shop": api.post(
            f"/orgs/{worst}/endpoints",
            token,
            {"name": "Online-Shop", "url": f"{targets.base}/state/shop", "interval_minutes": 1},
        ).json["id"],
        "site": api.post(
            f"/orgs/{worst}/endpoints",
            token,
            {"name": "Website", "url": f"{targets.base}/healthy", "interval_minutes": 1},
        ).json["id"],
    }
    api.post(f"/orgs/{bakery}/endpoints", token, {"name": "Bestellportal", "url": f"{targets.base}/healthy"})
    host = api.post(f"/orgs/{worst}/hosts", token, {"name": "web-01"}).json
    beat = api.post(
        "/agent/heartbeat", None, heartbeat_body(), headers={"Authorization": f"Bearer {host['agent_token']}"}
    )
    assert beat.status == 200, beat
    # a few minutes of checks, ending now (the browser's "today" is the real one)
    start = clock.now() - timedelta(minutes=4)
    clock.set_now(start)
    for _ in range(4):
        # in a thread of its own: Playwright keeps an event loop running in this one, and the
        # checker uses asyncio.run()
        with ThreadPoolExecutor(1) as pool:
            pool.submit(run_minute).result(timeout=60)
        clock.advance(timedelta(minutes=1))
    clock.set_now(None)
    from chalicelib.billing.models import Subscription

    sub = Subscription.get(*Subscription.key(garage))
    sub.update(actions=[Subscription.status.set("expired")])
    yield {"web": f"{origin}/", "world": world, "worst": worst, "shop": ep["shop"], "host": host["id"]}
    console.shutdown()
    console.server_close()
    targets.stop()


def _login(page, base: str) -> None:
    page.goto(base)
    page.get_by_label("E-Mail-Adresse").fill(PARTNER)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def _context(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def test_partner_cockpit_switch_into_the_worst_customer_charts_and_alert_mail(browser, cockpit):
    worst, shop = cockpit["worst"], cockpit["shop"]
    context, page, errors = _context(browser, 1280)
    _login(page, cockpit["web"])

    # the cockpit: totals on top, the worst customer first (server-side sort "incidents")
    rows = page.locator(".cockpit-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 4
    assert WORST in rows.first.inner_text()
    assert rows.first.locator(".health.red").count() == 1
    assert page.get_by_test_id("total-customers").inner_text().startswith("4")
    # Professional 149,00 € and Basic 49,00 €, each − 30 % partner discount
    assert "138,60" in page.get_by_test_id("total-mrr").inner_text()
    assert page.get_by_test_id("total-incidents").inner_text().startswith("1")
    healths = rows.locator(".health").evaluate_all("els => els.map(e => e.className)")
    assert {"health red", "health amber", "health green"} <= set(healths)
    long_name = page.get_by_role("button", name=re.compile("Autohaus Blech"))
    assert long_name.get_attribute("title", timeout=5000).endswith("Co. KG")  # truncated, full name on hover
    shot(page, "cockpit-1280-partner-home")

    # the partner's alert policy: only a chosen customer (saved through the API)
    page.get_by_role("navigation").get_by_role("link", name="Partner-Alarme", exact=True).click()
    form = page.get_by_test_id("alert-policy-form")
    form.get_by_label("Nur die ausgewählten Kunden").check()
    form.get_by_test_id("alert-customers").locator("label", has_text="Bäckerei Korn").locator("input").check()
    form.get_by_role("button", name="Speichern").click()
    page.get_by_text("Gespeichert.").wait_for()
    shot(page, "cockpit-1280-partner-alerts")
    from chalicelib.incidents.partner import AlertPolicy

    stored = AlertPolicy.get(*AlertPolicy.key(cockpit["world"].partner_id))
    assert stored.mode == "selected" and len(stored.customer_ids) == 1
    page.get_by_role("navigation").get_by_role("link", name="Übersicht", exact=True).click()
    page.locator(".cockpit-table tbody tr").first.wait_for()

    # one click on the worst customer: the seed's dialog, then "Anmelden"
    page.get_by_test_id(f"enter-{worst}").click()
    dialog = page.get_by_test_id("switch-dialog")
    assert f"„{WORST}“" in dialog.inner_text()
    shot(page, "cockpit-1280-switch-dialog")
    page.get_by_test_id("switch-confirm").click()
    page.wait_for_url(re.compile(f"#/orgs/{worst}/overview"))
    page.get_by_role("heading", name=WORST, level=1).wait_for()
    assert "Partner" in page.get_by_test_id("current-role").inner_text()
    other = page.locator('#org-switch optgroup[label="Weitere Organisationen"]').inner_text()
    assert "SteineundUnkraut GmbH (Administrator)" in other
    assert "+49 3641 123456" in page.get_by_test_id("support-phone").inner_text()  # the seed's phone icon
    shot(page, "cockpit-1280-customer-as-partner")

    # the endpoint list carries the states; the detail shows the chart and the 90-day bar
    page.get_by_role("navigation").get_by_role("link", name="Endpunkte", exact=True).click()
    row = page.locator("main tbody tr", has_text="Online-Shop")
    row.wait_for()
    assert "gestört" in row.inner_text()
    row.get_by_role("link", name="Online-Shop").click()
    page.get_by_test_id("uptime-bar").wait_for()
    assert page.locator("[data-testid=uptime-bar] rect").count() == 90
    assert page.locator("[data-testid=uptime-bar] rect.seg.bad").count() == 1  # today: all checks failed
    assert page.locator("[data-testid=response-chart] polyline").count() == 1
    assert (
        "Endpunkt nicht erreichbar" in page.locator("main").inner_text()
    )  # its incident, filtered by subject
    shot(page, "cockpit-1280-endpoint-detail")

    # the host detail: CPU load, memory and disk history from the hourly rollups
    page.goto(f"{cockpit['web']}#/orgs/{worst}/hosts/{cockpit['host']}")
    page.get_by_test_id("host-chart").wait_for()
    assert page.locator("[data-testid=host-chart] polyline").count() == 3
    shot(page, "cockpit-1280-host-detail")

    # forms offer only what the plan allows: 1-minute checks on Professional, not on the trial
    page.get_by_role("navigation").get_by_role("link", name="Endpunkte", exact=True).click()
    options = page.get_by_test_id("endpoint-form").locator("select[name=interval_minutes] option")
    options.first.wait_for(state="attached")
    assert options.evaluate_all("els => els.map(e => e.value)") == ["1", "5", "15", "60"]
    partner_id = cockpit["world"].partner_id
    page.goto(f"{cockpit['web']}#/orgs/{partner_id}/endpoints")  # the partner's own trial
    page.wait_for_function(f"document.getElementById('org-switch')?.value === {partner_id!r}")
    options = page.get_by_test_id("endpoint-form").locator("select[name=interval_minutes] option")
    options.first.wait_for(state="attached")
    assert options.evaluate_all("els => els.map(e => e.value)") == ["5", "15", "60"]
    page.goto(f"{cockpit['web']}#/orgs/{worst}/endpoints/{shop}")
    page.get_by_test_id("uptime-bar").wait_for()

    # 390 px: the same screens on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "cockpit-390-endpoint-detail")
    page.goto(f"{cockpit['web']}#/orgs/{cockpit['world'].partner_id}/overview")
    page.locator(".cockpit-table tbody tr").first.wait_for()
    shot(page, "cockpit-390-partner-home")
    assert not errors, errors
    context.close()

    # the partner alert mail, and its "Details" link opens the endpoint after a login
    (alert,) = [m for m in mails(PARTNER) if "Endpunkt antwortet mit Fehler" in m.subject]  # HTTP 500
    assert alert.subject == f"[NEU] Endpunkt antwortet mit Fehler – {WORST}"
    link = re.search(r"^Details: (\S+)$", alert.text, re.M)
    assert link and link.group(1).endswith(f"#/orgs/{worst}/endpoints/{shop}")
    context, page, errors = _context(browser, 1280)
    page.goto(link.group(1))
    page.get_by_label("E-Mail-Adresse").fill(PARTNER)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(f"#/orgs/{worst}/endpoints/{shop}"))
    page.get_by_test_id("uptime-bar").wait_for()
    shot(page, "cockpit-1280-deep-link")
    assert not errors, errors
    context.close()


def test_api_down_shows_a_clear_state_instead_of_loading_forever(browser):
    """A console whose API does not answer says so, with a retry button."""
    from chalicelib.local import web

    port = free_port()
    server = web.start("127.0.0.1", port, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    context, page, _errors = _context(browser, 390)  # the failed fetch is logged, not thrown
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        down = page.get_by_test_id("api-down")
        down.wait_for()
        assert "nicht erreichbar" in down.inner_text()
        assert down.get_by_role("button", name="Erneut versuchen").is_visible()
        shot(page, "cockpit-390-api-down")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
