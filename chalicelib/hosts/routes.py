"""Routes: /orgs/{org_id}/hosts… (user API) and /agent/heartbeat (agent token only)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.hosts import service, tokens
from chalicelib.http import page_params, parse_body, raw_body, respond

bp = Blueprint(__name__)


@bp.route("/orgs/{org_id}/hosts", methods=["GET"], authorizer=jwt_auth)
def list_hosts(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    limit, cursor = page_params(bp.current_request)
    return respond(service.list_hosts(access, limit, cursor))


@bp.route("/orgs/{org_id}/hosts", methods=["POST"], authorizer=jwt_auth)
def create_host(org_id: str) -> Response:
    from chalicelib.hosts.schemas import HostCreate

    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    body = parse_body(bp.current_request, HostCreate)
    return respond(service.create(access, body), status=201, headers={"Cache-Control": "no-store"})


@bp.route("/orgs/{org_id}/hosts/{host_id}", methods=["GET"], authorizer=jwt_auth)
def get_host(org_id: str, host_id: str) -> Response:
    return respond(service.get(for_request(bp.current_request, org_id), host_id))


@bp.route("/orgs/{org_id}/hosts/{host_id}", methods=["PATCH"], authorizer=jwt_auth)
def patch_host(org_id: str, host_id: str) -> Response:
    from chalicelib.hosts.schemas import HostPatch

    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    body = parse_body(bp.current_request, HostPatch)
    return respond(service.patch(access, host_id, body))


@bp.route("/orgs/{org_id}/hosts/{host_id}", methods=["DELETE"], authorizer=jwt_auth)
def delete_host(org_id: str, host_id: str) -> Response:
    service.delete(for_request(bp.current_request, org_id), host_id)
    return respond(None, status=204)


@bp.route("/orgs/{org_id}/hosts/{host_id}/token", methods=["POST"], authorizer=jwt_auth)
def rotate_token(org_id: str, host_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    return respond(service.rotate_token(access, host_id), status=201, headers={"Cache-Control": "no-store"})


@bp.route("/orgs/{org_id}/hosts/{host_id}/metrics", methods=["GET"], authorizer=jwt_auth)
def host_metrics(org_id: str, host_id: str) -> Response:
    request = bp.current_request
    access = for_request(request, org_id)
    limit, cursor = page_params(request)
    return respond(service.metrics(access, host_id, dict(request.query_params or {}), limit, cursor))


# No Chalice authorizer: the agent token (not a user token) is checked by the heartbeat itself.
@bp.route("/agent/heartbeat", methods=["POST"], content_types=["application/json"])
def agent_heartbeat() -> Response:
    from chalicelib.hosts import heartbeat  # pydantic: off the cold-start path

    request = bp.current_request
    token = tokens.from_headers({k.lower(): v for k, v in (request.headers or {}).items()})
    return respond(heartbeat.ingest(token, raw_body(request)))
