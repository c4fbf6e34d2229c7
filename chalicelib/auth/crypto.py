"""Sealing small secrets with the auth key (``settings.auth_key``): Fernet, i.e. AES-128-CBC
plus HMAC-SHA256 with a timestamp, so a sealed value can carry its own maximum age.

Used for the TOTP secrets at rest and for the MFA login challenge (the client holds the sealed
tokens it cannot read until it proves the second factor).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


class Unsealable(Exception):
    """Tampered, sealed with another key, or older than allowed."""


def _fernet(purpose: str) -> Fernet:
    from cryptography.fernet import Fernet

    from chalicelib import settings

    key = hmac.new(settings.auth_key(), purpose.encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(purpose: str, data: bytes) -> str:
    return str(_fernet(purpose).encrypt(data).decode())


def unseal(purpose: str, token: str, max_age: int | None = None) -> bytes:
    from cryptography.fernet import InvalidToken

    try:
        return bytes(_fernet(purpose).decrypt(token.encode(), ttl=max_age))
    except (InvalidToken, ValueError, TypeError) as exc:
        raise Unsealable(purpose) from exc


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the auth key (reset codes are stored only like this)."""
    from chalicelib import settings

    key = hmac.new(settings.auth_key(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
