"""Route: GET /orgs/{org_id}/audit — the org's audit log for its admins and its partner."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.audit import service
from chalicelib.auth.access import for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import page_params, respond

bp = Blueprint(__name__)


@bp.route("/orgs/{org_id}/audit", methods=["GET"], authorizer=jwt_auth)
def audit_log(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    limit, cursor = page_params(bp.current_request)
    return respond(service.list_entries(access, limit, cursor))
