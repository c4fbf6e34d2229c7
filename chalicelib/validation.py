"""Reusable pydantic field types and validators for request bodies."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from chalicelib import countries, errors


def _requested_instant(value: datetime) -> datetime:
    from chalicelib import clock

    problem = clock.input_range_problem(value)
    if problem:
        raise errors.Invalid(problem)
    return value


def _planned_instant(value: datetime) -> datetime:
    from chalicelib import clock

    problem = clock.input_range_problem(value, clock.PLANNING_AHEAD)
    if problem:
        raise errors.Invalid(problem)
    return value


#: A date-time a request asks about (a report period): 2000-01-01 to a day from now.
RequestedInstant = Annotated[datetime, AfterValidator(_requested_instant)]
#: A date-time planned ahead (a maintenance window): 2000-01-01 to five years from now.
PlannedInstant = Annotated[datetime, AfterValidator(_planned_instant)]


class Strict(BaseModel):
    """Unknown fields are rejected; strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _lower_email(value: str) -> str:
    return value.lower()


def _country(value: str) -> str:
    code = value.upper()
    if not countries.is_country(code):
        raise errors.Invalid("country_invalid")
    return code


def _vat_id(value: str) -> str:
    from stdnum.eu import vat
    from stdnum.exceptions import ValidationError

    try:
        compact = vat.compact(value)
    except ValidationError:
        raise errors.Invalid("vat_prefix") from None
    prefix = compact[:2]
    eu_prefixes = {countries.vat_prefix(c) for c in countries.EU_MEMBER_STATES}
    if prefix not in eu_prefixes:
        raise errors.Invalid("vat_prefix")
    if not vat.is_valid(compact):
        raise errors.Invalid("vat_invalid", prefix=prefix)
    return compact


#: A Leitweg-ID: Grobadressierung (2–12 digits), optional Feinadressierung (up to 30 letters or
#: digits), two check digits — all separated by dashes
_LEITWEG_LIKE = re.compile(r"[0-9]+-[0-9A-Za-z-]*")


def _buyer_reference(value: str) -> str:
    """The buyer reference (BT-10) printed on invoices and sent as ``ram:BuyerReference``.

    German public buyers route e-invoices by their Leitweg-ID: anything shaped like one (digits,
    then a dash, then only letters, digits and dashes) is checked strictly — format, state code
    and the ISO 7064 MOD 97-10 check digits — so a mistyped ID is refused here rather than
    by the buyer's inbound platform. Anything else is the buyer's own free-text reference
    (1–100 printable characters).
    """
    _single_line(value)
    if not _LEITWEG_LIKE.fullmatch(value):
        return value
    from stdnum import exceptions
    from stdnum.de import leitweg

    try:
        return str(leitweg.validate(value))
    except exceptions.InvalidChecksum:
        raise errors.Invalid("leitweg_checksum") from None
    except exceptions.ValidationError:
        raise errors.Invalid("leitweg_invalid") from None


def _single_line(value: str) -> str:
    """Names end up in mail headers, PDF and XML: no control characters (line breaks, NUL …),
    no surrogates or non-characters, which those formats cannot carry."""
    import unicodedata

    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
            raise errors.Invalid("control_characters")
    return value


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}")


def _time_zone(value: str) -> str:
    """An IANA time zone name the zone database knows (``Europe/Berlin``, ``UTC``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not _ZONE_NAME.fullmatch(value) or value in ("localtime", "posixrules", "Factory"):
        raise errors.Invalid("time_zone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise errors.Invalid("time_zone") from None
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
BuyerReference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_buyer_reference),
]
#: The buyer's purchase order number (BT-13)
PurchaseOrder = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_single_line)
]
#: An org's time zone for everything people read (mails, console, reports); the API stays UTC.
TimeZone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(_time_zone)
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
