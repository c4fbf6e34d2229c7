"""Least privilege per function: each role allows exactly what its function calls.

The expected actions are written out here (not read from vigil_infra.access), so widening a
function's rights is a visible change to this file in review.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import resources

LOGS = {"logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"}  # + the async-failure DLQ
TABLES = {
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
}
MAIL = {"ses:SendRawEmail"}
ALL_TABLES = {"core", "billing", "reports", "hosts", "monitoring"}

#: function -> (allowed actions, tables, {bucket: object actions})
EXPECTED: dict[str, tuple[set[str], set[str], dict[str, set[str]]]] = {
    "APIHandler": (
        LOGS
        | TABLES
        | MAIL
        | {"s3:GetObject", "s3:PutObject", "s3:PutObjectRetention", "s3:DeleteObject", "s3:ListBucket"}
        | {
            "cognito-idp:AdminCreateUser",
            "cognito-idp:AdminSetUserPassword",
            "cognito-idp:AdminDeleteUser",
            "cognito-idp:AdminGetUser",
            "cognito-idp:AdminDisableUser",
            "cognito-idp:AdminEnableUser",
            "cognito-idp:AdminUpdateUserAttributes",
            "cognito-idp:AdminInitiateAuth",
            "cognito-idp:AdminRespondToAuthChallenge",
            "cognito-idp:AdminUserGlobalSignOut",
        },
        ALL_TABLES,
        {
            "files": {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
            "invoices": {"s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"},
        },
    ),
    "JwtAuth": (LOGS, set(), {}),
    # the cursor and one asynchronous invocation per shard (fan-out, issue #19 §2)
    "DispatchChecks": (LOGS | TABLES | {"lambda:InvokeFunction"}, {"monitoring"}, {}),
    "DispatchShard": (
        LOGS | TABLES | {"sqs:GetQueueUrl", "sqs:GetQueueAttributes"},
        {"monitoring", "billing"},
        {},
    ),
    "CheckWorker": (
        LOGS
        | TABLES
        | MAIL
        | {
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueAttributes",
        },
        {"monitoring", "core", "billing"},
        {},
    ),
    "MailOutbox": (LOGS | TABLES | MAIL, {"core"}, {}),
    "OrgPurge": (
        LOGS | TABLES | {"s3:DeleteObject", "s3:ListBucket", "cognito-idp:AdminDeleteUser"},
        ALL_TABLES,
        {"files": {"s3:DeleteObject"}},
    ),
    "SignupPurge": (LOGS | TABLES | {"cognito-idp:AdminDeleteUser"}, {"core"}, {}),
    "BillingRun": (
        LOGS | TABLES | MAIL | {"s3:GetObject", "s3:PutObject", "s3:PutObjectRetention", "s3:ListBucket"},
        {"billing", "core"},
        {"invoices": {"s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"}},
    ),
    "BillingTrials": (LOGS | TABLES | MAIL, {"billing", "core"}, {}),
    "HostsOffline": (LOGS | TABLES | MAIL, {"hosts", "core", "billing"}, {}),
    "ReportSchedules": (
        LOGS | TABLES | MAIL | {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"},
        {"core", "hosts", "monitoring", "reports"},
        {"files": {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}},
    ),
}


def _role(raw: dict[str, Any], fn: dict[str, Any]) -> dict[str, Any]:
    return dict(raw["Resources"][fn["Properties"]["Role"]["Fn::GetAtt"][0]])


def _statements(raw: dict[str, Any], logical: str) -> list[dict[str, Any]]:
    fn = resources(raw, "AWS::Serverless::Function")[logical]
    role = _role(raw, fn)
    assert "ManagedPolicyArns" not in role["Properties"], "no managed policies besides our own"
    return [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _table_logicals(raw: dict[str, Any]) -> dict[str, str]:
    return {
        v["Properties"]["TableName"].removeprefix("vigil-prod-"): k
        for k, v in resources(raw, "AWS::DynamoDB::Table").items()
    }


def _bucket_logicals(raw: dict[str, Any]) -> dict[str, str]:
    out = {}
    for k, v in resources(raw, "AWS::S3::Bucket").items():
        name = v["Properties"].get("BucketName")
        start = name["Fn::Join"][1][0] if isinstance(name, dict) else str(name)
        out[start.removeprefix("vigil-prod-").rstrip("-")] = k
    return out


def test_every_function_has_an_expectation(raw: dict[str, Any]) -> None:
    assert set(resources(raw, "AWS::Serverless::Function")) == set(EXPECTED)


@pytest.mark.parametrize("logical", sorted(EXPECTED))
def test_function_allows_exactly_what_it_calls(raw: dict[str, Any], logical: str) -> None:
    actions_expected, tables_expected, objects_expected = EXPECTED[logical]
    statements = _statements(raw, logical)
    assert all(s["Effect"] == "Allow" for s in statements)
    allowed = {a for s in statements for a in _as_list(s["Action"])}
    assert allowed == actions_expected, (
        f"{logical}: extra {allowed - actions_expected}, missing {actions_expected - allowed}"
    )

    tables = _table_logicals(raw)
    table_text = json.dumps([s["Resource"] for s in statements if s["Sid"] == "Tables"])
    granted = {short for short, lid in tables.items() if lid in table_text}
    assert granted == tables_expected, logical

    buckets = _bucket_logicals(raw)
    for short, lid in buckets.items():
        objects = [
            s
            for s in statements
            if any(a.startswith("s3:") and a != "s3:ListBucket" for a in _as_list(s["Action"]))
            and lid in json.dumps(s["Resource"])
        ]
        got = {a for s in objects for a in _as_list(s["Action"])}
        assert got == objects_expected.get(short, set()), f"{logical} on bucket {short}"


def test_the_check_worker_cannot_touch_users_objects_or_other_queues(raw: dict[str, Any]) -> None:
    """It fetches customer-controlled URLs: an SSRF or parser bug there must not reach accounts."""
    statements = _statements(raw, "CheckWorker")
    actions = {a for s in statements for a in _as_list(s["Action"])}
    assert not {a for a in actions if a.startswith(("cognito-idp:", "s3:", "kms:", "iam:"))}
    assert "sqs:SendMessage" in actions  # only to the async-failure DLQ:
    (send,) = [s for s in statements if "sqs:SendMessage" in _as_list(s["Action"])]
    assert "AsyncFailures" in json.dumps(send["Resource"])


def test_mail_only_from_the_configured_sender(raw: dict[str, Any]) -> None:
    for logical in EXPECTED:
        for s in _statements(raw, logical):
            if "ses:SendRawEmail" in _as_list(s["Action"]):
                assert s["Condition"] == {"StringEquals": {"ses:FromAddress": "no-reply@vigil.example"}}


def test_no_app_role_may_delete_or_unlock_an_invoice(raw: dict[str, Any]) -> None:
    bucket = _bucket_logicals(raw)["invoices"]
    (policy,) = [
        p
        for p in resources(raw, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    denies = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == "AppRolesNeverDelete"
    ]
    assert len(denies) == 1
    deny = denies[0]
    assert deny["Effect"] == "Deny"
    assert {"s3:DeleteObject*", "s3:PutObjectRetention"} <= set(_as_list(deny["Action"]))
    principals = json.dumps(deny["Principal"])
    for fn in resources(raw, "AWS::Serverless::Function").values():
        role_logical = fn["Properties"]["Role"]["Fn::GetAtt"][0]
        assert role_logical in principals, f"{role_logical} may delete invoices"


def test_the_dispatcher_invokes_only_its_shard_function(raw: dict[str, Any]) -> None:
    (invoke,) = [s for s in _statements(raw, "DispatchChecks") if s["Sid"] == "FanOutInvoke"]
    assert invoke["Action"] == "lambda:InvokeFunction"
    assert "function:vigil-prod-DispatchShard" in json.dumps(invoke["Resource"])
    assert not any(s["Sid"] == "FanOutInvoke" for s in _statements(raw, "DispatchShard"))
