"""Agent tokens: random secrets shown once, stored only as a keyed hash.

The hash is HMAC-SHA256 with a server-side key (``VIGIL_AGENT_TOKEN_KEY``), so a leaked table
does not let anyone test guessed tokens offline. Local mode (``make run``, tests) falls back to a
fixed development key; any other stage refuses to start hashing without a configured key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from chalicelib import settings

PREFIX = "vgl_"
_LOCAL_KEY = "vigil-local-agent-token-key-not-for-production"
_MAX_LEN = 128


def token_key() -> bytes:
    key = settings.agent_token_key()
    if not key:
        if not settings.is_local():
            raise RuntimeError("VIGIL_AGENT_TOKEN_KEY must be set outside local mode")
        key = _LOCAL_KEY
    return key.encode()


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hmac.new(token_key(), token.encode(), hashlib.sha256).hexdigest()


def looks_valid(token: str) -> bool:
    """Cheap shape check before any database work (refuses junk without a lookup)."""
    return (
        token.startswith(PREFIX)
        and len(token) <= _MAX_LEN
        and all(c.isalnum() or c in "-_" for c in token[len(PREFIX) :])
    )


def from_headers(headers: dict[str, str]) -> str:
    """The agent token from ``Authorization: Bearer …`` or ``X-Agent-Token``; '' when absent."""
    raw = headers.get("authorization", "")
    scheme, _, value = raw.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return headers.get("x-agent-token", "").strip()
