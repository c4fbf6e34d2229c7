"""Scheduled delivery of parked mail."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="mail_outbox")
def mail_outbox(event: Any) -> dict[str, int]:
    from chalicelib.mail.service import retry_outbox

    return retry_outbox()
