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
from zoneinfo import ZoneInfo

from chalicelib import countries, errors
from chalicelib.billing import plans

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return str(cents(value))


# --- calendar -------------------------------------------------------------------------------
#
# Business dates are dates in Europe/Berlin (the seller's place, § 14 UStG invoice date): an
# order at 00:30 local time on 1 Nov is a November order although it is 31 Oct in UTC. Period
# boundaries are stored as the UTC instants of Berlin midnights; their dates are Berlin dates.

BUSINESS_TZ = ZoneInfo("Europe/Berlin")


def business_date(value: datetime) -> date:
    """The Berlin calendar date of an instant (naive = UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BUSINESS_TZ).date()


def midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in Berlin."""
    return datetime(day.year, day.month, day.day, tzinfo=BUSINESS_TZ).astimezone(UTC)


def day_start(value: datetime) -> datetime:
    """Start (Berlin midnight, as UTC) of the business day ``value`` falls on."""
    return midnight(business_date(value))


def next_month_start(value: datetime) -> datetime:
    day = business_date(value)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return midnight(date(year, month, 1))


def days_in_month(value: datetime) -> int:
    day = business_date(value)
    return calendar.monthrange(day.year, day.month)[1]


def year_end_exclusive(start: date) -> date:
    """The day after a one-year period beginning on ``start`` (§§ 187 Abs. 2, 188 BGB).

    The period ends with the day before the anniversary; without that day in the last month
    (a year from 29 Feb) it ends with the month's last day (§ 188 Abs. 3 BGB): 29 Feb 2028 →
    last day 28 Feb 2029, next period from 1 Mar 2029.
    """
    year = start.year + 1
    if start.day <= calendar.monthrange(year, start.month)[1]:
        return start.replace(year=year)
    return date(year, start.month, 1) + timedelta(days=calendar.monthrange(year, start.month)[1])


def period_for(interval: str, start: datetime) -> tuple[datetime, datetime]:
    """The billing period an order or renewal starting on ``start`` covers (end exclusive).

    Monthly plans are billed by calendar month (a mid-month start runs to the 1st);
    yearly plans for one year from the start day (renewed on the anniversary, § 188 BGB).
    """
    first = business_date(start)
    if interval == "year":
        return midnight(first), midnight(year_end_exclusive(first))
    return midnight(first), next_month_start(start)


def days_between(start: datetime, end: datetime) -> int:
    """Whole business days from the day of ``start`` to the day of ``end``."""
    return (business_date(end) - business_date(start)).days


def last_day(period_end: datetime) -> date:
    """Inclusive last day of service for a period whose end is exclusive."""
    return business_date(period_end) - timedelta(days=1)


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
    days = days_between(from_day, period_end)
    total = days_between(period_start, period_end) if interval == "year" else days_in_month(period_start)
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
    offsets: str | None = None  # credit: number of the invoice whose unused days it offsets

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
            **({"offsets_invoice": self.offsets} if self.kind == "credit" else {}),
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
        business_date(from_day),
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
    offsets: str | None = None,
) -> Line:
    """Unused days of the old plan, returned as a negative line referencing ``offsets``, the
    invoice that billed them ("Verrechnung", not "Gutschrift": that is self-billing in VAT law)."""
    price = prorated_list_price(plan_id, interval, period_start, period_end, from_day)
    return Line(
        org_id,
        org_name,
        plan_id,
        interval,
        business_date(from_day),
        last_day(period_end),
        -price,
        discount_percent,
        kind="credit",
        offsets=offsets,
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


@dataclass(frozen=True)
class BuyerProblem:
    """Why the paying org's profile does not allow a correct invoice (first = most basic)."""

    code: str  # address_country_missing | vat_id_missing | address_incomplete | billing_email_missing
    fields: tuple[str, ...]
    detail: errors.M  # catalog text: rendered in the reader's language


def buyer_problem(
    address: dict[str, Any], vat_id: str | None, billing_email: str | None
) -> BuyerProblem | None:
    """The one rule set for orders (422) and every invoice of the billing run (held).

    Besides § 14 UStG (full address) and the VAT treatment, the e-invoice needs the buyer's
    post code and city (XRechnung BR-DE-8/9) and its electronic address (BT-49, the billing
    e-mail; PEPPOL-EN16931-R010).
    """
    country = address.get("country")
    if not country:
        return BuyerProblem(
            "address_country_missing", ("address.country",), errors.M("billing.address_country")
        )
    code = country.upper()
    if code != "DE" and code in countries.EU_MEMBER_STATES and not vat_id:
        return BuyerProblem(
            "vat_id_missing",
            ("vat_id",),
            errors.M("billing.vat_required", country=code),
        )
    missing = tuple(f"address.{f}" for f in ("postal_code", "city") if not address.get(f))
    if missing:
        return BuyerProblem("address_incomplete", missing, errors.M("billing.address_city"))
    if not billing_email:
        return BuyerProblem(
            "billing_email_missing",
            ("billing_email",),
            errors.M("billing.billing_email"),
        )
    return None


def require_orderable_buyer(address: dict[str, Any], vat_id: str | None, billing_email: str | None) -> None:
    """422 unless the paying org's profile allows a correct invoice (``buyer_problem``)."""
    problem = buyer_problem(address, vat_id, billing_email)
    if problem is None:
        return
    country = str(address.get("country") or "").upper()
    raise errors.Unprocessable(
        problem.detail,
        {
            f: errors.M("field.vat_required_for", country=country)
            if f == "vat_id"
            else errors.M("field.required_for_invoicing")
            for f in problem.fields
        },
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
