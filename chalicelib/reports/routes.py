"""Routes: /monitoring-ips(.pdf), /orgs/{org_id}/reports, /orgs/{org_id}/report-schedules.

The data sheet: a client whose ``Accept`` starts with ``application/pdf`` gets the PDF bytes
(API Gateway converts a binary body only for the first Accept type); anyone else, a browser's
link above all, is sent (303) to a short-lived presigned S3 URL of the same sheet, rendered once
per language and configuration into the files bucket.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import errors
from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import header, page_params, parse_body, query_param, respond
from chalicelib.reports import monitoring_ips, service
from chalicelib.reports.i18n import LANGUAGES, pick_language

bp = Blueprint(__name__)


@bp.route("/monitoring-ips", methods=["GET"])
def get_monitoring_ips() -> Response:
    return respond(monitoring_ips.info(), headers={"Cache-Control": "public, max-age=3600"})


@bp.route("/monitoring-ips.pdf", methods=["GET"])
def get_monitoring_ips_pdf() -> Response:
    request = bp.current_request
    lang = query_param(request, "lang")
    if lang is not None and lang not in LANGUAGES:
        raise errors.ValidationFailed({"lang": errors.M("field.one_of", expected="de, en")})
    language = pick_language(lang, header(request, "accept-language"))
    if not _asks_for_pdf_first(header(request, "accept")):
        # A browser's link: API Gateway would answer base64 text; S3 serves the bytes.
        return Response(
            body="",
            status_code=303,
            headers={
                "Location": monitoring_ips.data_sheet_url(language),
                "Cache-Control": "no-store",
                "Content-Language": language,
                "Vary": "Accept, Accept-Language",
            },
        )
    pdf = monitoring_ips.data_sheet_pdf(language)
    return Response(
        body=pdf,
        status_code=200,
        headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="monitoring-ips-{language}.pdf"',
            "Content-Language": language,
            "Cache-Control": "public, max-age=3600",
            "Vary": "Accept, Accept-Language",
        },
    )


def _asks_for_pdf_first(accept: str | None) -> bool:
    """API Gateway converts a binary body only for the first type in Accept (and Chalice too)."""
    first = (accept or "").split(",")[0].split(";")[0].strip().lower()
    return first == "application/pdf"


@bp.route("/orgs/{org_id}/reports", methods=["GET"], authorizer=jwt_auth)
def list_reports(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    limit, cursor = page_params(bp.current_request)
    return respond(service.list_reports(access, limit, cursor))


@bp.route("/orgs/{org_id}/reports/{report_id}", methods=["GET"], authorizer=jwt_auth)
def get_report(org_id: str, report_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    return respond(service.get_report(access, report_id))


@bp.route("/orgs/{org_id}/report-schedules", methods=["POST"], authorizer=jwt_auth)
def create_schedule(org_id: str) -> Response:
    from chalicelib.reports import schedules  # pydantic: off the cold-start path

    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    body = parse_body(bp.current_request, schedules.ScheduleIn)
    return respond(schedules.create(access, body), status=201)


@bp.route("/orgs/{org_id}/report-schedules", methods=["GET"], authorizer=jwt_auth)
def list_schedules(org_id: str) -> Response:
    from chalicelib.reports import schedules  # pydantic: off the cold-start path

    access = for_request(bp.current_request, org_id)
    limit, cursor = page_params(bp.current_request)
    return respond(schedules.list_schedules(access, limit, cursor))


@bp.route("/orgs/{org_id}/report-schedules/{schedule_id}", methods=["DELETE"], authorizer=jwt_auth)
def delete_schedule(org_id: str, schedule_id: str) -> Response:
    from chalicelib.reports import schedules  # pydantic: off the cold-start path

    access = for_request(bp.current_request, org_id)
    schedules.delete(access, schedule_id)
    return respond(None, status=204)


@bp.route("/orgs/{org_id}/endpoints/{endpoint_id}/reports", methods=["POST"], authorizer=jwt_auth)
def create_endpoint_report(org_id: str, endpoint_id: str) -> Response:
    from chalicelib.reports import generate

    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    body = _report_body(bp.current_request)
    return respond(generate.create(access, "endpoint", endpoint_id, body), status=201)


@bp.route("/orgs/{org_id}/hosts/{host_id}/reports", methods=["POST"], authorizer=jwt_auth)
def create_host_report(org_id: str, host_id: str) -> Response:
    from chalicelib.reports import generate

    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    body = _report_body(bp.current_request)
    return respond(generate.create(access, "host", host_id, body), status=201)


def _report_body(request: Any) -> Any:
    """The body is optional: no body means the last 30 days in the org's language."""
    from chalicelib.reports import generate

    if not (request.raw_body or b"").strip():
        return generate.ReportIn()
    return parse_body(request, generate.ReportIn)
