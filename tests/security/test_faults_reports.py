"""AWS failures while a report is generated: the caller sees a retryable error (503 through the
API), and neither a record without its PDF nor a PDF without its record stays behind."""

from __future__ import annotations

import pytest

from chalicelib import aws, errors, settings, storage
from tests.faults import inject
from tests.security.world import make_report
from tests.support import seed_world


def _state(org_id: str) -> tuple[list, list, list]:
    from chalicelib.audit.models import AuditEntry
    from chalicelib.reports.models import Report

    records = list(Report.query(f"ORG#{org_id}", Report.sk.startswith("REPORT#")))
    listed = aws.client("s3").list_objects_v2(
        Bucket=settings.bucket_name("files"), Prefix=storage.org_prefix(org_id)
    )
    pdfs = [o["Key"] for o in listed.get("Contents", []) if o["Key"].endswith(".pdf")]
    audit = [e for e in AuditEntry.query(f"AUDIT#{org_id}") if e.action == "report.created"]
    return records, pdfs, audit


@pytest.mark.parametrize(
    "service,operation,code",
    [
        ("s3", "PutObject", "SlowDown"),
        ("s3", "PutObject", "InternalError"),
        ("dynamodb", "TransactWriteItems", "ProvisionedThroughputExceededException"),
        ("dynamodb", "TransactWriteItems", "InternalServerError"),
    ],
)
def test_report_generation_fault_leaves_nothing_and_the_retry_works(api, service, operation, code):
    w = seed_world(api)
    with inject(service, operation, code=code) as f, pytest.raises(Exception) as failed:
        make_report(api, w.partner_token, w.customer_id, "ep1")
    assert f.failed >= 1
    # what the API turns it into: a retryable 503, never a 500
    mapped = errors.from_aws_error(failed.value)
    assert isinstance(mapped, errors.ServiceUnavailable), failed.value
    assert _state(w.customer_id) == ([], [], [])
    report_id = make_report(api, w.partner_token, w.customer_id, "ep1")
    records, pdfs, audit = _state(w.customer_id)
    assert [r.report_id for r in records] == [report_id] and len(pdfs) == 1 and len(audit) == 1


def test_report_generation_with_a_timeout_leaves_nothing(api):
    w = seed_world(api)
    with inject("dynamodb", "TransactWriteItems", timeout=True), pytest.raises(Exception) as failed:
        make_report(api, w.partner_token, w.customer_id, "ep1")
    assert isinstance(errors.from_aws_error(failed.value), errors.ServiceUnavailable)
    assert _state(w.customer_id) == ([], [], [])


def test_report_route_fault_is_503_when_the_route_exists(api):
    """Through POST …/endpoints/{id}/reports once that route is there (another change adds it)."""
    from app import app

    if "/orgs/{org_id}/endpoints/{endpoint_id}/reports" not in app.routes:
        pytest.skip("report-creation route not in this branch yet")
    w = seed_world(api)
    ep = api.post(
        f"/orgs/{w.customer_id}/endpoints",
        w.partner_token,
        {"name": "Shop", "url": "https://shop.example.com/"},
    ).json["id"]
    body = {"from": "2026-10-01T00:00:00Z", "to": "2026-10-31T00:00:00Z", "language": "de"}
    with inject("s3", "PutObject", code="SlowDown"):
        r = api.post(f"/orgs/{w.customer_id}/endpoints/{ep}/reports", w.partner_token, body)
    assert r.status == 503 and r.headers.get("Retry-After"), r
    assert _state(w.customer_id)[:2] == ([], [])
    assert api.post(f"/orgs/{w.customer_id}/endpoints/{ep}/reports", w.partner_token, body).status == 201
