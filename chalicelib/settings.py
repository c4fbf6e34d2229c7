"""Typed settings, read from the environment each time they are asked for.

Chalice sets stage variables after importing ``app.py`` and tests change the environment
between cases, so nothing here is cached at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_REGION = "eu-central-1"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def stage() -> str:
    """`local` (embedded AWS, tests) or `prod` (a real AWS account)."""
    return _env("VIGIL_STAGE", "local")


def is_local() -> bool:
    return stage() == "local"


def region() -> str:
    return _env("AWS_REGION") or _env("AWS_DEFAULT_REGION") or DEFAULT_REGION


def aws_endpoint_url() -> str | None:
    """Set in local mode to the embedded AWS emulator; unset in AWS."""
    return _env("AWS_ENDPOINT_URL") or None


def resource_prefix() -> str:
    return _env("VIGIL_PREFIX", f"vigil-{stage()}")


def table_name(short: str) -> str:
    return f"{resource_prefix()}-{short}"


def bucket_name(short: str) -> str:
    """Buckets: `files` (logos, reports) and `invoices` (legal originals, 8 years)."""
    override = _env(f"VIGIL_BUCKET_{short.upper()}")
    return override or f"{resource_prefix()}-{short}"


def user_pool_id() -> str:
    return _env("VIGIL_USER_POOL_ID")


def user_pool_client_id() -> str:
    return _env("VIGIL_USER_POOL_CLIENT_ID")


def jwks_url() -> str:
    """Where the signing keys of the user pool are published.

    ``VIGIL_JWKS_URL`` may contain ``{pool_id}``; without it the emulator's URL is used in local
    mode and Cognito's in AWS.
    """
    pool = user_pool_id()
    template = _env("VIGIL_JWKS_URL")
    if template:
        return template.replace("{pool_id}", pool)
    endpoint = aws_endpoint_url()
    if endpoint:
        return f"{endpoint.rstrip('/')}/{pool}/.well-known/jwks.json"
    return f"{token_issuer()}/.well-known/jwks.json"


def token_issuer() -> str:
    # Cognito (and the emulator) always name the public Cognito host as issuer.
    return f"https://cognito-idp.{region()}.amazonaws.com/{user_pool_id()}"


def mail_sender() -> str:
    return _env("VIGIL_MAIL_FROM", "Vigil <no-reply@vigil.example>")


def console_url() -> str:
    """The login page named in invitation mails."""
    return _env("VIGIL_CONSOLE_URL", "http://127.0.0.1:8000/")


def cors_origins() -> list[str]:
    raw = _env("VIGIL_CORS_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")
    return [o.strip() for o in raw.split(",") if o.strip()]


@dataclass(frozen=True)
class SupportContact:
    name: str
    email: str
    phone: str
    hours: str
    url: str


def vendor_support() -> SupportContact:
    return SupportContact(
        name=_env("VIGIL_VENDOR_SUPPORT_NAME", "Vigil Support"),
        email=_env("VIGIL_VENDOR_SUPPORT_EMAIL", "support@vigil.example"),
        phone=_env("VIGIL_VENDOR_SUPPORT_PHONE", "+49 30 000000"),
        hours=_env("VIGIL_VENDOR_SUPPORT_HOURS", "Mo–Fr 9–17 Uhr"),
        url=_env("VIGIL_VENDOR_SUPPORT_URL", "https://vigil.example/support"),
    )


def trial_days() -> int:
    return int(_env("VIGIL_TRIAL_DAYS", "14"))


def cors_primary_origin() -> str:
    """The origin API Gateway's preflight answers with; others are reflected per request.

    A wildcard is refused outside local mode.
    """
    origins = cors_origins()
    if not origins:
        return "http://127.0.0.1:8000"
    if "*" in origins and not is_local():
        raise RuntimeError("VIGIL_CORS_ORIGINS must not contain '*' outside local mode")
    return origins[0]


def queue_name(short: str) -> str:
    """SQS queues: `check-batches` (endpoint check fan-out)."""
    return f"{resource_prefix()}-{short}"


def check_allow_cidrs() -> list[str]:
    """Extra ranges the SSRF guard lets through (local demo targets, tests); empty in AWS."""
    raw = _env("VIGIL_CHECK_ALLOW_CIDRS")
    return [c.strip() for c in raw.split(",") if c.strip()]


def s3_kms_key_id() -> str | None:
    """KMS key (id, ARN or alias ARN) objects are written with; unset: the bucket's default encryption."""
    return _env("VIGIL_S3_KMS_KEY_ID") or None


def origin_secret() -> str | None:
    """The value CloudFront sends in `x-vigil-origin-secret` (a Secrets Manager secret in AWS).

    Only a request carrying it may name the client's address in `x-vigil-client-ip`; unset (local
    mode, direct calls) the address API Gateway saw is used.
    """
    return _env("VIGIL_ORIGIN_SECRET") or None
