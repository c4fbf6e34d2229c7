"""S3 objects of the app: where each kind lives, upload, presigned download.

Binary downloads leave through short-lived presigned URLs, never through API Gateway.

| object | bucket | key |
|---|---|---|
| company logo (PNG, 150×150) | files | `orgs/<org>/logo.png` |
| PDF report | files | `orgs/<org>/reports/<report>.pdf` |
| invoice PDF / XML (legal original) | invoices | `invoices/<year>/<number>.pdf`, `.xml`, `.xrechnung.xml` |
| invoice export ZIP (temporary) | files | `orgs/<org>/exports/<export>.zip` |
| monitoring-IP data sheet (public) | files | `public/monitoring-ips/<lang>-<inputs hash>.pdf` |
"""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib import aws, settings

DOWNLOAD_TTL_S = 15 * 60
#: § 147 Abs. 3 AO, § 14b UStG: invoices are kept 8 years (from the end of the issue year)
INVOICE_RETENTION_YEARS = 8


def logo_key(org_id: str) -> str:
    return f"orgs/{org_id}/logo.png"


def report_key(org_id: str, report_id: str) -> str:
    return f"orgs/{org_id}/reports/{report_id}.pdf"


def data_sheet_key(language: str, inputs_hash: str) -> str:
    return f"public/monitoring-ips/{language}-{inputs_hash}.pdf"


def org_prefix(org_id: str) -> str:
    return f"orgs/{org_id}/"


def invoice_key(number: str, ext: str) -> str:
    year = number.split("-")[1] if number.count("-") >= 2 else "misc"
    return f"invoices/{year}/{number}.{ext}"


def export_key(org_id: str, export_id: str, ext: str = "zip") -> str:
    return f"orgs/{org_id}/exports/{export_id}.{ext}"


def put(bucket: str, key: str, body: bytes, content_type: str) -> None:
    """Store an object SSE-KMS with the buckets' key (the stack names it); else the bucket default."""
    aws.client("s3").put_object(
        Bucket=settings.bucket_name(bucket), Key=key, Body=body, ContentType=content_type, **_encryption()
    )


def _encryption() -> dict[str, str]:
    kms_key = settings.s3_kms_key_id()
    return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key} if kms_key else {}


def retain_until(year: int) -> datetime:
    """§ 147 Abs. 3/4 AO: invoices are kept 8 years from the end of the calendar year they were
    issued in — retained until 31 Dec of (year + 8), end of day UTC."""
    return datetime(year + INVOICE_RETENTION_YEARS, 12, 31, 23, 59, 59, tzinfo=UTC)


def put_once(bucket: str, key: str, body: bytes, content_type: str, retain_until_date: datetime) -> bool:
    """Write a legal record exactly once, locked (Object Lock, COMPLIANCE) until ``retain_until_date``.

    Conditional (``If-None-Match: *``): if the key exists — a re-render after a crash — nothing
    is written and False is returned, so the bucket never holds a second version of an invoice.
    """
    s3 = aws.client("s3")
    try:
        s3.put_object(
            Bucket=settings.bucket_name(bucket),
            Key=key,
            Body=body,
            ContentType=content_type,
            IfNoneMatch="*",
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=retain_until_date,
            **_encryption(),
        )
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
            return False
        raise
    return True


def exists(bucket: str, key: str) -> bool:
    s3 = aws.client("s3")
    try:
        s3.head_object(Bucket=settings.bucket_name(bucket), Key=key)
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def get(bucket: str, key: str) -> bytes | None:
    s3 = aws.client("s3")
    try:
        obj = s3.get_object(Bucket=settings.bucket_name(bucket), Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    return obj["Body"].read()


def delete(bucket: str, key: str) -> None:
    aws.client("s3").delete_object(Bucket=settings.bucket_name(bucket), Key=key)


def presigned_get(
    bucket: str,
    key: str,
    filename: str | None = None,
    expires_s: int = DOWNLOAD_TTL_S,
    inline_filename: str | None = None,
) -> str:
    """`filename`: downloaded as that file; `inline_filename`: shown in the browser under that name."""
    params = {"Bucket": settings.bucket_name(bucket), "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
    elif inline_filename:
        params["ResponseContentDisposition"] = f'inline; filename="{inline_filename}"'
    return aws.client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s)
