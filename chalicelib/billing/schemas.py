"""Request bodies of the billing routes."""

from __future__ import annotations

from typing import Literal

from chalicelib.validation import PurchaseOrder, Strict


class OrderIn(Strict):
    plan: Literal["basic", "professional", "enterprise"]
    interval: Literal["month", "year"] = "month"
    purchase_order: PurchaseOrder | None = None  # printed on the invoice (BT-13)
