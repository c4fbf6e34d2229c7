"""Deployment settings: CDK context `vigil` (infra/cdk.json, `cdk deploy -c ...`) → app environment.

The app reads its configuration from environment variables (chalicelib/settings.py); this module
is the one place that turns the operator's settings into those variables. Values that only exist
once resources do (user pool id, bucket names) are added by the stack as CDK tokens.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

#: The Chalice stage and so the construct id of the stack (the construct names its stage after it).
STAGE = "prod"
#: Every table, bucket, queue and function name starts with this (settings.resource_prefix()).
PREFIX = "vigil-prod"
#: Queues the app sends to or consumes; consumers are found in the Chalice app, these are made
#: even before a consumer exists (settings.queue_name).
QUEUES = ["check-batches"]


@dataclass(frozen=True)
class DeployConfig:
    mail_from: str = "Vigil <no-reply@vigil.example>"
    console_url: str = "https://console.vigil.example/"
    cors_origins: str = "https://console.vigil.example"
    vendor_support: Mapping[str, str] = field(default_factory=dict)
    alarm_email: str = ""
    api_throttle_rate: int = 200
    api_throttle_burst: int = 400
    log_retention_days: int = 365
    #: DynamoDB/Cognito deletion protection. Off for the first deploy: CloudFormation cannot
    #: delete a protected table when that deploy rolls back; turn on once it has succeeded.
    deletion_protection: bool = False
    #: Most concurrent check workers (SQS event source MaximumConcurrency, >= 2): a burst of
    #: checks cannot take the whole account concurrency from the API.
    worker_max_concurrency: int = 5
    extra_environment: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_context(cls, raw: Mapping[str, Any] | None) -> DeployConfig:
        if isinstance(raw, str):  # `cdk ... -c vigil='{...}'` may hand over the JSON text
            raw = json.loads(raw)
        raw = dict(raw or {})
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ValueError(f"unknown keys in context 'vigil': {unknown}")
        cfg = cls(**known)
        origins = [o.strip() for o in cfg.cors_origins.split(",") if o.strip()]
        if not origins or "*" in origins:
            raise ValueError("vigil.cors_origins must name the console origin(s), no '*'")
        if "@" not in parseaddr(cfg.alarm_email)[1]:
            raise ValueError("vigil.alarm_email is required: alarms must reach someone")
        if cfg.worker_max_concurrency < 2:
            raise ValueError("vigil.worker_max_concurrency must be >= 2 (SQS event source minimum)")
        if "@" not in cfg.mail_address:
            raise ValueError("vigil.mail_from must contain an e-mail address")
        return cfg

    @property
    def mail_address(self) -> str:
        return parseaddr(self.mail_from)[1]

    @property
    def mail_domain(self) -> str:
        return self.mail_address.rpartition("@")[2]

    @property
    def api_url(self) -> str:
        """The API's public base URL: the console's domain, where CloudFront sends `/<stage>/*`
        to API Gateway (the stage from .chalice/config.json). Mails link to it (confirmation
        links of external recipients) and the agent's install command names it."""
        from pathlib import Path

        chalice_config = Path(__file__).resolve().parents[2] / ".chalice" / "config.json"
        stages = json.loads(chalice_config.read_text(encoding="utf-8"))["stages"]
        return f"{self.console_url.rstrip('/')}/{stages[STAGE]['api_gateway_stage']}"

    def environment(self) -> dict[str, str]:
        """Plain (token-free) variables for every function."""
        env = {
            "VIGIL_STAGE": STAGE,
            "VIGIL_PREFIX": PREFIX,
            "VIGIL_MAIL_FROM": self.mail_from,
            "VIGIL_CONSOLE_URL": self.console_url,
            "VIGIL_API_URL": self.api_url,
            "VIGIL_CORS_ORIGINS": self.cors_origins,
            # the agent file the stack deploys into the console bucket (stack._console)
            "VIGIL_AGENT_DOWNLOAD_URL": f"{self.console_url.rstrip('/')}/downloads/vigil-agent.pyz",
            "VIGIL_AGENT_SHA256": _agent_sha256(),
        }
        for key, value in self.vendor_support.items():
            env[f"VIGIL_VENDOR_SUPPORT_{key.upper()}"] = str(value)
        env.update({k: str(v) for k, v in self.extra_environment.items()})
        return env


def _agent_sha256() -> str:
    from chalicelib.hosts import agent_package

    return agent_package.sha256(agent_package.build())


def apply_to_process(cfg: DeployConfig) -> None:
    """Make this process look like the prod stage before app code is imported.

    Model classes fix their table names at import (VIGIL_PREFIX), and `chalice package` imports
    app.py here, where the CORS preflight origin is read (VIGIL_CORS_ORIGINS, VIGIL_STAGE).
    """
    os.environ.update(cfg.environment())
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
    # Packaging must never reach for the local emulator.
    os.environ.pop("AWS_ENDPOINT_URL", None)
