"""Reusable pydantic field types and validators for request bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from chalicelib import countries


class Strict(BaseModel):
    """Unknown fields are rejected; strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _lower_email(value: str) -> str:
    return value.lower()


def _country(value: str) -> str:
    code = value.upper()
    if not countries.is_country(code):
        raise ValueError("must be an ISO 3166-1 alpha-2 country code such as DE or AT")
    return code


def _vat_id(value: str) -> str:
    from stdnum.eu import vat

    compact = vat.compact(value)
    prefix = compact[:2]
    eu_prefixes = {countries.vat_prefix(c) for c in countries.EU_MEMBER_STATES}
    if prefix not in eu_prefixes:
        raise ValueError("must start with an EU country prefix such as DE, AT or FR")
    if not vat.is_valid(compact):
        raise ValueError(f"is not a valid VAT identification number for {prefix}")
    return compact


def _single_line(value: str) -> str:
    """Names end up in mail headers, PDF and XML: no control characters (line breaks, NUL …),
    no surrogates or non-characters, which those formats cannot carry."""
    import unicodedata

    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
            raise ValueError("must not contain control characters or line breaks")
    return value


Email = Annotated[EmailStr, Field(max_length=254), AfterValidator(_lower_email)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_single_line)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_single_line)
]
Country = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2), AfterValidator(_country)
]
VatId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=4, max_length=20), AfterValidator(_vat_id)
]


class AddressIn(Strict):
    street: ShortText | None = None
    postal_code: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=20), AfterValidator(_single_line)]
        | None
    ) = None
    city: ShortText | None = None
    country: Country | None = None
