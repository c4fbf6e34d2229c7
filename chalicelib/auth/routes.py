"""Public login routes (no bearer token needed) and the caller's own second factor (/me/mfa).

Request schemas (pydantic) are imported inside the views: cold starts stay small. Every route
that evaluates a secret (password, reset code, TOTP code) takes its rate-limit slots *before*
evaluating it (``ratelimit.take``), so parallel guesses cannot overshoot a limit.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth import cognito
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import client_ip, header, parse_body, respond

bp = Blueprint(__name__)


@bp.route("/auth/login", methods=["POST"])
def login() -> Response:
    from chalicelib import errors, ratelimit
    from chalicelib.auth import mfa
    from chalicelib.auth.schemas import LoginBody

    request = bp.current_request
    body = parse_body(request, LoginBody)
    # One slot per e-mail and per source address is taken before Cognito sees the password,
    # known addresses or not (the 429 does not tell which addresses have accounts). A successful
    # login gives its slots back: only failed guesses use up the limit.
    counted = (("login_email", body.email), ("login_ip", client_ip(request)))
    ratelimit.take_all(*counted)
    try:
        result = cognito.login(body.email, body.password)
    except errors.Unauthorized:
        raise
    except Exception:
        for scope, key in counted:  # not evaluated (service down …): not a guess
            ratelimit.give_back(scope, key)
        raise
    for scope, key in counted:
        ratelimit.give_back(scope, key)
    if "id_token" in result:
        challenge = mfa.challenge_for(mfa.user_of(result), result)
        if challenge is not None:
            return respond(challenge)
    return respond(result)


@bp.route("/auth/mfa", methods=["POST"])
def login_mfa() -> Response:
    from chalicelib.auth import mfa
    from chalicelib.auth.schemas import MfaLoginBody

    body = parse_body(bp.current_request, MfaLoginBody)
    return respond(mfa.complete(body.session, body.code))


@bp.route("/auth/new-password", methods=["POST"])
def new_password() -> Response:
    from chalicelib.auth import mfa
    from chalicelib.auth.schemas import NewPasswordBody

    body = parse_body(bp.current_request, NewPasswordBody)
    result = cognito.new_password(body.email, body.session, body.new_password)
    challenge = mfa.challenge_for(mfa.user_of(result), result)  # never tokens around the second factor
    return respond(challenge or result)


@bp.route("/auth/refresh", methods=["POST"])
def refresh() -> Response:
    from chalicelib.auth.schemas import RefreshBody

    body = parse_body(bp.current_request, RefreshBody)
    return respond(cognito.refresh(body.refresh_token))


@bp.route("/auth/forgot-password", methods=["POST"])
def forgot_password() -> Response:
    from chalicelib.auth import reset
    from chalicelib.auth.schemas import ForgotPasswordBody

    request = bp.current_request
    body = parse_body(request, ForgotPasswordBody)
    reset.request(body.email, client_ip(request), header(request, "Accept-Language"))
    return respond(
        {
            "status": "accepted",
            "detail": "If an account uses this address, a mail with a code is on its way.",
        },
        status=202,
    )


@bp.route("/auth/reset-password", methods=["POST"])
def reset_password() -> Response:
    from chalicelib.auth import reset
    from chalicelib.auth.schemas import ResetPasswordBody

    request = bp.current_request
    body = parse_body(request, ResetPasswordBody)
    reset.confirm(body.email, body.code, body.new_password, client_ip(request))
    return respond(status=204)


# --- the caller's own second factor ------------------------------------------------------------


@bp.route("/me/mfa", methods=["GET"], authorizer=jwt_auth)
def mfa_status() -> Response:
    from chalicelib.auth import mfa
    from chalicelib.auth.principal import current

    return respond(mfa.status(current(bp.current_request)))


@bp.route("/me/mfa/setup", methods=["POST"], authorizer=jwt_auth)
def mfa_setup() -> Response:
    from chalicelib.auth import mfa
    from chalicelib.auth.principal import current

    principal = current(bp.current_request)
    email = principal.email or (_email_of(principal.user_id))
    return respond(mfa.setup(principal, email), status=201)


@bp.route("/me/mfa/verify", methods=["POST"], authorizer=jwt_auth)
def mfa_verify() -> Response:
    from chalicelib.auth import mfa
    from chalicelib.auth.principal import current
    from chalicelib.auth.schemas import MfaCodeBody

    principal = current(bp.current_request)
    body = parse_body(bp.current_request, MfaCodeBody)
    return respond(mfa.verify(principal, body.code))


@bp.route("/me/mfa", methods=["DELETE"], authorizer=jwt_auth)
def mfa_disable() -> Response:
    from chalicelib.auth import mfa
    from chalicelib.auth.principal import current
    from chalicelib.auth.schemas import MfaCodeBody

    principal = current(bp.current_request)
    body = parse_body(bp.current_request, MfaCodeBody)
    mfa.disable(principal, body.code)
    return respond(status=204)


def _email_of(user_id: str) -> str:
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.team.models import User

    try:
        return str(User.get(*User.key(user_id)).email)
    except DoesNotExist:
        return ""
