"""Verification of Cognito-issued JWTs against the user pool's published keys.

The signing keys are fetched once and cached; an unknown ``kid`` triggers at most one refetch
per minute (key rotation) so that garbage tokens cannot make us hammer the JWKS endpoint.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from chalicelib import settings

JWKS_TTL_S = 3600
REFETCH_MIN_INTERVAL_S = 60
LEEWAY_S = 30


class InvalidToken(Exception):
    """The token is not one we accept; the message says why (logged, not returned)."""


@dataclass(frozen=True)
class Claims:
    sub: str
    email: str
    token_use: str
    exp: int
    auth_time: str = ""  # login time (epoch seconds) — identifies the session; "" if absent
    iat: str = ""  # issue time (epoch seconds); sessions.check compares it after a reset


class _JwksCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._url: str | None = None
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0

    def key(self, kid: str) -> Any:
        url = settings.jwks_url()
        with self._lock:
            stale = time.monotonic() - self._fetched_at > JWKS_TTL_S
            if url != self._url or stale:
                self._load(url)
            found = self._keys.get(kid)
            if found is None and time.monotonic() - self._fetched_at > REFETCH_MIN_INTERVAL_S:
                self._load(url)
                found = self._keys.get(kid)
        if found is None:
            raise InvalidToken("unknown signing key")
        return found

    def _load(self, url: str) -> None:
        from jwt import PyJWK

        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                document = json.loads(resp.read(1_000_000))
        except (OSError, ValueError) as exc:
            raise InvalidToken(f"signing keys unavailable: {exc}") from exc
        keys = {}
        for jwk in document.get("keys", []):
            if jwk.get("kty") == "RSA" and jwk.get("kid"):
                keys[jwk["kid"]] = PyJWK.from_dict(jwk, algorithm="RS256").key
        self._url, self._keys, self._fetched_at = url, keys, time.monotonic()

    def clear(self) -> None:
        with self._lock:
            self._url, self._keys, self._fetched_at = None, {}, 0.0


JWKS = _JwksCache()


def verify(token: str) -> Claims:
    """Verify signature (RS256 only), issuer, audience/client, expiry and token use."""
    import jwt

    if not token or len(token) > 8192:
        raise InvalidToken("missing or oversized token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"malformed token: {exc}") from exc
    if header.get("alg") != "RS256":
        raise InvalidToken(f"algorithm {header.get('alg')!r} not accepted")
    key = JWKS.key(str(header.get("kid", "")))
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            issuer=settings.token_issuer(),
            leeway=LEEWAY_S,
            options={"require": ["exp", "iat", "iss", "sub", "token_use"], "verify_aud": False},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    client_id = settings.user_pool_client_id()
    use = claims.get("token_use")
    if use == "id":
        if claims.get("aud") != client_id:
            raise InvalidToken("audience mismatch")
    elif use == "access":
        if claims.get("client_id") != client_id:
            raise InvalidToken("client mismatch")
    else:
        raise InvalidToken(f"token_use {use!r} not accepted")
    return Claims(
        sub=str(claims["sub"]),
        email=_verified_email(claims),
        token_use=str(use),
        exp=int(claims["exp"]),
        auth_time=_auth_time(claims.get("auth_time")),
        iat=_auth_time(claims.get("iat")),
    )


def _verified_email(claims: dict[str, Any]) -> str:
    """The ``email`` claim only when ``email_verified`` vouches for it (Cognito sends a boolean,
    some emulators the string "true"); otherwise "" and the app reads the address from its own
    user record, which exists only for verified addresses."""
    verified = claims.get("email_verified")
    if verified is True or (isinstance(verified, str) and verified.strip().lower() == "true"):
        return str(claims.get("email", "")).lower()
    return ""


def _auth_time(value: Any) -> str:
    """``auth_time`` as a digit string (the session a token belongs to); refresh keeps it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return ""
    text = str(int(value)) if isinstance(value, (int, float)) else value.strip()
    return text if text.isascii() and text.isdigit() and len(text) <= 12 else ""
