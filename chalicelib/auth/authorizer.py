"""The API's custom authorizer: every user route runs behind ``jwt_auth``.

Chalice's Cognito authorizer is not enforced by ``chalice local`` or ``chalice.test``, so the
verification happens here, the same way in Lambda and locally. A rejected token becomes a 401
from the gateway: in Lambda by API Gateway's ``Unauthorized`` convention, locally by the local
gateway's own 401 (with a problem+json body).
"""

from __future__ import annotations

import logging

from chalice import AuthResponse, Blueprint
from chalice.app import AuthRequest

from chalicelib import settings
from chalicelib.auth import tokens

log = logging.getLogger("vigil.auth")

auth_bp = Blueprint(__name__)


def _reject() -> None:
    if settings.in_lambda():
        raise Exception("Unauthorized")  # API Gateway's contract for a 401 from an authorizer
    from chalice.local import NotAuthorizedError  # dev dependency, local gateway only

    from chalicelib import errors, http, i18n

    i18n.begin_request(None)  # the authorizer sees no headers but the token: the default language
    problem = errors.Unauthorized()  # the shape every problem answer has (http.problem_body)
    raise NotAuthorizedError(http.problem_headers(problem), http.problem_body(problem).encode())


@auth_bp.authorizer(ttl_seconds=300)
def jwt_auth(auth_request: AuthRequest) -> AuthResponse:
    raw = auth_request.token or ""
    scheme, _, token = raw.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        _reject()
    try:
        claims = tokens.verify(token.strip())
    except tokens.InvalidToken as exc:
        log.info("token rejected: %s", exc)
        _reject()
        raise  # unreachable; _reject always raises
    return AuthResponse(
        routes=["*"],
        principal_id=claims.sub,
        context={
            "sub": claims.sub,
            "email": claims.email,
            "token_use": claims.token_use,
            "auth_time": claims.auth_time,
            "iat": claims.iat,
        },
    )
