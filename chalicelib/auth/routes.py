"""Public login routes (no bearer token needed).

Request schemas (pydantic) are imported inside the views: cold starts stay small.
"""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth import cognito
from chalicelib.http import parse_body, respond

bp = Blueprint(__name__)


@bp.route("/auth/login", methods=["POST"])
def login() -> Response:
    from chalicelib.auth.schemas import LoginBody

    body = parse_body(bp.current_request, LoginBody)
    return respond(cognito.login(body.email, body.password))


@bp.route("/auth/new-password", methods=["POST"])
def new_password() -> Response:
    from chalicelib.auth.schemas import NewPasswordBody

    body = parse_body(bp.current_request, NewPasswordBody)
    return respond(cognito.new_password(body.email, body.session, body.new_password))


@bp.route("/auth/refresh", methods=["POST"])
def refresh() -> Response:
    from chalicelib.auth.schemas import RefreshBody

    body = parse_body(bp.current_request, RefreshBody)
    return respond(cognito.refresh(body.refresh_token))
