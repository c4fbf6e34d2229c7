"""Two-factor authentication with TOTP (RFC 6238, 6 digits, 30-second steps, SHA-1: what every
authenticator app speaks).

Vigil verifies the codes itself instead of Cognito's software-token MFA, whose emulator accepts
one fixed secret for every user; the flow and answers are the same ones Cognito gives:

- enrolment: ``setup`` draws a secret (sealed in ``AuthState.mfa_pending`` for 15 minutes) and
  answers it once as text, ``otpauth://`` URI and QR code (SVG, rendered with segno); ``verify``
  with a first code enables it. The secret is never answered again.
- login: after the password, a user with MFA gets ``{challenge: "MFA", session}`` instead of
  tokens. ``session`` is the Cognito tokens sealed with the auth key (``auth/crypto.py``) for
  five minutes: the client cannot read them until ``complete`` accepts a code.
- a code is accepted for the current step and one step either side (clock drift), and never
  twice: the accepted step is stored with a condition that it grows (replay refused).
- every code attempt takes a ``mfa_user`` rate-limit slot first; an accepted code gives it back.

Time comes from ``clock.now()`` (real time in production; tests move it step by step).
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

from chalicelib import clock, errors, ratelimit
from chalicelib.auth import crypto, sessions
from chalicelib.auth.models import AuthState
from chalicelib.auth.principal import Principal

ISSUER = "Vigil"
STEP_S = 30
DIGITS = 6
PENDING_S = 900
CHALLENGE_S = 300
log = logging.getLogger("vigil.auth")
_SECRET = "totp-secret"
_CHALLENGE = "mfa-login"


def _step(at: float | None = None) -> int:
    return int((clock.now().timestamp() if at is None else at) // STEP_S)


def code_at(secret: str, step: int) -> str:
    """The TOTP code of ``secret`` for a time step (RFC 6238 via pyotp)."""
    import pyotp

    return str(pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S).at(step * STEP_S))


def _matching_step(secret: str, code: str) -> int | None:
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    now = _step()
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def _state(principal: Principal) -> AuthState:
    state = sessions.require_valid(principal)
    if state is None:
        pk, sk = AuthState.key(principal.user_id)
        state = AuthState(pk, sk, user_id=principal.user_id)
    return state


def status(principal: Principal) -> dict[str, Any]:
    state = _state(principal)
    return {"enabled": state.mfa_enabled, "enabled_at": clock.iso(state.mfa_enabled_at)}


def setup(principal: Principal, email: str) -> dict[str, Any]:
    import pyotp
    import segno

    state = _state(principal)
    if state.mfa_enabled:
        raise errors.Conflict(errors.M("auth.mfa_disable_first"))
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S).provisioning_uri(
        name=email or principal.user_id, issuer_name=ISSUER
    )
    until = int(clock.now().timestamp()) + PENDING_S
    state.update(
        actions=[
            AuthState.user_id.set(principal.user_id),
            AuthState.mfa_pending.set(crypto.seal(_SECRET, secret.encode())),
            AuthState.mfa_pending_until.set(until),
            AuthState.mfa_last_step.remove(),  # replay protection is per secret
        ]
    )
    qr = segno.make(uri, error="m")
    return {
        "secret": secret,
        "otpauth_uri": uri,
        "qr_svg": qr.svg_data_uri(scale=4, border=2),
        "expires_at": clock.iso(datetime.fromtimestamp(until, UTC)),
    }


def _take(user_id: str) -> None:
    ratelimit.take("mfa_user", user_id)


def _accept(state: AuthState, sealed: str, code: str, *, attribute: Any) -> int | None:
    """The step of ``code`` if it matches the sealed secret and was not used before."""
    from pynamodb.exceptions import UpdateError

    try:
        secret = crypto.unseal(_SECRET, sealed).decode()
    except crypto.Unsealable:
        return None
    step = _matching_step(secret, code)
    if step is None:
        return None
    try:
        state.update(
            actions=[AuthState.mfa_last_step.set(step)],
            condition=(AuthState.mfa_last_step.does_not_exist() | (AuthState.mfa_last_step < step))
            & (attribute == sealed),
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
            return None  # used before (replay), or the secret changed meanwhile
        raise
    return step


def verify(principal: Principal, code: str) -> dict[str, Any]:
    """Enable the pending secret with its first code."""
    state = _state(principal)
    if state.mfa_enabled:
        raise errors.Conflict(errors.M("auth.mfa_already_enabled"))
    pending = state.mfa_pending
    if not pending or int(state.mfa_pending_until or 0) < int(clock.now().timestamp()):
        raise errors.Conflict(errors.M("auth.mfa_no_pending_setup"))
    _take(principal.user_id)
    if _accept(state, pending, code, attribute=AuthState.mfa_pending) is None:
        log.info("mfa enrolment: wrong code (user %s)", principal.user_id)
        raise errors.ValidationFailed({"code": errors.M("field.code_mismatch")})
    ratelimit.give_back("mfa_user", principal.user_id)
    state.update(
        actions=[
            AuthState.mfa_secret.set(pending),
            AuthState.mfa_enabled_at.set(clock.now()),
            AuthState.mfa_pending.remove(),
            AuthState.mfa_pending_until.remove(),
        ],
        condition=AuthState.mfa_pending == pending,
    )
    log.info("mfa enabled (user %s)", principal.user_id)
    return {"enabled": True, "enabled_at": clock.iso(state.mfa_enabled_at)}


def disable(principal: Principal, code: str) -> None:
    """Turn MFA off; needs a current code (a stolen session alone cannot do it)."""
    state = _state(principal)
    if not state.mfa_enabled or not state.mfa_secret:
        raise errors.Conflict(errors.M("auth.mfa_not_enabled"))
    _take(principal.user_id)
    secret = state.mfa_secret
    if _accept(state, secret, code, attribute=AuthState.mfa_secret) is None:
        log.info("mfa disabling: wrong code (user %s)", principal.user_id)
        raise errors.ValidationFailed({"code": errors.M("field.code_mismatch")})
    ratelimit.give_back("mfa_user", principal.user_id)
    state.update(
        actions=[AuthState.mfa_secret.remove(), AuthState.mfa_enabled_at.remove()],
        condition=AuthState.mfa_secret == secret,
    )
    log.info("mfa disabled (user %s)", principal.user_id)


# --- the login challenge ---------------------------------------------------------------------


def challenge_for(user_id: str, tokens: dict[str, Any]) -> dict[str, Any] | None:
    """The MFA challenge instead of ``tokens`` when the user has MFA; None otherwise."""
    state = sessions.state_of(user_id)
    if state is None or not state.mfa_enabled:
        return None
    payload = json.dumps({"u": user_id, "t": tokens}, separators=(",", ":")).encode()
    return {"challenge": "MFA", "session": crypto.seal(_CHALLENGE, payload)}


def complete(session: str, code: str) -> dict[str, Any]:
    """The tokens sealed in ``session`` once ``code`` is accepted (401 otherwise)."""
    try:
        payload = json.loads(crypto.unseal(_CHALLENGE, session, max_age=CHALLENGE_S))
        user_id, tokens = str(payload["u"]), dict(payload["t"])
    except (crypto.Unsealable, ValueError, KeyError, TypeError) as exc:
        raise errors.Unauthorized(errors.M("auth.session_expired")) from exc
    _take(user_id)
    state = sessions.state_of(user_id)
    if state is None or not state.mfa_secret:
        raise errors.Unauthorized(errors.M("auth.session_expired"))
    if _accept(state, state.mfa_secret, code, attribute=AuthState.mfa_secret) is None:
        log.info("mfa login: wrong or reused code (user %s)", user_id)
        raise errors.Unauthorized(errors.M("auth.mfa_code_wrong"))
    ratelimit.give_back("mfa_user", user_id)
    return tokens


def user_of(tokens: dict[str, Any]) -> str:
    """The ``sub`` of tokens Cognito has just answered us (read, not verified: they come
    straight from the pool over TLS, never from the client)."""
    import jwt

    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    return str(claims["sub"])
