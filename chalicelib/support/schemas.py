"""Request body of PUT /orgs/{org_id}/support."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints, field_validator

from chalicelib import errors
from chalicelib.validation import Email, Name, ShortText, Strict

Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40, pattern=r"^\+?[0-9 ()/.\-]+$")
]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class SupportIn(Strict):
    """The whole contact (PUT replaces it); name and e-mail are what a customer needs at least."""

    name: Name
    email: Email
    phone: Phone | None = None
    hours: ShortText | None = None
    url: Url | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.netloc or " " in value:
            raise errors.Invalid("support_url")
        return value
