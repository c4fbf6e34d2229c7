"""Scheduled billing work: the billing run with document delivery, and trial reminders/expiry."""

from __future__ import annotations

import time
from typing import Any

from chalice import Blueprint, Rate

bp = Blueprint(__name__)

#: Stop starting new work this long before Lambda's 15-minute limit.
BUDGET_S = 12 * 60


@bp.schedule(Rate(1, unit=Rate.HOURS), name="billing_run")
def billing_run(event: Any) -> dict[str, Any]:
    """Bill what is due (first run of the day), then render/mail invoices still pending."""
    from chalicelib.billing import invoices, run

    deadline = time.monotonic() + BUDGET_S
    result = run.run(deadline=deadline)
    result.update(invoices.deliver_pending(deadline))
    return result


@bp.schedule(Rate(1, unit=Rate.DAYS), name="billing_trials")
def billing_trials(event: Any) -> dict[str, int]:
    from chalicelib.billing import trials

    return trials.process()
