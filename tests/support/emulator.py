"""One emulated AWS account per test process (per xdist worker), put back between tests.

Creating the account (moto + ``bootstrap()``: tables, buckets, SES identities, the user pool) for
every test cost more than most tests themselves. Now it is created once per process and, before
each test, put back into the state ``bootstrap()`` left it in:

- DynamoDB: every item of every table deleted (a Scan: test code); tables a test dropped are
  created again, tables a test created are dropped
- S3: every object version, delete marker and unfinished upload removed; foreign buckets dropped
- Cognito: every user of the pool deleted (the pool, its client and its signing key stay), other
  pools dropped; moto's token and challenge-session maps cleared
- SES and SQS: their moto backends reset (no mail captured, no queues: the app creates the
  check queue on first use in local mode), then the sender identities verified again
- our own process state: the business clock and the JWKS cache (``chalicelib.aws`` keeps its
  clients: they are keyed by service, region and endpoint and hold no state between calls —
  legacy retry mode, no per-client event handlers — and creating them anew cost ~50 ms a test)

Anything else (a moto service neither bootstrap nor the reset knows, the pool or its client gone)
makes the next test get a rebuilt account: every moto backend wiped, new clients and
``bootstrap()`` again — the same as a ``fresh_aws`` test gets.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from chalicelib.local.bootstrap import Resources

#: moto services the app uses after bootstrap whose state the reset clears completely
RESET_BY_BACKEND = {"ses", "sesv2", "sqs"}


def reset_process_state() -> None:
    """Module-level state of the app that a new emulator used to hide."""
    from chalicelib import clock
    from chalicelib.auth import tokens
    from chalicelib.statuspages import public

    clock.set_now(None)
    tokens.JWKS.clear()
    public.clear_cache()


def _backend_dicts() -> list[Any]:
    """moto's registry of the services in use (``BackendDict._instances``, class-level)."""
    from moto.core.base_backend import BackendDict

    return list(vars(BackendDict)["_instances"])


def services_in_use() -> set[str]:
    return {backends.service_name for backends in _backend_dicts()}


class Emulator:
    """The per-process moto account; ``ready()`` before each test, ``fresh()`` for a new one."""

    def __init__(self) -> None:
        import moto

        self._mock = moto.mock_aws()
        self.resources: Resources | None = None
        self.services: set[str] = set()  # moto services the reset can put back
        self.used = False  # a test ran since the last reset
        self.stale = False  # the next test needs a rebuilt account

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop()

    def fresh(self) -> Resources:
        """Every moto backend wiped and ``bootstrap()`` run again (what each test used to get)."""
        from moto.core.base_backend import BackendDict

        from chalicelib import aws
        from chalicelib.local.bootstrap import bootstrap

        BackendDict.reset()
        aws.reset_clients()
        reset_process_state()
        self.resources = bootstrap()
        # what bootstrap touched (moto uses iam internally too) is cleaned or left as created
        self.services = services_in_use() | RESET_BY_BACKEND
        self.used = self.stale = False
        return self.resources

    def ready(self) -> Resources:
        """The account as ``bootstrap()`` left it, built if need be, cleaned if a test used it."""
        if self.resources is None or self.stale:
            resources = self.fresh()
        else:
            resources = self.resources
            reset_process_state()
            if self.used and not reset_account(resources, self.services):
                resources = self.fresh()
        os.environ["VIGIL_USER_POOL_ID"] = resources.user_pool_id
        os.environ["VIGIL_USER_POOL_CLIENT_ID"] = resources.user_pool_client_id
        self.used = True
        return resources


def reset_account(resources: Resources, services: set[str]) -> bool:
    """Put the account back to its bootstrapped state; False if it cannot be (rebuild it)."""
    if not services_in_use() <= services:
        return False
    if not _reset_pool(resources):
        return False
    _truncate_tables()
    _empty_buckets()
    _reset_backend("ses")
    _reset_backend("sqs")
    from chalicelib.local.bootstrap import verify_sender

    verify_sender()
    return True


def _reset_backend(service: str) -> None:
    from moto.core import DEFAULT_ACCOUNT_ID

    for backends in _backend_dicts():
        if backends.service_name == service and DEFAULT_ACCOUNT_ID in backends:
            backends[DEFAULT_ACCOUNT_ID].reset()


# --- DynamoDB -------------------------------------------------------------------------------

_KEYS: dict[str, list[str]] = {}  # table name → its key attribute names (fixed by the models)


def _truncate_tables() -> None:
    from chalicelib import aws
    from chalicelib.local.bootstrap import create_tables, import_models

    ddb = aws.client("dynamodb")
    models: list[Any] = import_models()
    expected = {model.Meta.table_name for model in models}
    present = set(ddb.list_tables()["TableNames"])
    for name in present - expected:
        ddb.delete_table(TableName=name)
    for name in present & expected:
        _truncate(ddb, name)
    if expected - present:
        create_tables()


def _truncate(ddb: Any, table: str) -> None:
    keys = _KEYS.get(table)
    if keys is None:
        schema = ddb.describe_table(TableName=table)["Table"]["KeySchema"]
        keys = _KEYS[table] = [k["AttributeName"] for k in schema]
    names = {f"#k{i}": key for i, key in enumerate(keys)}
    found: list[dict[str, Any]] = []
    for page in ddb.get_paginator("scan").paginate(
        TableName=table, ProjectionExpression=", ".join(names), ExpressionAttributeNames=names
    ):
        found.extend(page["Items"])
    for start in range(0, len(found), 25):
        request: dict[str, Any] = {
            table: [{"DeleteRequest": {"Key": key}} for key in found[start : start + 25]]
        }
        while request:
            request = ddb.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}


# --- S3 -------------------------------------------------------------------------------------


def _empty_buckets() -> None:
    from chalicelib import aws, settings
    from chalicelib.local.bootstrap import BUCKETS, create_buckets

    s3 = aws.client("s3")
    expected = {settings.bucket_name(short) for short in BUCKETS}
    present = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for name in present:
        _empty(s3, name)
        if name not in expected:
            s3.delete_bucket(Bucket=name)
    if expected - present:
        create_buckets()


def _empty(s3: Any, bucket: str) -> None:
    _drop_locked_versions(bucket)
    doomed: list[dict[str, str]] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            doomed.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
    for start in range(0, len(doomed), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed[start : start + 1000], "Quiet": True})
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])


def _drop_locked_versions(bucket: str) -> None:
    """Invoice objects are locked (COMPLIANCE, years ahead) and cannot be deleted through the API —
    as in AWS. Between tests the emulator drops them from moto's store directly."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    stored = s3_backends[DEFAULT_ACCOUNT_ID]["global"].buckets.get(bucket)
    if stored is not None and stored.object_lock_enabled:
        stored.keys.clear()


# --- Cognito --------------------------------------------------------------------------------


def _reset_pool(resources: Resources) -> bool:
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    from chalicelib import aws, settings

    idp = aws.client("cognito-idp")
    pools = {p["Id"] for p in idp.list_user_pools(MaxResults=60)["UserPools"]}
    if resources.user_pool_id not in pools:
        return False
    clients = idp.list_user_pool_clients(UserPoolId=resources.user_pool_id, MaxResults=60)["UserPoolClients"]
    if [c["ClientId"] for c in clients] != [resources.user_pool_client_id]:
        return False
    for other in pools - {resources.user_pool_id}:
        idp.delete_user_pool(UserPoolId=other)
    users: list[str] = []
    for page in idp.get_paginator("list_users").paginate(UserPoolId=resources.user_pool_id):
        users.extend(u["Username"] for u in page["Users"])
    for username in users:
        idp.admin_delete_user(UserPoolId=resources.user_pool_id, Username=username)
    for group in idp.list_groups(UserPoolId=resources.user_pool_id).get("Groups", []):
        idp.delete_group(UserPoolId=resources.user_pool_id, GroupName=group["GroupName"])
    # Tokens and challenge sessions of deleted users stay in moto's maps otherwise.
    backend = cognitoidp_backends[DEFAULT_ACCOUNT_ID][settings.region()]
    pool = backend.user_pools[resources.user_pool_id]
    pool.refresh_tokens.clear()
    pool.access_tokens.clear()
    pool.id_tokens.clear()
    backend.sessions.clear()
    return True


@contextlib.contextmanager
def atomic_dynamodb() -> Iterator[None]:
    """Make moto's DynamoDB writes atomic across threads, as DynamoDB's are per item.

    moto checks a write's condition and applies it in separate steps without a lock, so
    parallel conditional writes (the rate-limit counter under 30 parallel logins) can all pass
    a condition only one of them should. Tests that drive the app in parallel wrap it in this,
    so that they measure the app's logic, not the emulator's race.
    """
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    originals = {}
    for name in ("put_item", "update_item", "delete_item", "transact_write_items", "get_item"):
        original = getattr(DynamoDBBackend, name)
        originals[name] = original

        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(DynamoDBBackend, name, original)
