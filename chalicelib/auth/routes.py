"""Public login routes (no bearer token needed).

Request schemas (pydantic) are imported inside the views: cold starts stay small.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth import cognito
from chalicelib.http import client_ip, parse_body, respond

bp = Blueprint(__name__)


@bp.route("/auth/login", methods=["POST"])
def login() -> Response:
    from chalicelib import errors, ratelimit
    from chalicelib.auth.schemas import LoginBody

    request = bp.current_request
    body = parse_body(request, LoginBody)
    # Throttle guessing: failed logins are counted per e-mail and per source address, known
    # addresses or not, so the 429 does not tell which addresses have accounts either.
    counted = (("login_email", body.email), ("login_ip", client_ip(request)))
    ratelimit.check(*counted)
    try:
        return respond(cognito.login(body.email, body.password))
    except errors.Unauthorized:
        for scope, key in counted:
            ratelimit.add(scope, key)
        raise


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
