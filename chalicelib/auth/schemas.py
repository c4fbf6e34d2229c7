"""Request bodies of the auth routes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from chalicelib import errors


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_password(value: str) -> str:
    problems = []
    if len(value) < 10:
        problems.append(errors.M("password.length"))
    if not any(c.islower() for c in value):
        problems.append(errors.M("password.lower"))
    if not any(c.isupper() for c in value):
        problems.append(errors.M("password.upper"))
    if not any(c.isdigit() for c in value):
        problems.append(errors.M("password.digit"))
    if all(c.isalnum() for c in value):
        problems.append(errors.M("password.symbol"))
    if problems:
        raise errors.Invalid("password_policy", requirements=problems)
    return value


class LoginBody(Strict):
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=1, max_length=256)

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.lower()


class NewPasswordBody(Strict):
    email: EmailStr = Field(max_length=254)
    session: str = Field(min_length=20, max_length=4096)
    new_password: str = Field(max_length=256)

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.lower()

    @field_validator("new_password")
    @classmethod
    def _policy(cls, v: str) -> str:
        return check_password(v)


class RefreshBody(Strict):
    refresh_token: str = Field(min_length=1, max_length=8192)


class _EmailLower(Strict):
    email: EmailStr = Field(max_length=254)

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.lower()


class ForgotPasswordBody(_EmailLower):
    pass


class ResetPasswordBody(_EmailLower):
    code: str = Field(pattern=r"^[0-9]{8}$", description="the 8-digit code from the mail")
    new_password: str = Field(max_length=256)

    @field_validator("new_password")
    @classmethod
    def _policy(cls, v: str) -> str:
        return check_password(v)


class MfaCodeBody(Strict):
    code: str = Field(pattern=r"^[0-9]{6}$", description="the 6-digit code of the authenticator app")


class MfaLoginBody(MfaCodeBody):
    session: str = Field(min_length=20, max_length=8192)
