"""The public plan catalog (``GET /plans``), built from ``plans.json``."""

from __future__ import annotations

from typing import Any

from chalicelib.billing import plans, pricing


def public_catalog() -> dict[str, Any]:
    cat = plans.catalog()
    items = []
    for p in plans.plans().values():
        items.append(
            {
                "id": p.id,
                "name": p.name,
                "orderable": p.orderable,
                "price": {
                    "month": pricing.money(pricing.period_price(p.id, "month")),
                    "year": pricing.money(pricing.period_price(p.id, "year")),
                    "currency": cat["currency"],
                    "net": True,
                },
                "limits": {
                    "endpoints": p.endpoints,
                    "hosts": p.hosts,
                    "min_interval_minutes": p.min_interval_minutes,
                },
                "trial_days": cat["trial_days"] if p.id == "trial" else None,
            }
        )
    return {
        "version": cat["version"],
        "currency": cat["currency"],
        "yearly_months_charged": cat["yearly_months_charged"],
        "partner_discount_percent": dict(cat["partner_discount_percent"]),
        "items": items,
    }
