"""Scheduled host work: offline detection every minute."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="hosts_offline")
def hosts_offline(event: Any) -> dict[str, int]:
    from chalicelib.hosts.offline import mark_offline

    return mark_offline()
