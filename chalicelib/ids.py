"""Opaque identifiers: random, URL-safe, sortable by creation time where that helps."""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str = "") -> str:
    """`prefix` + 10 hex chars of milliseconds + 10 random base32 chars; sorts by creation."""
    millis = int(time.time() * 1000)
    rand = secrets.token_hex(5)
    return f"{prefix}{millis:011x}{rand}"
