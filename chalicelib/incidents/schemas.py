"""Request body of PUT /orgs/{org_id}/alert-policy (a partner's alerts about its customers)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.validation import Email, Strict

OrgId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class AlertPolicyIn(Strict):
    """``supported``: every customer the partner supports; ``selected``: the listed customers;
    ``off``: none. ``recipients`` empty: the partner's administrators."""

    mode: Literal["supported", "selected", "off"]
    customer_ids: list[OrgId] = Field(default_factory=list, max_length=500)
    recipients: list[Email] = Field(default_factory=list, max_length=20)
