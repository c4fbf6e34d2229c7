"""The seed's cast plus a customer admin, a customer guest and an independent org."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support import PASSWORD, World, make_org, seed_world


@dataclass
class Cast:
    world: World
    customer_admin: str
    customer_guest: str
    independent_id: str
    independent_admin: str

    @property
    def partner(self) -> str:
        return self.world.partner_token


@pytest.fixture
def cast(api) -> Cast:
    from chalicelib import admin

    w = seed_world(api)
    admin.add_user(w.customer_id, "chefin@stein-mehr.example", "admin", PASSWORD)
    admin.add_user(w.customer_id, "gast@stein-mehr.example", "guest", PASSWORD)
    independent = make_org("Unabhängig GmbH", "solo@example.com")
    return Cast(
        w,
        api.login("chefin@stein-mehr.example"),
        api.login("gast@stein-mehr.example"),
        independent,
        api.login("solo@example.com"),
    )


def audit_actions(org_id: str) -> list[str]:
    """What the log holds, read from the table (newest first), not through the API."""
    from chalicelib.audit.models import AuditEntry

    return [e.action for e in AuditEntry.query(f"AUDIT#{org_id}", scan_index_forward=False)]
