"""Objects are written SSE-KMS with the key the stack names (VIGIL_S3_KMS_KEY_ID), as promised."""

from __future__ import annotations

import pytest

from chalicelib import aws, settings, storage


def test_with_a_configured_key_every_object_is_written_sse_kms_with_that_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = aws.client("kms").create_key(Description="vigil buckets")["KeyMetadata"]
    monkeypatch.setenv("VIGIL_S3_KMS_KEY_ID", key["Arn"])
    storage.put("invoices", storage.invoice_key("RE-2026-000001", "pdf"), b"%PDF-1.7 x", "application/pdf")
    storage.put("files", storage.logo_key("org1"), b"\x89PNG", "image/png")

    s3 = aws.client("s3")
    for bucket, object_key in (
        ("invoices", "invoices/2026/RE-2026-000001.pdf"),
        ("files", "orgs/org1/logo.png"),
    ):
        head = s3.head_object(Bucket=settings.bucket_name(bucket), Key=object_key)
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"] == key["Arn"]
    assert storage.get("invoices", "invoices/2026/RE-2026-000001.pdf") == b"%PDF-1.7 x"


def test_without_a_key_the_bucket_default_applies_and_no_aes256_is_forced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VIGIL_S3_KMS_KEY_ID", raising=False)
    storage.put("files", storage.logo_key("org2"), b"\x89PNG", "image/png")
    head = aws.client("s3").head_object(Bucket=settings.bucket_name("files"), Key="orgs/org2/logo.png")
    assert head.get("ServerSideEncryption") != "AES256"
    assert storage.get("files", "orgs/org2/logo.png") == b"\x89PNG"
