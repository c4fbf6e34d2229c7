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


def signup_min_seconds() -> float:
    """Least time an accepted ``POST /signup`` takes (``VIGIL_SIGNUP_MIN_MS``, default 600 ms):
    longer than the work for a new address, so a known one cannot be told by a faster answer."""
    return max(0, int(_env("VIGIL_SIGNUP_MIN_MS", "600"))) / 1000


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


def _list(name: str, default: str) -> list[str]:
    return [p.strip() for p in _env(name, default).split(",") if p.strip()]


def in_lambda() -> bool:
    """Running inside AWS Lambda (the runtime sets ``AWS_LAMBDA_FUNCTION_NAME``)."""
    return bool(_env("AWS_LAMBDA_FUNCTION_NAME"))


# --- monitoring checks -----------------------------------------------------------------------


def check_batch_size() -> int:
    """Endpoints per worker invocation (``VIGIL_CHECK_BATCH_SIZE``, at least 1)."""
    return max(1, int(_env("VIGIL_CHECK_BATCH_SIZE", "100")))


def dispatch_lookahead_s() -> int:
    """Seconds ahead the dispatcher queues slots (``VIGIL_DISPATCH_LOOKAHEAD_S``): a run at t
    queues the slots up to t + lookahead, each batch delayed (SQS ``DelaySeconds``) to its slot,
    so checks are spread over the minute instead of all starting at the tick. 60 in AWS; 0 in
    local mode, whose tests move a fake clock the emulator's queue delays do not follow."""
    default = "0" if is_local() else "60"
    return min(900, max(0, int(_env("VIGIL_DISPATCH_LOOKAHEAD_S", default))))


def dispatch_plan_cache_s() -> int:
    """How long a warm dispatcher shard function reuses an org's monitoring state
    (``VIGIL_DISPATCH_PLAN_CACHE_S``): 300 in AWS (64 shards would otherwise read every org's
    subscription 64 times a minute), 0 in local mode (tests change plans between ticks)."""
    return max(0, int(_env("VIGIL_DISPATCH_PLAN_CACHE_S", "0" if is_local() else "300")))


def dispatch_shard_function() -> str | None:
    """Lambda function of one dispatcher shard (``VIGIL_DISPATCH_SHARD_FUNCTION``, set by the
    stack): the scheduled run invokes it asynchronously once per shard. Unset (local mode, tests):
    the shards run in the scheduler's process, one after the other."""
    return _env("VIGIL_DISPATCH_SHARD_FUNCTION") or None


def check_ca_file() -> str | None:
    """Extra trusted CA bundle (local demo and tests use a local CA); unset in AWS."""
    return _env("VIGIL_CHECK_CA_FILE") or None


def check_connect_parallel() -> int:
    """Connection attempts of a worker in flight at once."""
    return int(_env("VIGIL_CHECK_CONNECT_PARALLEL", "100"))


def check_timeout_s(default: float) -> float:
    """Budget of one check; ``VIGIL_CHECK_TIMEOUT_S`` lets tests keep "timeout" cases short."""
    return float(_env("VIGIL_CHECK_TIMEOUT_S", str(default)))


def check_user_agent(default: str) -> str:
    return _env("VIGIL_CHECK_USER_AGENT", default)


# --- the public monitoring-ips data sheet ----------------------------------------------------


def monitoring_ipv4(default: str) -> list[str]:
    return _list("VIGIL_MONITORING_IPV4", default)


def monitoring_ipv6(default: str) -> list[str]:
    return _list("VIGIL_MONITORING_IPV6", default)


def monitoring_ports(default: str) -> list[str]:
    return _list("VIGIL_MONITORING_PORTS", default)


def service_name() -> str:
    return _env("VIGIL_SERVICE_NAME", "Vigil")


def agent_api_host() -> str:
    return _env("VIGIL_AGENT_API_HOST", "api.vigil.example")


# --- rate limits, seller, host agents --------------------------------------------------------


def rate_limit(scope: str, default: str) -> str:
    """``<count>/<seconds>`` of a rate-limit scope (``VIGIL_RATE_<SCOPE>``)."""
    return _env(f"VIGIL_RATE_{scope.upper()}", default)


def seller_field(name: str, default: str) -> str:
    """One field of the invoice issuer (``VIGIL_SELLER_<NAME>``)."""
    return _env(f"VIGIL_SELLER_{name}", default)


def agent_token_key() -> str:
    """Key of the agent tokens' keyed hash; empty when unset (allowed in local mode only)."""
    return _env("VIGIL_AGENT_TOKEN_KEY")


_LOCAL_CURSOR_KEY = "vigil-local-cursor-key-not-for-production"


def cursor_key() -> bytes:
    """HMAC key of the list cursors (``db.encode_cursor``), from ``VIGIL_CURSOR_KEY``: a
    Secrets Manager secret in AWS (infra), a fixed development key in local mode only."""
    key = _env("VIGIL_CURSOR_KEY")
    if not key:
        if not is_local():
            raise RuntimeError("VIGIL_CURSOR_KEY must be set outside local mode")
        key = _LOCAL_CURSOR_KEY
    return key.encode()


def auth_key() -> bytes:
    """Key that seals the MFA login challenge and the stored TOTP secrets (``auth/crypto.py``):
    ``VIGIL_AUTH_KEY`` if set, otherwise derived from the cursor key with its own label (one
    generated secret in AWS, separate keys per purpose)."""
    import hashlib
    import hmac

    key = _env("VIGIL_AUTH_KEY")
    if key:
        return key.encode()
    return hmac.new(cursor_key(), b"vigil-auth-seal-v1", hashlib.sha256).digest()


def api_url() -> str:
    """Public base URL of the API as configured (``VIGIL_API_URL``); empty when unset."""
    return _env("VIGIL_API_URL")


def agent_download_url() -> str:
    """Where hosts download the agent; empty when unset (then the console's origin serves it:
    ``<VIGIL_CONSOLE_URL>downloads/vigil-agent.pyz``, locally and behind CloudFront)."""
    return _env("VIGIL_AGENT_DOWNLOAD_URL")


def agent_sha256() -> str:
    """SHA-256 (hex) of the agent file deployed with the stack; empty: build it from ``agent/``."""
    return _env("VIGIL_AGENT_SHA256")


def s3_kms_key_id() -> str | None:
    """KMS key (id, ARN or alias ARN) objects are written with; unset: the bucket's default encryption."""
    return _env("VIGIL_S3_KMS_KEY_ID") or None


def origin_secret() -> str | None:
    """The value CloudFront sends in `x-vigil-origin-secret` (a Secrets Manager secret in AWS).

    Only a request carrying it may name the client's address in `x-vigil-client-ip`; unset (local
    mode, direct calls) the address API Gateway saw is used.
    """
    return _env("VIGIL_ORIGIN_SECRET") or None
