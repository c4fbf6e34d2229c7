"""Fixtures of the billing tests: a partner with a DE address and a linked customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import PASSWORD, Api, make_org
from tests.support.world import DE_ADDRESS
from tests.support.world import new_customer as create_customer


@dataclass
class Partner:
    org_id: str
    token: str
    email: str


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def new_partner(
    api: Api,
    email: str = "partner@example.com",
    name: str = "SteineundUnkraut GmbH",
    address: dict[str, Any] | None = None,
    vat_id: str | None = None,
    billing_email: str | None = "rechnung@steine.example",
    language: str = "de",
) -> Partner:
    profile: dict[str, Any] = {"address": address or DE_ADDRESS}
    if vat_id:
        profile["vat_id"] = vat_id
    if billing_email:
        profile["billing_email"] = billing_email
    org_id = make_org(name, email, partner=True, language=language, **profile)
    return Partner(org_id, api.login(email, PASSWORD), email)


def new_customer(
    api: Api, partner: Partner, name: str = "Innendekoration Stein & Mehr", support_by: str = "partner"
) -> str:
    """A linked customer of ``partner`` (German)."""
    return create_customer(api, partner.token, name, support_by=support_by)


@pytest.fixture
def partner(api: Api) -> Partner:
    return new_partner(api)


def stored(number: str, ext: str) -> bytes | None:
    from chalicelib import storage

    return storage.get("invoices", storage.invoice_key(number, ext))


@pytest.fixture
def atomic_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give moto's in-process DynamoDB the per-request atomicity real DynamoDB has.

    moto applies a TransactWriteItems by deep-copying the table, writing item by item and, on a
    failed condition, restoring the copy — without a lock. Under threads, a restore can undo a
    concurrent committed write, and two transactions can both pass a condition. DynamoDB never
    does that, so thread tests serialise each backend call (not the app): every condition and
    retry in the app still decides the outcome, exactly as against DynamoDB.
    """
    import functools
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("put_item", "get_item", "query", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def locked(*args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return __original(*args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, functools.wraps(original)(locked))
