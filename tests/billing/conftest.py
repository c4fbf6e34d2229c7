"""Fixtures of the billing tests: a partner with a DE address and a linked customer.

Every e-invoice a billing test produces — the Factur-X XML (also inside the PDF) and the pure
XRechnung XML — is checked against the official EN 16931 and XRechnung 3.0 rules when the test
ends (``every_einvoice_is_valid``); the session summary says how many documents that was.
"""

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


@pytest.fixture(autouse=True)
def every_einvoice_is_valid(aws: Any) -> Any:
    """After each billing test: every invoice XML in the bucket passes both official rule sets.

    Runs inside the test's emulated AWS (it depends on ``aws``, so its teardown comes first).
    Without the rules folder it does nothing; ``test_einvoice`` then skips and says why.
    """
    yield
    from tests.billing import einvoice

    if not einvoice.validators_present():
        return
    from chalicelib import aws as aws_clients
    from chalicelib import settings

    s3 = aws_clients.client("s3")
    bucket = settings.bucket_name("invoices")
    keys = [
        obj["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="invoices/")
        for obj in page.get("Contents", [])
        if obj["Key"].endswith(".xml")
    ]
    errors = {}
    for key in sorted(keys):
        failures = einvoice.official_failures(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        if any(failures.values()):
            errors[key] = failures
    assert not errors, f"e-invoices failing the official rules: {errors}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.billing import einvoice

    if any(einvoice.validated.values()):
        counts = ", ".join(
            f"{kind}: {einvoice.validated[kind]} validated, {einvoice.failed[kind]} with errors"
            for kind in einvoice.RULE_FILES
        )
        terminalreporter.write_line(f"e-invoice XML documents against the official rules — {counts}")


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
