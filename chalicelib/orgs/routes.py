"""Routes: /me, /signup, /orgs, /orgs/{org_id} (GET, PATCH, DELETE), /orgs/{org_id}/customers."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import errors
from chalicelib.audit.service import record_partner_entry
from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.auth.principal import current
from chalicelib.http import json_body, page_params, parse_body, query_param, respond, validate
from chalicelib.orgs import deletion, service

bp = Blueprint(__name__)


@bp.route("/me", methods=["GET"], authorizer=jwt_auth)
def me() -> Response:
    return respond(service.me(current(bp.current_request)))


@bp.route("/signup", methods=["POST"])
def signup() -> Response:
    from chalicelib.orgs.schemas import SignupBody

    body = parse_body(bp.current_request, SignupBody)
    service.signup(body)
    return respond(
        {
            "status": "accepted",
            "detail": "If this address can be used, the account is ready: log in with "
            "it. A mail with the details is on its way.",
        },
        status=202,
    )


@bp.route("/orgs", methods=["POST"], authorizer=jwt_auth)
def create_org() -> Response:
    from chalicelib.orgs.schemas import OrgCreate

    request = bp.current_request
    principal = current(request)
    try:
        data: Any = json_body(request)
    except errors.ValidationFailed:
        data = None  # authorised first (below), then refused for its body
    partner = service.creating_partner(principal, data.get("partner_id") if isinstance(data, dict) else None)
    body = parse_body(request, OrgCreate) if data is None else validate(data, OrgCreate)
    return respond(service.create_customer(principal, body, partner), status=201)


@bp.route("/orgs/{org_id}", methods=["GET"], authorizer=jwt_auth)
def get_org(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    record_partner_entry(access)  # once per partner session: "partner.entered"
    return respond(service.get(access))


@bp.route("/orgs/{org_id}", methods=["PATCH"], authorizer=jwt_auth)
def patch_org(org_id: str) -> Response:
    from chalicelib.orgs.schemas import OrgPatch

    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    body = parse_body(bp.current_request, OrgPatch)
    return respond(service.patch(access, body))


@bp.route("/orgs/{org_id}", methods=["DELETE"], authorizer=jwt_auth)
def delete_org(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    return respond(deletion.delete_org(access), status=202)


@bp.route("/orgs/{org_id}/customers", methods=["GET"], authorizer=jwt_auth)
def customers(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    limit, cursor = page_params(bp.current_request)
    params = {k: v for k in ("sort", "status", "q") if (v := query_param(bp.current_request, k)) is not None}
    return respond(service.customers(access, params, limit, cursor))
