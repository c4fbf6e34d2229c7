"""Routes: /orgs/{org_id}/endpoints (CRUD), …/results, …/status."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import page_params, parse_body, respond
from chalicelib.incidents.texts import request_language
from chalicelib.monitoring import service

bp = Blueprint(__name__)


@bp.route("/orgs/{org_id}/endpoints", methods=["GET"], authorizer=jwt_auth)
def list_endpoints(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    limit, cursor = page_params(bp.current_request)
    return respond(service.list_endpoints(access, limit, cursor))


@bp.route("/orgs/{org_id}/endpoints", methods=["POST"], authorizer=jwt_auth)
def create_endpoint(org_id: str) -> Response:
    from chalicelib.billing.models import Subscription
    from chalicelib.monitoring.models import DispatchCursor
    from chalicelib.monitoring.schemas import EndpointIn

    # the plan (limits) and the dispatcher's cursor (next_check_at) with the role: one BatchGet
    also = [(Subscription, Subscription.key(org_id)), (DispatchCursor, DispatchCursor.key())]
    access = for_request(bp.current_request, org_id, also).require(Action.WRITE)
    body = parse_body(bp.current_request, EndpointIn)
    created = service.create(access, body)
    return respond(created, status=201, headers={"Location": f"/orgs/{org_id}/endpoints/{created['id']}"})


@bp.route("/orgs/{org_id}/endpoints/{endpoint_id}", methods=["GET"], authorizer=jwt_auth)
def get_endpoint(org_id: str, endpoint_id: str) -> Response:
    access = for_request(bp.current_request, org_id, service.reads(org_id, endpoint_id, cursor=True))
    return respond(service.get(access, endpoint_id))


@bp.route("/orgs/{org_id}/endpoints/{endpoint_id}", methods=["PATCH"], authorizer=jwt_auth)
def patch_endpoint(org_id: str, endpoint_id: str) -> Response:
    from chalicelib.monitoring.schemas import EndpointPatch

    also = service.reads(org_id, endpoint_id, plan=True, cursor=True)
    access = for_request(bp.current_request, org_id, also).require(Action.WRITE)
    body = parse_body(bp.current_request, EndpointPatch)
    return respond(service.patch(access, endpoint_id, body))


@bp.route("/orgs/{org_id}/endpoints/{endpoint_id}", methods=["DELETE"], authorizer=jwt_auth)
def delete_endpoint(org_id: str, endpoint_id: str) -> Response:
    also = service.reads(org_id, endpoint_id, status=True, incidents=True)
    access = for_request(bp.current_request, org_id, also)
    service.delete(access, endpoint_id)
    return respond(None, status=204)


@bp.route("/orgs/{org_id}/endpoints/{endpoint_id}/results", methods=["GET"], authorizer=jwt_auth)
def endpoint_results(org_id: str, endpoint_id: str) -> Response:
    request = bp.current_request
    access = for_request(request, org_id, service.reads(org_id, endpoint_id))
    limit, cursor = page_params(request)
    language = request_language(request.headers, access.org)
    return respond(
        service.results(access, endpoint_id, dict(request.query_params or {}), limit, cursor, language)
    )


@bp.route("/orgs/{org_id}/endpoints/{endpoint_id}/status", methods=["GET"], authorizer=jwt_auth)
def endpoint_status(org_id: str, endpoint_id: str) -> Response:
    request = bp.current_request
    access = for_request(request, org_id, service.status_reads(org_id, endpoint_id))
    return respond(service.status(access, endpoint_id, request_language(request.headers, access.org)))
