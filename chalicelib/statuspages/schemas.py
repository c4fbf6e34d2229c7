"""Input of the status-page routes (pydantic, imported inside the views)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib import errors

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$")
#: Words a slug may not be: they name console/API paths or would mislead visitors.
RESERVED = frozenset(
    {
        "admin", "api", "app", "assets", "auth", "billing", "config", "console", "css", "help",
        "i18n", "js", "login", "logout", "me", "new", "orgs", "signup", "static", "status",
        "support", "vigil", "www",
    }
)  # fmt: skip
MAX_COMPONENTS = 20
_ID = r"^[A-Za-z0-9_-]{1,64}$"


def _check_components(values: list[str]) -> list[str]:
    for v in values:
        if not re.fullmatch(_ID, v):
            raise errors.Invalid("id_invalid")
    if len(set(values)) != len(values):
        raise errors.Invalid("components_duplicate")
    return values


class StatusPageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(min_length=3, max_length=40)
    title: str = Field(min_length=1, max_length=120)
    endpoints: list[str] = Field(default_factory=list, max_length=MAX_COMPONENTS)
    hosts: list[str] = Field(default_factory=list, max_length=MAX_COMPONENTS)
    show_response_times: bool = False
    language: Literal["de", "en"] = "de"

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.fullmatch(value) or "--" in value:
            raise errors.Invalid("slug_format")
        if value in RESERVED:
            raise errors.Invalid("slug_reserved")
        return value

    @field_validator("endpoints", "hosts")
    @classmethod
    def _components(cls, values: list[str]) -> list[str]:
        return _check_components(values)


class StatusPagePatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=1, max_length=120)
    endpoints: list[str] | None = Field(default=None, max_length=MAX_COMPONENTS)
    hosts: list[str] | None = Field(default=None, max_length=MAX_COMPONENTS)
    show_response_times: bool | None = None
    language: Literal["de", "en"] | None = None

    @field_validator("endpoints", "hosts")
    @classmethod
    def _components(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        return _check_components(values)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=1000)

    @field_validator("text")
    @classmethod
    def _plain(cls, value: str) -> str:
        # Plain text only: control characters go; markup is refused rather than half-stripped.
        cleaned = "".join(c for c in value if c in "\n\t" or c.isprintable())
        if re.search(r"<[a-zA-Z/!?]", cleaned):
            raise errors.Invalid("plain_text")
        return cleaned
