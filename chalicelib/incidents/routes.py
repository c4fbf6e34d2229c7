"""Routes: /orgs/{org_id}/incidents, /orgs/{org_id}/alert-policy (a partner's customer alerts)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import errors
from chalicelib.auth.access import for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import page_params, parse_body, query_param, respond
from chalicelib.incidents import service

bp = Blueprint(__name__)


@bp.route("/orgs/{org_id}/incidents", methods=["GET"], authorizer=jwt_auth)
def list_incidents(org_id: str) -> Response:
    request = bp.current_request
    access = for_request(request, org_id)
    limit, cursor = page_params(request)
    state = query_param(request, "state")
    if state not in (None, "open", "resolved"):
        raise errors.ValidationFailed({"state": errors.M("field.one_of", expected="open, resolved")})
    subject = service.parse_subject(query_param(request, "subject"))
    from chalicelib.incidents.texts import request_language
    from chalicelib.reports.fmt import org_time_zone

    # texts in the request's language (Accept-Language), else the org's; times in the org's zone
    language = request_language(request.headers, access.org)
    return respond(
        service.list_incidents(
            access.org_id,
            limit,
            cursor,
            state,
            subject,
            language=language,
            time_zone=org_time_zone(access.org),
        )
    )


@bp.route("/orgs/{org_id}/alert-policy", methods=["GET"], authorizer=jwt_auth)
def get_alert_policy(org_id: str) -> Response:
    from chalicelib.incidents import partner

    return respond(partner.get(for_request(bp.current_request, org_id)))


@bp.route("/orgs/{org_id}/alert-policy", methods=["PUT"], authorizer=jwt_auth)
def put_alert_policy(org_id: str) -> Response:
    from chalicelib.incidents import partner
    from chalicelib.incidents.schemas import AlertPolicyIn

    access = for_request(bp.current_request, org_id)
    partner.get(access)  # authorised before the body is read
    return respond(partner.put(access, parse_body(bp.current_request, AlertPolicyIn)))
