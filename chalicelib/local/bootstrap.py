"""Create every AWS resource the app needs in the embedded emulator (or any empty account).

Used by ``make run``, by the tests and by the benchmarks, so that all three run the same setup.
Idempotent: existing resources are kept.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib import aws, settings

if TYPE_CHECKING:
    from pynamodb.models import Model

#: Modules whose import registers table-owning models in ``chalicelib.db.TABLE_MODELS``
#: (a domain that adds a table adds its models module here).
MODEL_MODULES = [
    "chalicelib.core_table",
    "chalicelib.billing.models",
    "chalicelib.reports.models",
    "chalicelib.hosts.models",
    "chalicelib.monitoring.models",
]
BUCKETS = ["files", "invoices"]
#: buckets created with S3 Object Lock (as in the stack): each invoice object is retained
LOCKED_BUCKETS = {"invoices"}


@dataclass
class Resources:
    user_pool_id: str
    user_pool_client_id: str


def import_models() -> list[type[Model]]:
    from chalicelib.db import TABLE_MODELS

    for name in MODEL_MODULES:
        importlib.import_module(name)
    return list(dict.fromkeys(TABLE_MODELS))


def create_tables() -> None:
    ddb = aws.client("dynamodb")
    existing = set(ddb.list_tables().get("TableNames", []))
    for model in import_models():
        name = model.Meta.table_name
        if name not in existing:
            model.create_table(wait=False, billing_mode="PAY_PER_REQUEST")
            ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
        ttl = getattr(model, "ttl_attribute", None)
        if ttl:
            ddb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
            )


def create_buckets() -> None:
    s3 = aws.client("s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for short in BUCKETS:
        name = settings.bucket_name(short)
        if name in existing:
            continue
        s3.create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": settings.region()},
            **({"ObjectLockEnabledForBucket": True} if short in LOCKED_BUCKETS else {}),
        )


def verify_sender() -> None:
    from email.utils import parseaddr

    address = parseaddr(settings.mail_sender())[1]
    aws.client("ses").verify_email_identity(EmailAddress=address)
    aws.client("ses").verify_domain_identity(Domain=address.split("@")[1])


def create_user_pool() -> Resources:
    idp = aws.client("cognito-idp")
    pool = idp.create_user_pool(
        PoolName=f"{settings.resource_prefix()}-users",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 10,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 7,
            }
        },
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="vigil-console",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],  # API only
        # like Cognito without ReadAttributes: the ID token carries email_verified, which the
        # app needs before it trusts the email claim (chalicelib.auth.tokens)
        ReadAttributes=["email", "email_verified"],
    )["UserPoolClient"]
    return Resources(user_pool_id=pool["Id"], user_pool_client_id=client["ClientId"])


def bootstrap() -> Resources:
    """Create everything and export the pool ids into the environment the app reads."""
    create_tables()
    create_buckets()
    verify_sender()
    resources = create_user_pool()
    os.environ["VIGIL_USER_POOL_ID"] = resources.user_pool_id
    os.environ["VIGIL_USER_POOL_CLIENT_ID"] = resources.user_pool_client_id
    return resources
