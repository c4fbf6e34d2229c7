"""POST …/endpoints/{id}/reports and …/hosts/{id}/reports on real monitoring data.

The endpoint data comes from real checks (dispatcher → queue → worker) against an HTTPS site on
loopback; the host data from heartbeats posted through the agent API with the clock moved.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from urllib.parse import parse_qs, urlparse

import pytest

from chalicelib import clock
from chalicelib.reports.i18n import TEXTS, Texts
from tests.reports.conftest import create_endpoint, run_checks
from tests.support.api import error_fields
from tests.support.pdf import ARTIFACTS, first_image, pdf_text, render_png
from tests.support.stored import object_behind as download
from tests.support.world import upload_logo

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
PROVIDED_DE = TEXTS["de"]["provided_by"]
PROVIDED_EN = TEXTS["en"]["provided_by"]
CUSTOMER = "Innendekoration Stein & Mehr"
PARTNER = "SteineundUnkraut GmbH"


def _iso(at: datetime) -> str:
    text = clock.iso(at)
    assert text is not None
    return text


@pytest.fixture
def monitored(api, world, site, checks_allowed):
    """A customer endpoint checked every 5 minutes for 4 hours: down for 3 checks (an incident),
    20 minutes in a maintenance window. Returns (endpoint, period)."""
    clock.set_now(T0)
    ep = create_endpoint(
        api,
        world.customer_id,
        world.partner_token,
        f"{site.base}/state/shop",
        maintenance_windows=[
            {
                "starts_at": _iso(T0 + timedelta(minutes=150)),
                "ends_at": _iso(T0 + timedelta(minutes=170)),
                "reason": "Software-Update",
            }
        ],
    )
    run_checks(48, timedelta(minutes=5), site, down_ticks=(10, 11, 12))
    return ep, (T0, T0 + timedelta(hours=4))


def _uptime_from_raw_results(org_id: str, ep_id: str) -> Decimal:
    """The uptime computed independently from the raw results (maintenance excluded), cut to
    three places as every availability figure is (chalicelib/availability.py)."""
    from chalicelib.monitoring.models import Result

    counted = [r for r in Result.query(f"RES#{org_id}#{ep_id}") if not r.maintenance]
    up = sum(1 for r in counted if r.state != "down")
    return (Decimal(up) * 100 / len(counted)).quantize(Decimal("0.001"), rounding=ROUND_DOWN)


def _post(api, path, token, body=None):
    return api.post(path, token, body if body is not None else {})


@pytest.mark.long
def test_partner_creates_report_in_customer_org_with_customer_name_and_logo(api, world, monitored, logo_png):
    ep, (start, end) = monitored
    upload_logo(api, world.customer_id, world.partner_token, logo_png)
    r = _post(
        api,
        f"/orgs/{world.customer_id}/endpoints/{ep['id']}/reports",
        world.partner_token,
        {"from": _iso(start), "to": _iso(end)},
    )
    assert r.status == 201, r
    created = r.json
    assert {"id", "target", "from", "to", "language", "created_at", "download_url", "expires_at"} <= set(
        created
    )
    assert created["target"] == {"type": "endpoint", "id": ep["id"], "name": "Webshop"}
    assert created["language"] == "de" and created["from"] == _iso(start) and created["to"] == _iso(end)
    query = parse_qs(urlparse(created["download_url"]).query)
    assert query["X-Amz-Expires"] == ["900"]
    assert created["expires_at"] == _iso(clock.now() + timedelta(minutes=15))

    pdf = download(created["download_url"])
    text = pdf_text(pdf)
    assert f"{PROVIDED_DE} {CUSTOMER}" in text
    assert PARTNER not in text
    image = first_image(pdf)
    import io

    from PIL import Image

    assert image is not None and image.size == (150, 150)
    assert image.tobytes() == Image.open(io.BytesIO(logo_png)).convert("RGB").tobytes()

    # the figures come from the rollups the worker wrote and agree with the raw results
    uptime = _uptime_from_raw_results(world.customer_id, ep["id"])
    assert 90 < uptime < 100
    assert Texts("de").percent(uptime, 3).replace("\xa0", " ") in text
    assert (
        "Endpunkt antwortet mit Fehler: HTTP 500 (erwartet 200–399)" in text
    )  # the endpoint_down incident of the three failed checks
    assert "Software-Update" in text  # the maintenance window
    assert "strict-transport-security" in text and TEXTS["de"]["header_ok"] in text
    from chalicelib.monitoring.models import Status

    status = Status.get(*Status.key(world.customer_id, ep["id"]))
    assert f"{int(status.certificate['days_left'])} Tage" in text

    png = render_png(pdf, "endpoint-report-page1")
    assert png is not None and png.exists() and png.parent == ARTIFACTS


def test_report_in_own_org_carries_own_name_english_without_logo(api, world, site, checks_allowed):
    clock.set_now(T0)
    ep = create_endpoint(
        api, world.partner_id, world.partner_token, f"{site.base}/state/own", name="Partner-Portal"
    )
    run_checks(12, timedelta(minutes=5))
    r = _post(
        api,
        f"/orgs/{world.partner_id}/endpoints/{ep['id']}/reports",
        world.partner_token,
        {"from": _iso(T0), "to": _iso(T0 + timedelta(hours=1)), "language": "en"},
    )
    assert r.status == 201, r
    pdf = download(r.json["download_url"])
    text = pdf_text(pdf)
    assert f"{PROVIDED_EN} {PARTNER}" in text
    assert CUSTOMER not in text
    assert "Endpoint availability report" in text and "Verfügbarkeitsbericht" not in text
    assert Texts("en").percent(100.0, 3).replace("\xa0", " ") in text  # twelve successful checks
    assert first_image(pdf) is None  # no logo stored: the report still renders


def test_endpoint_without_results_gives_a_report_saying_so(api, world):
    clock.set_now(T0)
    ep = create_endpoint(api, world.customer_id, world.partner_token, "https://shop.example.com/")
    for language in ("de", "en"):
        r = _post(
            api,
            f"/orgs/{world.customer_id}/endpoints/{ep['id']}/reports",
            world.partner_token,
            {"language": language},
        )
        assert r.status == 201, r
        text = pdf_text(download(r.json["download_url"]))
        assert " ".join(TEXTS[language]["no_data"].split()) in text
        assert r.json["to"] == _iso(T0) and r.json["from"] == _iso(T0 - timedelta(days=30))


@pytest.mark.long
def test_year_report_reads_daily_rollups(api, world, monitored):
    ep, (_, end) = monitored
    from chalicelib.local.metering import count_calls

    with count_calls() as calls:
        r = _post(
            api,
            f"/orgs/{world.customer_id}/endpoints/{ep['id']}/reports",
            world.partner_token,
            {"from": _iso(end - timedelta(days=366)), "to": _iso(end)},
        )
    assert r.status == 201, r
    text = pdf_text(download(r.json["download_url"]))
    assert TEXTS["de"]["response_chart_daily"].split(",")[0] in text
    assert calls["dynamodb"] <= 12  # role, endpoint + status, one rollup Query, incidents, record


def test_guest_403_strangers_404_and_bad_input_400(api, world, guest_token):
    clock.set_now(T0)
    ep = create_endpoint(api, world.customer_id, world.partner_token, "https://shop.example.com/")
    own = create_endpoint(api, world.partner_id, world.partner_token, "https://portal.example.com/")
    path = f"/orgs/{world.customer_id}/endpoints/{ep['id']}/reports"
    assert _post(api, path, guest_token).status == 403
    assert _post(api, path, world.other_token).status == 404  # another tenant
    assert (
        _post(api, f"/orgs/{world.customer_id}/endpoints/{own['id']}/reports", world.partner_token).status
        == 404
    )  # another org's endpoint under this org
    assert _post(api, f"/orgs/{world.customer_id}/hosts/h-nope/reports", world.partner_token).status == 404
    assert api.post(path, None, {}).status == 401
    for body, field in [
        ({"from": _iso(T0 - timedelta(days=400)), "to": _iso(T0)}, "to"),
        ({"from": _iso(T0), "to": _iso(T0 - timedelta(days=1))}, "to"),
        ({"from": _iso(T0 + timedelta(days=2)), "to": _iso(T0 + timedelta(days=3))}, "from"),
        ({"from": "2026-10-01T00:00:00"}, "from"),
        ({"language": "fr"}, "language"),
        ({"from": "gestern"}, "from"),
        ({"period": 30}, "period"),
    ]:
        r = _post(api, path, world.partner_token, body)
        assert r.status == 400 and field in error_fields(r.json), (body, r)
    # the guest may still download what was created
    created = _post(api, path, world.partner_token).json
    detail = api.get(f"/orgs/{world.customer_id}/reports/{created['id']}", guest_token)
    assert detail.status == 200 and download(detail.json["download_url"]).startswith(b"%PDF-")
    from chalicelib.reports.models import Report

    assert len(list(Report.query(f"ORG#{world.customer_id}"))) == 1  # nothing half-written


def test_host_report_from_heartbeat_rollups(api, world):
    from chalicelib.hosts.offline import mark_offline
    from tests.hosts.conftest import heartbeat_body

    clock.set_now(T0)
    r = api.post(f"/orgs/{world.customer_id}/hosts", world.partner_token, {"name": "web-01", "tags": []})
    assert r.status == 201, r
    host, token = r.json, r.json["agent_token"]
    accepted = 0

    def beat(minutes: int, mem_available: int) -> None:
        nonlocal accepted
        for _ in range(minutes):
            body = heartbeat_body(memory={"total_bytes": 8_000_000_000, "available_bytes": mem_available})
            resp = api.post("/agent/heartbeat", None, body, headers={"Authorization": f"Bearer {token}"})
            assert resp.status == 200, resp
            accepted += 1
            clock.advance(timedelta(minutes=1))

    beat(90, 6_000_000_000)  # 25 % memory used
    clock.advance(timedelta(minutes=30))  # silent: the offline job opens an incident
    assert mark_offline()["offline"] == 1
    beat(60, 2_000_000_000)  # back online, 75 % memory used
    end = clock.now()
    r = _post(
        api,
        f"/orgs/{world.customer_id}/hosts/{host['id']}/reports",
        world.partner_token,
        {"from": _iso(T0), "to": _iso(end), "language": "en"},
    )
    assert r.status == 201, r
    assert r.json["target"] == {"type": "host", "id": host["id"], "name": "web-01"}
    text = pdf_text(download(r.json["download_url"]))
    assert "Host availability report" in text and f"{PROVIDED_EN} {CUSTOMER}" in text
    online = 100.0 * accepted * 60 / (end - T0).total_seconds()
    assert Texts("en").percent(online, 3) in text
    assert "Host offline" in text  # the incident of the silence
    assert Texts("en").percent(75.0, 1) in text  # highest memory use (hourly mean)
