"""Upload, read and remove an org's logo.

S3 and DynamoDB share no transaction, so the order is: keep the previous object, write the
new one, then the audit entry in a transaction that also checks the org is still active. If
that fails (org deleted meanwhile, or DynamoDB unavailable) the previous object is put back —
the stored logo changes exactly when its audit entry exists.

``GET`` answers with a short-lived presigned S3 URL (JSON), not the bytes: browsers can put it
straight into an ``<img src>`` (which cannot send a bearer token), and binary downloads leave
through S3 as everywhere else in Vigil.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from chalicelib import aws, clock, db, errors, settings, storage
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action
from chalicelib.branding import messages
from chalicelib.branding.image import SIDE, LogoRejected, clean
from chalicelib.orgs.models import Org

BUCKET = "files"
URL_TTL_S = 5 * 60
_ERRORS = {
    400: errors.BadRequest,
    413: errors.PayloadTooLarge,
    415: errors.UnsupportedMediaType,
    422: errors.Unprocessable,
}


def _rejection(exc: LogoRejected, lang: str) -> errors.VigilError:
    detail = messages.text(exc.code, lang, **exc.params)
    err = _ERRORS[exc.status](detail)
    err.extra = {
        "errors": [{"field": "logo", "code": f"logo_{exc.code}", "message": detail}],
        "reason": exc.code,
    }
    return err


def wrong_content_type(content_type: str, lang: str) -> errors.VigilError:
    """The 415 for a logo sent as another type than PNG or JPEG."""
    return _rejection(LogoRejected("format", 415, found=content_type), lang)


def put(access: Access, data: bytes, lang: str) -> dict[str, Any]:
    access.require(Action.WRITE)
    try:
        logo = clean(data)
    except LogoRejected as exc:
        raise _rejection(exc, lang) from exc
    key = storage.logo_key(access.org_id)
    previous = storage.get(BUCKET, key)
    digest = hashlib.sha256(logo.png).hexdigest()
    entry = audit_log.entry(
        access,
        "logo.updated",
        key,
        {
            "sha256": digest,
            "bytes": len(logo.png),
            "source_format": logo.source_format,
            "source_size": f"{logo.source_size[0]}x{logo.source_size[1]}",
            "replaced": previous is not None,
        },
    )
    storage.put(BUCKET, key, logo.png, "image/png")
    _commit_or_restore(access, entry, key, previous)
    out: dict[str, Any] = {
        "content_type": "image/png",
        "width": SIDE,
        "height": SIDE,
        "bytes": len(logo.png),
        "sha256": digest,
        "downscaled": logo.downscaled,
    }
    if logo.downscaled:
        w, h = logo.source_size
        out["note"] = messages.text("downscaled", lang, width=w, height=h)
    return out


def _commit_or_restore(access: Access, entry: Any, key: str, previous: bytes | None) -> None:
    try:
        with db.transaction() as tx:
            tx.condition_check(Org, access.org.pk, access.org.sk, condition=Org.status == "active")
            tx.save(entry)
    except Exception as exc:
        if previous is None:
            storage.delete(BUCKET, key)
        else:
            storage.put(BUCKET, key, previous, "image/png")
        from pynamodb.exceptions import TransactWriteError

        if isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc):
            raise errors.NotFound(errors.M("not_found.org")) from exc
        raise


def _exists(key: str) -> dict[str, Any] | None:
    s3 = aws.client("s3")
    from botocore.exceptions import ClientError

    try:
        return s3.head_object(Bucket=settings.bucket_name(BUCKET), Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def get(access: Access, lang: str) -> dict[str, Any]:
    access.require(Action.READ)
    key = storage.logo_key(access.org_id)
    head = _exists(key)
    if head is None:
        raise errors.NotFound(messages.text("no_logo", lang))
    expires = clock.now() + timedelta(seconds=URL_TTL_S)
    return {
        "url": storage.presigned_get(BUCKET, key, expires_s=URL_TTL_S),
        "expires_at": clock.iso(expires),
        "content_type": "image/png",
        "width": SIDE,
        "height": SIDE,
        "bytes": int(head.get("ContentLength", 0)),
        "updated_at": clock.iso(head.get("LastModified")),
    }


def delete(access: Access, lang: str) -> None:
    access.require(Action.WRITE)
    key = storage.logo_key(access.org_id)
    previous = storage.get(BUCKET, key)
    if previous is None:
        raise errors.NotFound(messages.text("no_logo", lang))
    entry = audit_log.entry(access, "logo.deleted", key, {"sha256": hashlib.sha256(previous).hexdigest()})
    storage.delete(BUCKET, key)
    _commit_or_restore(access, entry, key, previous)
