"""What the app stored, read straight from the emulator (not through the API under test)."""

from __future__ import annotations

from typing import Any


def audit_actions(org_id: str) -> list[str]:
    """What the log holds, read from the table (newest first), not through the API."""
    from chalicelib.audit.models import AuditEntry

    return [e.action for e in AuditEntry.query(f"AUDIT#{org_id}", scan_index_forward=False)]


def items_of(org_id: str) -> list[dict[str, Any]]:
    """Every item in every table that belongs to ``org_id`` (a test may Scan; the app never)."""
    from chalicelib import aws

    ddb = aws.client("dynamodb")
    found = []
    for table in ddb.list_tables()["TableNames"]:
        for page in ddb.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                pk = item.get("pk", {}).get("S", "")
                owner = item.get("org_id", {}).get("S", "")
                if org_id in pk or owner == org_id:
                    found.append(item)
    return found


def objects_of(org_id: str, bucket: str = "files") -> list[str]:
    """Keys of the objects stored under the org's prefix in ``bucket``."""
    from chalicelib import aws, settings, storage

    listed = aws.client("s3").list_objects_v2(
        Bucket=settings.bucket_name(bucket), Prefix=storage.org_prefix(org_id)
    )
    return [o["Key"] for o in listed.get("Contents", [])]


def object_behind(url: str) -> bytes:
    """The S3 object a presigned URL points to (in-process moto intercepts botocore only)."""
    from urllib.parse import unquote, urlparse

    from chalicelib import aws, settings

    parsed = urlparse(url)
    bucket = (parsed.hostname or "").split(".")[0]
    assert bucket == settings.bucket_name("files")
    body = aws.client("s3").get_object(Bucket=bucket, Key=unquote(parsed.path.lstrip("/")))["Body"]
    return bytes(body.read())
