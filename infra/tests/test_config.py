"""The operator's settings become the app's environment, and unsafe values are refused."""

from __future__ import annotations

import pytest

from vigil_infra.config import DeployConfig


def test_context_becomes_the_app_environment() -> None:
    cfg = DeployConfig.from_context(
        {
            "mail_from": "Vigil <alerts@mail.example.com>",
            "cors_origins": "https://a.example, https://b.example",
            "vendor_support": {"email": "help@example.com"},
            "extra_environment": {"VIGIL_SELLER_NAME": "ACME GmbH"},
            "alarm_email": "ops@example.com",
        }
    )
    env = cfg.environment()
    assert env["VIGIL_STAGE"] == "prod" and env["VIGIL_PREFIX"] == "vigil-prod"
    assert env["VIGIL_MAIL_FROM"] == "Vigil <alerts@mail.example.com>"
    assert env["VIGIL_VENDOR_SUPPORT_EMAIL"] == "help@example.com"
    assert env["VIGIL_SELLER_NAME"] == "ACME GmbH"
    assert cfg.mail_domain == "mail.example.com"
    # the agent the stack deploys into the console bucket, and the checksum the API shows for it
    from chalicelib.hosts import agent_package

    assert env["VIGIL_AGENT_DOWNLOAD_URL"] == f"{cfg.console_url.rstrip('/')}/downloads/vigil-agent.pyz"
    assert env["VIGIL_AGENT_SHA256"] == agent_package.sha256(agent_package.build())


def test_context_given_as_json_text_on_the_command_line() -> None:
    assert DeployConfig.from_context('{"alarm_email": "ops@example.com"}').alarm_email == "ops@example.com"


@pytest.mark.parametrize(
    "bad",
    [
        {"cors_origins": "*"},
        {"cors_origins": ""},
        {"mail_from": "nobody"},
        {"mail_form": "typo@example.com"},
        {"alarm_email": ""},
        {"worker_max_concurrency": 1},
    ],
)
def test_unsafe_or_unknown_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DeployConfig.from_context({"alarm_email": "ops@example.com", **bad})
