"""Public login routes (no bearer token needed)."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth import cognito
from chalicelib.auth.schemas import LoginBody, NewPasswordBody, RefreshBody
from chalicelib.http import parse_body, respond

bp = Blueprint(__name__)


@bp.route("/auth/login", methods=["POST"])
def login() -> Response:
    body = parse_body(bp.current_request, LoginBody)
    return respond(cognito.login(body.email, body.password))


@bp.route("/auth/new-password", methods=["POST"])
def new_password() -> Response:
    body = parse_body(bp.current_request, NewPasswordBody)
    return respond(cognito.new_password(body.email, body.session, body.new_password))


@bp.route("/auth/refresh", methods=["POST"])
def refresh() -> Response:
    body = parse_body(bp.current_request, RefreshBody)
    return respond(cognito.refresh(body.refresh_token))
