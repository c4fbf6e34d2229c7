"""Routes: /me, /signup, /signup/confirm, /orgs, /orgs/{org_id} (GET, PATCH, DELETE), /orgs/{org_id}/customers."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import errors
from chalicelib.audit.service import record_partner_entry
from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.auth.principal import current
from chalicelib.http import client_ip, json_body, page_params, parse_body, query_param, respond, validate
from chalicelib.orgs import deletion, service

bp = Blueprint(__name__)


@bp.route("/me", methods=["GET"], authorizer=jwt_auth)
def me() -> Response:
    from chalicelib.auth import sessions

    principal = current(bp.current_request)
    sessions.require_valid(principal)  # a token of a session ended by a password reset: 401
    return respond(service.me(principal))


@bp.route("/signup", methods=["POST"])
def signup() -> Response:
    from chalicelib import ratelimit
    from chalicelib.orgs import signup as signups
    from chalicelib.orgs.schemas import SignupBody

    request = bp.current_request
    body = parse_body(request, SignupBody)
    # Each signup costs a pool user and a mail to an address the caller names: a slot is taken
    # per source and per target address before any of that work.
    ratelimit.take("signup_ip", client_ip(request))
    ratelimit.take("signup_email", body.email)
    signups.signup(body)
    return respond(
        {
            "status": "accepted",
            "detail": "If this address can be used, a confirmation code is on its way to it: "
            "confirm it with POST /signup/confirm to activate the account.",
        },
        status=202,
    )


@bp.route("/signup/confirm", methods=["POST"])
def confirm_signup() -> Response:
    from chalicelib import ratelimit
    from chalicelib.orgs import signup as signups
    from chalicelib.orgs.schemas import SignupConfirmBody

    request = bp.current_request
    body = parse_body(request, SignupConfirmBody)
    ratelimit.take("signup_confirm_ip", client_ip(request))
    ratelimit.take("signup_confirm_email", body.email)
    return respond(signups.confirm(body))


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
    from chalicelib.http import raw_body
    from chalicelib.orgs.schemas import OrgDelete

    request = bp.current_request
    access = for_request(request, org_id).require(Action.DELETE_ORG)  # before reading the body
    params: dict[str, str] = dict(request.query_params or {})
    confirm = params.get("confirm_paid_subscription") == "true"
    if raw_body(request).strip():
        confirm = validate(json_body(request), OrgDelete).confirm_paid_subscription or confirm
    return respond(deletion.delete_org(access, confirm_paid_subscription=confirm), status=202)


@bp.route("/orgs/{org_id}/customers", methods=["GET"], authorizer=jwt_auth)
def customers(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    limit, cursor = page_params(bp.current_request)
    params = {k: v for k in ("sort", "status", "q") if (v := query_param(bp.current_request, k)) is not None}
    return respond(service.customers(access, params, limit, cursor))
