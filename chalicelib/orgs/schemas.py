"""Request bodies of the org routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from chalicelib.auth.schemas import check_password
from chalicelib.i18n import DEFAULT_TIME_ZONE
from chalicelib.validation import AddressIn, BuyerReference, Email, Name, Strict, TimeZone, VatId


class OrgCreate(Strict):
    name: Name
    address: AddressIn | None = None
    linked: bool = True
    support_by: Literal["partner", "vendor"] = "partner"
    language: Literal["de", "en"] = "de"
    time_zone: TimeZone = DEFAULT_TIME_ZONE
    billing_email: Email | None = None
    vat_id: VatId | None = None
    # default= by keyword: type checkers read a positional default of Field as a required field
    plan: Literal["trial"] = Field(default="trial", description="only the trial can be chosen at creation")
    partner_id: str | None = Field(default=None, max_length=64)


class OrgPatch(Strict):
    name: Name | None = None
    address: AddressIn | None = None
    billing_email: Email | None = None
    vat_id: VatId | None = None
    buyer_reference: BuyerReference | None = None
    language: Literal["de", "en"] | None = None
    time_zone: TimeZone | None = None
    support_by: Literal["partner", "vendor"] | None = None
    require_mfa: bool | None = Field(
        default=None, strict=True, description="members need two-factor authentication"
    )


class SignupOrg(Strict):
    name: Name
    address: AddressIn | None = None
    language: Literal["de", "en"] = "de"
    time_zone: TimeZone = DEFAULT_TIME_ZONE
    billing_email: Email | None = None
    vat_id: VatId | None = None


class SignupBody(Strict):
    email: Email
    password: str = Field(max_length=256)
    org: SignupOrg

    @field_validator("password")
    @classmethod
    def _policy(cls, v: str) -> str:
        return check_password(v)


class OrgDelete(Strict):
    """Optional body of ``DELETE /orgs/{id}``."""

    #: a linked customer with paid whole days left: end it and credit those days to the payer
    confirm_paid_subscription: bool = False


class SignupConfirmBody(Strict):
    email: Email
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$")]
