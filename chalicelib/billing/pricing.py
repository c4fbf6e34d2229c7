"""Money, periods and tax rules of invoices. Pure functions: no AWS, no clock.

All amounts are ``Decimal``; each line is rounded half-up to the cent once, totals are exact
sums of rounded lines, VAT is rounded once on the invoice net (EN 16931 BR-CO-14 style).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chalicelib import countries, errors
from chalicelib.billing import plans

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return str(cents(value))


# --- calendar -------------------------------------------------------------------------------


def day_start(value: datetime) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def next_month_start(value: datetime) -> datetime:
    year, month = (value.year + 1, 1) if value.month == 12 else (value.year, value.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def days_in_month(value: datetime) -> int:
    return calendar.monthrange(value.year, value.month)[1]


def add_months(value: datetime, months: int) -> datetime:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def period_for(interval: str, start: datetime) -> tuple[datetime, datetime]:
    """The billing period an order or renewal starting on ``start`` covers (end exclusive).

    Monthly plans are billed by calendar month (a mid-month start runs to the 1st);
    yearly plans for 12 months from the start (renewed on the anniversary).
    """
    start = day_start(start)
    if interval == "year":
        return start, add_months(start, 12)
    return start, next_month_start(start)


def last_day(period_end: datetime) -> date:
    """Inclusive last day of service for a period whose end is exclusive."""
    return (period_end - timedelta(days=1)).date()


# --- prices ---------------------------------------------------------------------------------


def period_price(plan_id: str, interval: str) -> Decimal:
    """List price of one full period: monthly price, or yearly = N × monthly (catalog)."""
    monthly = plans.plan(plan_id).price_month
    if interval == "year":
        return monthly * Decimal(plans.catalog()["yearly_months_charged"])
    return monthly


def prorated_list_price(
    plan_id: str, interval: str, period_start: datetime, period_end: datetime, from_day: datetime
) -> Decimal:
    """List price for the days from ``from_day`` to ``period_end``, rounded to the cent.

    Monthly: by days of the calendar month. Yearly: by days of the 12-month period.
    """
    days = (day_start(period_end) - day_start(from_day)).days
    if interval == "year":
        total = (day_start(period_end) - day_start(period_start)).days
    else:
        total = days_in_month(period_start)
    if days >= total:
        return cents(period_price(plan_id, interval))
    return cents(period_price(plan_id, interval) * Decimal(days) / Decimal(total))


@dataclass(frozen=True)
class Line:
    org_id: str
    org_name: str
    plan: str
    interval: str
    period_start: date
    period_end: date  # inclusive
    list_price: Decimal
    discount_percent: Decimal
    kind: str = "charge"  # charge | credit

    @property
    def discount(self) -> Decimal:
        return cents(self.list_price * self.discount_percent / HUNDRED)

    @property
    def net(self) -> Decimal:
        return self.list_price - self.discount

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "org_id": self.org_id,
            "org_name": self.org_name,
            "plan": self.plan,
            "interval": self.interval,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "list_price": money(self.list_price),
            "discount_percent": str(self.discount_percent),
            "discount": money(self.discount),
            "net": money(self.net),
        }


def charge(
    org_id: str,
    org_name: str,
    plan_id: str,
    interval: str,
    period_start: datetime,
    period_end: datetime,
    from_day: datetime,
    discount_percent: Decimal,
) -> Line:
    price = prorated_list_price(plan_id, interval, period_start, period_end, from_day)
    return Line(
        org_id,
        org_name,
        plan_id,
        interval,
        day_start(from_day).date(),
        last_day(period_end),
        price,
        discount_percent,
    )


def credit(
    org_id: str,
    org_name: str,
    plan_id: str,
    interval: str,
    period_start: datetime,
    period_end: datetime,
    from_day: datetime,
    discount_percent: Decimal,
) -> Line:
    """Unused days of the old plan, returned as a negative line."""
    price = prorated_list_price(plan_id, interval, period_start, period_end, from_day)
    return Line(
        org_id,
        org_name,
        plan_id,
        interval,
        day_start(from_day).date(),
        last_day(period_end),
        -price,
        discount_percent,
        kind="credit",
    )


# --- tax ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tax:
    category: str  # EN 16931 VAT category: S (standard), AE (reverse charge), O (not subject)
    rate: Decimal
    reverse_charge: bool = False
    exemption_code: str | None = None  # VATEX code for AE / O


GERMAN_VAT = Decimal("19")


def tax_for(country: str | None, vat_id: str | None) -> Tax:
    """§ 3a UStG: B2B services are taxed where the buyer sits.

    DE → 19 %. Other EU state with a VAT ID → reverse charge (0 %, § 13b UStG). Outside the
    EU → not taxable in Germany. An EU buyer without VAT ID is treated as a consumer (German
    VAT) — orders refuse that case up front (``require_orderable_buyer``).
    """
    code = (country or "DE").upper()
    if code == "DE":
        return Tax("S", GERMAN_VAT)
    if code in countries.EU_MEMBER_STATES:
        if vat_id:
            return Tax("AE", Decimal("0"), reverse_charge=True, exemption_code="VATEX-EU-AE")
        return Tax("S", GERMAN_VAT)
    return Tax("O", Decimal("0"), exemption_code="VATEX-EU-O")


def require_orderable_buyer(address: dict[str, Any], vat_id: str | None, billing_email: str | None) -> None:
    """422 unless the paying org's profile allows a correct invoice.

    Besides § 14 UStG (full address) and the VAT treatment, the e-invoice needs the buyer's
    post code and city (XRechnung BR-DE-8/9) and its electronic address (BT-49, the billing
    e-mail; PEPPOL-EN16931-R010).
    """
    country = address.get("country")
    if not country:
        raise errors.Unprocessable(
            errors.M("billing.address_country"),
            {"address.country": errors.M("field.required_for_invoicing")},
        )
    code = country.upper()
    if code != "DE" and code in countries.EU_MEMBER_STATES and not vat_id:
        raise errors.Unprocessable(
            errors.M("billing.vat_required", country=code),
            {"vat_id": errors.M("field.vat_required_for", country=code)},
        )
    missing = [f"address.{f}" for f in ("postal_code", "city") if not address.get(f)]
    if missing:
        raise errors.Unprocessable(
            errors.M("billing.address_city"),
            dict.fromkeys(missing, errors.M("field.required_for_invoicing")),
        )
    if not billing_email:
        raise errors.Unprocessable(
            errors.M("billing.billing_email"),
            {"billing_email": errors.M("field.required_for_invoicing")},
        )


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal


def totals(lines: list[Line], tax: Tax) -> Totals:
    net = sum((line.net for line in lines), Decimal("0.00"))
    vat = cents(net * tax.rate / HUNDRED)
    return Totals(net=net, vat=vat, gross=net + vat)
