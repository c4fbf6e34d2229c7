"""Ending sessions: after a password reset every token of an earlier login is refused.

Cognito's global sign-out revokes the refresh tokens; id and access tokens are self-contained
JWTs that stay valid until they expire, so the user's ``AuthState.tokens_valid_after`` is
compared with the token's login time (``auth_time``, else ``iat``) wherever the caller's
identity is used: ``access.resolve`` (read in the same BatchGetItem as org and membership) and
the routes outside an org (``/me``, ``/me/mfa``) through ``require_valid``.

``tokens_valid_after`` is the second *after* the reset (token times have one-second
resolution): a token from the reset's own second is refused too, so the client logs in again
a moment later.
"""

from __future__ import annotations

import logging
import time

from chalicelib import errors
from chalicelib.auth.models import AuthState
from chalicelib.auth.principal import Principal

log = logging.getLogger("vigil.auth")


def login_time(principal: Principal) -> int | None:
    for value in (principal.auth_time, principal.issued_at):
        if value and value.isdigit():
            return int(value)
    return None


def check(principal: Principal, state: AuthState | None) -> None:
    """401 when the caller's token belongs to a session that was ended."""
    if state is None or not state.tokens_valid_after:
        return
    started = login_time(principal)
    if started is not None and started < int(state.tokens_valid_after):
        log.info("token of an ended session refused (user %s)", principal.user_id)
        raise errors.Unauthorized(errors.M("auth.session_ended"))


def state_of(user_id: str) -> AuthState | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return AuthState.get(*AuthState.key(user_id))
    except DoesNotExist:
        return None


def require_valid(principal: Principal) -> AuthState | None:
    """The caller's auth state after the session check (one GetItem)."""
    state = state_of(principal.user_id)
    check(principal, state)
    return state


def end_all(user_id: str, email: str) -> None:
    """Refuse every token issued so far and revoke the refresh tokens (global sign-out)."""
    from chalicelib.auth import cognito

    pk, sk = AuthState.key(user_id)
    AuthState(pk, sk).update(
        actions=[
            AuthState.user_id.set(user_id),
            AuthState.tokens_valid_after.set(int(time.time()) + 1),
        ]
    )
    cognito.global_sign_out(email)
