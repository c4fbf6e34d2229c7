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
        raise errors.ValidationFailed({"state": errors.M("field.one_of", expected="open, resolved")})
    return respond(service.list_incidents(access.org_id, limit, cursor, state))
