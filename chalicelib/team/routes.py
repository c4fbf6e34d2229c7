"""Routes: /orgs/{org_id}/members[/{user_id}]."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import idempotency
from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import header, page_params, parse_body, respond
from chalicelib.team import service

bp = Blueprint(__name__)


@bp.route("/orgs/{org_id}/members", methods=["GET"], authorizer=jwt_auth)
def list_members(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    limit, cursor = page_params(bp.current_request)
    return respond(service.list_members(access, limit, cursor))


@bp.route("/orgs/{org_id}/members", methods=["POST"], authorizer=jwt_auth)
def add_member(org_id: str) -> Response:
    request = bp.current_request
    from chalicelib.team.schemas import MemberAdd

    access = for_request(request, org_id).require(Action.WRITE)

    key = idempotency.validate_key(header(request, "Idempotency-Key"), required=False)
    body = parse_body(request, MemberAdd)
    status, result = service.add(access, body, key)
    return respond(result, status=status)


@bp.route("/orgs/{org_id}/members/{user_id}", methods=["PATCH"], authorizer=jwt_auth)
def change_member(org_id: str, user_id: str) -> Response:
    from chalicelib.team.schemas import MemberPatch

    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    body = parse_body(bp.current_request, MemberPatch)
    return respond(service.change_role(access, user_id, body))


@bp.route("/orgs/{org_id}/members/{user_id}", methods=["DELETE"], authorizer=jwt_auth)
def remove_member(org_id: str, user_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    service.remove(access, user_id)
    return respond(None, status=204)
