"""Routes: GET, PUT /orgs/{org_id}/support."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import parse_body, respond
from chalicelib.support import service

bp = Blueprint(__name__)


@bp.route("/orgs/{org_id}/support", methods=["GET"], authorizer=jwt_auth)
def get_support(org_id: str) -> Response:
    return respond(service.get(for_request(bp.current_request, org_id)))


@bp.route("/orgs/{org_id}/support", methods=["PUT"], authorizer=jwt_auth)
def put_support(org_id: str) -> Response:
    from chalicelib.support.schemas import SupportIn

    access = for_request(bp.current_request, org_id).require(Action.SUPPORT_WRITE)
    body = parse_body(bp.current_request, SupportIn)
    return respond(service.put(access, body))
