"""Create, list and fetch PDF reports; the PDFs live in S3, the records in the `reports` table.

``create_report`` is what the POST routes of endpoints and hosts call once they have loaded the
report data from their rollups (`generate`, `sources`); ``create_scheduled_report`` is its twin for the
scheduled job (no user, the audit entry names the schedule).

Order of writes: the PDF is uploaded first, then record + audit entry in one transaction; if
the transaction fails the PDF is deleted again, so no record points to a missing file and no
orphan file stays behind.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock, db, errors, ids, ratelimit, storage
from chalicelib.audit import service as audit
from chalicelib.auth.access import Access, Action
from chalicelib.reports import fmt
from chalicelib.reports.data import Branding, EndpointReportData, HostReportData
from chalicelib.reports.models import REPORT_PREFIX, SCHEDULE_PREFIX, Report, ReportSchedule, Target, org_pk

log = logging.getLogger("vigil.reports")

BUCKET = "files"
TARGET_TYPES = ("endpoint", "host")
MAX_PERIOD = timedelta(days=366)

ReportData = EndpointReportData | HostReportData


def view(report: Report, with_url: bool = False) -> dict[str, Any]:
    """The API's Report shape; the download URL only on the detail (it is short-lived)."""
    out: dict[str, Any] = {
        "id": report.report_id,
        "target": {"type": report.target.type, "id": report.target.id, "name": report.target.name},
        "from": clock.iso(report.period_from),
        "to": clock.iso(report.period_to),
        "language": report.language,
        "created_at": clock.iso(report.created_at),
        "size": int(report.size),
    }
    if with_url:
        out["download_url"] = storage.presigned_get(BUCKET, report.s3_key, filename=filename(report))
        out["expires_at"] = clock.iso(clock.now() + timedelta(seconds=storage.DOWNLOAD_TTL_S))
    return out


def filename(report: Report) -> str:
    """A readable download name: report-<target>-<from>-<to>.pdf (ASCII only)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in (report.target.name or report.target.id))
    safe = safe.encode("ascii", "ignore").decode() or report.target.type
    return f"report-{safe[:40]}-{report.period_from:%Y%m%d}-{report.period_to:%Y%m%d}.pdf"


def load_branding(access: Access) -> Branding:
    """Name and logo of the org in which the report is created (the seed's rule: also when a
    partner creates it inside a customer org, the customer's name and logo are printed)."""
    return branding_of(access.org_id, access.org.name, fmt.org_time_zone(access.org))


def branding_of(org_id: str, org_name: str, time_zone: str | None = None) -> Branding:
    """Name, stored logo (if any) and time zone of an org: the scheduled job's branding."""
    return Branding(
        org_name=org_name,
        logo_png=storage.get(BUCKET, storage.logo_key(org_id)),
        time_zone=time_zone or fmt.DEFAULT_TIME_ZONE,
    )


def check_period(period_from: datetime, period_to: datetime) -> None:
    """Field-named 400s for a period a report cannot cover."""
    for field, value in (("to", period_to), ("from", period_from)):
        if value.tzinfo is None:
            raise errors.ValidationFailed({field: errors.M("field.timezone_required")})
    if period_to <= period_from:
        raise errors.ValidationFailed({"to": errors.M("field.to_after_from")})
    if period_to - period_from > MAX_PERIOD:
        raise errors.ValidationFailed({"to": errors.M("field.report_max_days", days=MAX_PERIOD.days)})
    if period_from > clock.now():
        raise errors.ValidationFailed({"from": errors.M("field.not_in_future")})


def _render(data: ReportData) -> bytes:
    from chalicelib.reports import render

    if isinstance(data, EndpointReportData):
        return render.render_endpoint_report(data)
    return render.render_host_report(data)


def _check_target(target: dict[str, Any]) -> Target:
    if target.get("type") not in TARGET_TYPES:
        raise errors.ValidationFailed({"target.type": errors.M("field.one_of", expected="endpoint, host")})
    if not target.get("id"):
        raise errors.ValidationFailed({"target.id": errors.M("field.required")})
    return Target(type=target["type"], id=str(target["id"]), name=target.get("name") or None)


def _store(
    org_id: str,
    target: dict[str, Any],
    period: tuple[datetime, datetime],
    language: str,
    data: ReportData,
    created_by: str,
    audit_entry: Any,
    schedule_id: str | None = None,
) -> Report:
    period_from, period_to = period
    check_period(period_from, period_to)
    tgt = _check_target(target)
    if language not in ("de", "en"):
        raise errors.ValidationFailed({"language": errors.M("field.one_of", expected="de, en")})
    if data.language != language:
        raise errors.ValidationFailed({"language": errors.M("field.language_mismatch")})
    pdf = _render(data)
    report_id = ids.new_id("r")
    key = storage.report_key(org_id, report_id)
    storage.put(BUCKET, key, pdf, "application/pdf")
    report = Report(
        *Report.key(org_id, report_id),
        report_id=report_id,
        org_id=org_id,
        target=tgt,
        period_from=period_from,
        period_to=period_to,
        language=language,
        created_at=clock.now(),
        created_by=created_by,
        s3_key=key,
        size=len(pdf),
        schedule_id=schedule_id,
    )
    audit_entry.target = report_id
    try:
        with db.transaction() as tx:
            tx.save(report, condition=Report.pk.does_not_exist())
            tx.save(audit_entry)
    except Exception:
        storage.delete(BUCKET, key)  # compensation: no orphan PDF without a record
        raise
    log.info("report %s stored for org %s (%d bytes)", report_id, org_id, len(pdf))
    return report


def create_report(
    access: Access, target: dict[str, Any], period: tuple[datetime, datetime], language: str, data: ReportData
) -> dict[str, Any]:
    """Render ``data``, store the PDF and its record (with audit entry); the Report shape with a
    fresh download URL. ``target`` = {type: endpoint|host, id, name}; admin/partner only."""
    access.require(Action.WRITE)
    ratelimit.take("reports", access.org_id)  # rendering is the most expensive thing a user can ask
    entry = audit.entry(
        access,
        "report.created",
        None,
        {
            "target_type": target.get("type"),
            "target_id": target.get("id"),
            "from": clock.iso(period[0]),
            "to": clock.iso(period[1]),
            "language": language,
        },
    )
    report = _store(access.org_id, target, period, language, data, access.principal.user_id, entry)
    return view(report, with_url=True)


def create_scheduled_report(
    schedule: ReportSchedule, period: tuple[datetime, datetime], data: ReportData
) -> Report:
    """The scheduled job's variant: no caller, the audit entry names the schedule."""
    entry = audit.build(
        org_id=schedule.org_id,
        actor_id=f"schedule:{schedule.schedule_id}",
        actor_email=None,
        actor_role="system",
        actor_org_id=schedule.org_id,
        action="report.created",
        details={
            "target_type": schedule.target.type,
            "target_id": schedule.target.id,
            "from": clock.iso(period[0]),
            "to": clock.iso(period[1]),
            "schedule_id": schedule.schedule_id,
        },
    )
    target = {"type": schedule.target.type, "id": schedule.target.id, "name": schedule.target.name}
    return _store(
        schedule.org_id,
        target,
        period,
        schedule.language,
        data,
        f"schedule:{schedule.schedule_id}",
        entry,
        schedule_id=schedule.schedule_id,
    )


def list_reports(access: Access, limit: int, cursor: str | None) -> dict[str, Any]:
    access.require(Action.READ)
    query = Report.query(
        org_pk(access.org_id),
        Report.sk.startswith(REPORT_PREFIX),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"reports/{access.org_id}"),
    )
    items, next_cursor = db.page(query, limit, scope)
    return {"items": [view(r, with_url=True) for r in items], "next": next_cursor}


def get_report(access: Access, report_id: str) -> dict[str, Any]:
    from pynamodb.exceptions import DoesNotExist

    access.require(Action.READ)
    if not (0 < len(report_id) <= 64 and report_id.isalnum()):
        raise errors.NotFound(errors.M("not_found.report"))
    try:
        report = Report.get(*Report.key(access.org_id, report_id))
    except DoesNotExist as exc:
        raise errors.NotFound(errors.M("not_found.report")) from exc
    return view(report, with_url=True)


def purge_org(org_id: str, deadline: float) -> bool:
    """Delete an org's report records, PDFs and schedules in batches (see ``chalicelib.purge``)."""
    from chalicelib import aws, settings

    def delete_reports(batch: list[Report]) -> bool:
        aws.client("s3").delete_objects(
            Bucket=settings.bucket_name(BUCKET),
            Delete={"Objects": [{"Key": r.s3_key} for r in batch], "Quiet": True},
        )
        db.delete_batch(Report, batch)
        return True

    pk = org_pk(org_id)
    if not db.drain(Report, pk, deadline, Report.sk.startswith(REPORT_PREFIX), handle=delete_reports):
        return False
    if not db.drain(ReportSchedule, pk, deadline, ReportSchedule.sk.startswith(SCHEDULE_PREFIX)):
        return False
    # PDFs whose record was never written (a crash between upload and transaction).
    s3 = aws.client("s3")
    bucket = settings.bucket_name(BUCKET)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"{storage.org_prefix(org_id)}reports/")
    keys = [{"Key": o["Key"]} for o in listed.get("Contents", [])]
    if keys:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        return not listed.get("IsTruncated", False)
    return True


def withdraw_files(org_id: str, deadline: float) -> bool:
    """Delete the PDFs of a deleted org at once, so download links handed out before (presigned,
    valid for minutes) stop working now rather than after the purge (``chalicelib.purge.CUT_OFF``).
    The records stay for ``purge_org``; True when no PDF is left."""
    from chalicelib import aws, settings

    s3 = aws.client("s3")
    bucket = settings.bucket_name(BUCKET)
    while True:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"{storage.org_prefix(org_id)}reports/")
        keys = [{"Key": o["Key"]} for o in listed.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        if not listed.get("IsTruncated", False):
            return True
        if time.monotonic() > deadline:
            return False
