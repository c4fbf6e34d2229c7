"""Request bodies of the org routes."""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, field_validator

from chalicelib.auth.schemas import check_password
from chalicelib.validation import AddressIn, Email, Name, Strict, VatId


class OrgCreate(Strict):
    name: Name
    address: Optional[AddressIn] = None
    linked: bool = True
    support_by: Literal["partner", "vendor"] = "partner"
    language: Literal["de", "en"] = "de"
    billing_email: Optional[Email] = None
    vat_id: Optional[VatId] = None
    plan: Literal["trial"] = Field("trial", description="only the trial can be chosen at creation")
    partner_id: Optional[str] = Field(None, max_length=64)


class OrgPatch(Strict):
    name: Optional[Name] = None
    address: Optional[AddressIn] = None
    billing_email: Optional[Email] = None
    vat_id: Optional[VatId] = None
    language: Optional[Literal["de", "en"]] = None
    support_by: Optional[Literal["partner", "vendor"]] = None


class SignupOrg(Strict):
    name: Name
    address: Optional[AddressIn] = None
    language: Literal["de", "en"] = "de"
    billing_email: Optional[Email] = None
    vat_id: Optional[VatId] = None


class SignupBody(Strict):
    email: Email
    password: str = Field(max_length=256)
    org: SignupOrg

    @field_validator("password")
    @classmethod
    def _policy(cls, v: str) -> str:
        return check_password(v)
