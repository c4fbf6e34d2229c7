"""Report records: create (service), list, download URL, roles and tenants, purge."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from chalicelib import aws, clock, errors, settings, storage
from chalicelib.reports import service
from chalicelib.reports.models import Report
from tests.reports import samples
from tests.reports.conftest import PERIOD_FROM, PERIOD_TO
from tests.support.pdf import first_image, pdf_text
from tests.support.stored import object_behind
from tests.support.world import access_of

PROVIDED_DE = "Dieser Bericht ist automatisiert erstellt worden und wird Ihnen zur Verfügung gestellt von:"
SHAPE = {"id", "target", "from", "to", "language", "created_at", "download_url", "expires_at"}


def _create(access, language="de", name="Webshop"):
    data = samples.endpoint_data(PERIOD_FROM, PERIOD_TO, language, **vars(service.load_branding(access)))
    data.endpoint_name = name
    target = {"type": "endpoint", "id": "ep1", "name": name}
    return service.create_report(access, target, (PERIOD_FROM, PERIOD_TO), language, data)


def _report_objects(org_id: str) -> list[str]:
    listed = aws.client("s3").list_objects_v2(
        Bucket=settings.bucket_name("files"), Prefix=f"orgs/{org_id}/reports/"
    )
    return [o["Key"] for o in listed.get("Contents", [])]


def test_partner_report_in_customer_org_carries_the_customers_name_and_logo(api, world, logo_png):
    from PIL import Image

    storage.put("files", storage.logo_key(world.customer_id), logo_png, "image/png")
    access = access_of(api, world.partner_token, world.customer_id)
    assert access.role == "partner"
    created = _create(access)
    assert set(created) >= SHAPE
    query = parse_qs(urlparse(created["download_url"]).query)
    assert query["X-Amz-Expires"] == ["900"]
    assert "report-Webshop-20261001-20261031.pdf" in query["response-content-disposition"][0]

    pdf = object_behind(created["download_url"])
    assert pdf.startswith(b"%PDF-")
    assert f"{PROVIDED_DE} Innendekoration Stein & Mehr" in pdf_text(pdf)
    image = first_image(pdf)
    assert image.tobytes() == Image.open(io.BytesIO(logo_png)).convert("RGB").tobytes()

    item = Report.get(f"ORG#{world.customer_id}", f"REPORT#{created['id']}")
    assert item.size == len(pdf) and item.s3_key == storage.report_key(world.customer_id, created["id"])
    assert item.created_by == access.principal.user_id
    from chalicelib.audit.models import AuditEntry

    entries = [e for e in AuditEntry.query(f"AUDIT#{world.customer_id}") if e.action == "report.created"]
    assert len(entries) == 1 and entries[0].target == created["id"] and entries[0].actor_role == "partner"


def test_list_newest_first_paginated_and_detail(api, world):
    access = access_of(api, world.partner_token, world.customer_id)
    first = _create(access, name="Erster")
    second = _create(access, language="en", name="Zweiter")
    r = api.get(f"/orgs/{world.customer_id}/reports", world.partner_token)
    assert r.status == 200, r
    assert [i["id"] for i in r.json["items"]] == [second["id"], first["id"]]
    assert r.json["items"][0]["target"] == {"type": "endpoint", "id": "ep1", "name": "Zweiter"}
    assert r.json["items"][0]["language"] == "en"
    assert (
        r.json["items"][0]["from"] == "2026-10-01T00:00:00Z"
        and r.json["items"][0]["to"] == "2026-10-31T00:00:00Z"
    )

    page1 = api.get(f"/orgs/{world.customer_id}/reports?limit=1", world.partner_token).json
    assert [i["id"] for i in page1["items"]] == [second["id"]] and page1["next"]
    page2 = api.get(
        f"/orgs/{world.customer_id}/reports?limit=1&next={page1['next']}", world.partner_token
    ).json
    assert [i["id"] for i in page2["items"]] == [first["id"]]

    clock.set_now(clock.now())
    detail = api.get(f"/orgs/{world.customer_id}/reports/{first['id']}", world.partner_token)
    assert detail.status == 200, detail
    assert set(detail.json) >= SHAPE
    assert detail.json["expires_at"] == clock.iso(clock.now() + timedelta(minutes=15))
    assert object_behind(detail.json["download_url"]).startswith(b"%PDF-")


def test_guest_reads_but_cannot_create(api, world, guest_token):
    partner = access_of(api, world.partner_token, world.customer_id)
    created = _create(partner)
    assert api.get(f"/orgs/{world.customer_id}/reports", guest_token).json["items"][0]["id"] == created["id"]
    r = api.get(f"/orgs/{world.customer_id}/reports/{created['id']}", guest_token)
    assert r.status == 200 and r.json["download_url"]
    guest = access_of(api, guest_token, world.customer_id)
    with pytest.raises(errors.Forbidden):
        _create(guest)


def test_strangers_and_other_orgs_reports_are_not_found(api, world):
    created = _create(access_of(api, world.partner_token, world.customer_id))
    own = _create(access_of(api, world.partner_token, world.partner_id))
    assert api.get(f"/orgs/{world.customer_id}/reports", world.other_token).status == 404
    assert api.get(f"/orgs/{world.customer_id}/reports/{created['id']}", world.other_token).status == 404
    # a report id of another org under this org's path
    assert api.get(f"/orgs/{world.customer_id}/reports/{own['id']}", world.partner_token).status == 404
    assert api.get(f"/orgs/{world.customer_id}/reports/nope!", world.partner_token).status == 404
    assert api.get(f"/orgs/{world.customer_id}/reports", None).status == 401


@pytest.mark.parametrize(
    "period, field",
    [
        ((PERIOD_TO, PERIOD_FROM), "to"),
        ((PERIOD_FROM, PERIOD_FROM.replace(year=2027, month=11)), "to"),
    ],
)
def test_bad_period_stores_nothing(api, world, period, field):
    access = access_of(api, world.partner_token, world.customer_id)
    data = samples.endpoint_data(PERIOD_FROM, PERIOD_TO, "de")
    with pytest.raises(errors.ValidationFailed) as exc:
        service.create_report(access, {"type": "endpoint", "id": "ep1"}, period, "de", data)
    assert field in exc.value.errors
    assert _report_objects(world.customer_id) == []
    assert list(Report.query(f"ORG#{world.customer_id}")) == []


def test_bad_target_and_language_are_field_errors(api, world):
    access = access_of(api, world.partner_token, world.customer_id)
    data = samples.endpoint_data(PERIOD_FROM, PERIOD_TO, "de")
    with pytest.raises(errors.ValidationFailed) as exc:
        service.create_report(access, {"type": "server", "id": "x"}, (PERIOD_FROM, PERIOD_TO), "de", data)
    assert "target.type" in exc.value.errors
    with pytest.raises(errors.ValidationFailed) as exc:
        service.create_report(access, {"type": "host", "id": "h1"}, (PERIOD_FROM, PERIOD_TO), "en", data)
    assert "language" in exc.value.errors
    assert _report_objects(world.customer_id) == []


def test_purge_removes_records_pdfs_and_schedules(api, world):
    from chalicelib.reports.models import ReportSchedule

    access = access_of(api, world.partner_token, world.customer_id)
    for _ in range(3):
        _create(access)
    from tests.reports.conftest import create_endpoint

    ep = create_endpoint(api, world.customer_id, world.partner_token, "https://shop.example.com/")
    r = api.post(
        f"/orgs/{world.customer_id}/report-schedules",
        world.partner_token,
        {
            "target": {"type": "endpoint", "id": ep["id"]},
            "frequency": "weekly",
            "recipients": ["chef@example.com"],
        },
    )
    assert r.status == 201, r
    other = _create(access_of(api, world.partner_token, world.partner_id))
    storage.put("files", storage.report_key(world.customer_id, "rorphan"), b"%PDF-", "application/pdf")
    assert len(_report_objects(world.customer_id)) == 4

    assert service.purge_org(world.customer_id, time.monotonic() + 60) is True
    assert _report_objects(world.customer_id) == []
    assert list(Report.query(f"ORG#{world.customer_id}")) == []
    assert list(ReportSchedule.query(f"ORG#{world.customer_id}")) == []
    # the partner's own report is untouched
    assert api.get(f"/orgs/{world.partner_id}/reports/{other['id']}", world.partner_token).status == 200


def test_purge_is_registered():
    from chalicelib.purge import PURGERS

    assert "chalicelib.reports.service.purge_org" in PURGERS


def test_host_report_record(api, world):
    access = access_of(api, world.partner_token, world.partner_id)
    data = samples.host_data(PERIOD_FROM, PERIOD_TO, "en", **vars(service.load_branding(access)))
    created = service.create_report(
        access, {"type": "host", "id": "h1", "name": "web-01"}, (PERIOD_FROM, PERIOD_TO), "en", data
    )
    assert created["target"] == {"type": "host", "id": "h1", "name": "web-01"}
    text = pdf_text(object_behind(created["download_url"]))
    assert "Host availability report" in text and "provided to you by: SteineundUnkraut GmbH" in text
