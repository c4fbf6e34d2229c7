"""The vendor as it appears on invoices (§14 UStG seller data), from the environment.

Defaults are demo values so that ``make run`` and the tests produce complete invoices; a real
deployment sets every ``VIGIL_SELLER_*`` variable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Seller:
    name: str
    street: str
    postal_code: str
    city: str
    country: str
    vat_id: str
    tax_number: str
    iban: str
    bic: str
    email: str
    register_id: str  # commercial register (BT-30), identifies the seller without VAT ID
    contact: str  # seller contact point (BT-41), XRechnung BR-DE-5
    phone: str  # seller contact telephone (BT-42), XRechnung BR-DE-6
    managing_directors: str  # Geschäftsführer (§ 35a GmbHG: on every business letter)
    seat: str  # Sitz der Gesellschaft
    register_court: str  # Registergericht
    register_number: str  # HRB …
    bank_name: str
    logo: str  # path of a PNG letterhead logo; empty: the name set as a word mark

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _env(name: str, default: str) -> str:
    from chalicelib import settings

    return settings.seller_field(name, default)


def seller() -> Seller:
    """Read on every call: tests and stages change the environment."""
    return Seller(
        name=_env("NAME", "Vigil Monitoring GmbH"),
        street=_env("STREET", "Friedrichstraße 123"),
        postal_code=_env("POSTAL_CODE", "10117"),
        city=_env("CITY", "Berlin"),
        country=_env("COUNTRY", "DE"),
        vat_id=_env("VAT_ID", "DE136695976"),
        tax_number=_env("TAX_NUMBER", "30/123/45678"),
        iban=_env("IBAN", "DE02120300000000202051"),
        bic=_env("BIC", "BYLADEM1001"),
        email=_env("EMAIL", "billing@vigil.example"),
        register_id=_env("REGISTER_ID", "HRB 123456 B, Amtsgericht Charlottenburg"),
        contact=_env("CONTACT", "Buchhaltung"),
        phone=_env("PHONE", "+49 30 1234567"),
        managing_directors=_env("MANAGING_DIRECTORS", "Erika Mustermann, Max Mustermann"),
        seat=_env("SEAT", "Berlin"),
        register_court=_env("REGISTER_COURT", "Amtsgericht Charlottenburg"),
        register_number=_env("REGISTER_NUMBER", "HRB 123456 B"),
        bank_name=_env("BANK_NAME", "Commerzbank Berlin"),
        logo=_env("LOGO", ""),
    )
