"""Who is calling: built from the authorizer's context, never from the request body."""

from __future__ import annotations

from dataclasses import dataclass

from chalice.app import Request

from chalicelib import errors


@dataclass(frozen=True)
class Principal:
    user_id: str
    email: str  # empty when the caller used an access token (no e-mail claim)
    token_use: str
    #: login time of the token's session (epoch seconds as text); "" when unknown
    auth_time: str = ""
    #: issue time of the token (epoch seconds as text); "" when unknown
    issued_at: str = ""


def current(request: Request) -> Principal:
    ctx = (request.context or {}).get("authorizer") or {}
    sub = ctx.get("sub") or ctx.get("principalId")
    if not sub:
        # Only reachable if a route was registered without the authorizer.
        raise errors.Unauthorized()
    return Principal(
        user_id=str(sub),
        email=str(ctx.get("email") or ""),
        token_use=str(ctx.get("token_use") or ""),
        auth_time=str(ctx.get("auth_time") or ""),
        issued_at=str(ctx.get("iat") or ""),
    )
