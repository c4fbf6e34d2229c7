"""Request bodies of the team routes."""

from __future__ import annotations

from typing import Literal

from chalicelib.validation import Email, Strict


class MemberAdd(Strict):
    email: Email
    role: Literal["guest", "admin"]


class MemberPatch(Strict):
    role: Literal["guest", "admin"]
