"""Routes: /orgs/{org_id}/incidents."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import errors
from chalicelib.auth.access import for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import page_params, query_param, respond
from chalicelib.incidents import service

bp = Blueprint(__name__)


@bp.route("/orgs/{org_id}/incidents", methods=["GET"], authorizer=jwt_auth)
def list_incidents(org_id: str) -> Response:
    request = bp.current_request
    access = for_request(request, org_id)
    limit, cursor = page_params(request)
    state = query_param(request, "state")
    if state not in (None, "open", "resolved"):
        raise errors.ValidationFailed({"state": "must be open or resolved"})
    from chalicelib.incidents.texts import request_language
    from chalicelib.reports.fmt import org_time_zone

    # texts in the request's language (Accept-Language), else the org's; times in the org's zone
    language = request_language(request.headers, access.org)
    return respond(
        service.list_incidents(
            access.org_id, limit, cursor, state, language=language, time_zone=org_time_zone(access.org)
        )
    )
