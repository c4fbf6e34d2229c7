"""Request bodies of the billing routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from chalicelib.validation import PurchaseOrder, Strict

#: A gross amount in EUR as the quote states it ("833.00")
Amount = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^-?\d{1,9}(\.\d{1,2})?$")]


class OrderIn(Strict):
    plan: Literal["basic", "professional", "enterprise"]
    interval: Literal["month", "year"] = "month"
    purchase_order: PurchaseOrder | None = None  # printed on the invoice (BT-13)
    #: the quote's gross the buyer confirmed; an order that would bill anything else is refused (409)
    expected_gross: Amount | None = None
