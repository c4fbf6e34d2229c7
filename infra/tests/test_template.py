"""Assertions on the synthesized prod template: every declared resource with its safeguards."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from tests.conftest import by_prop, resources
from vigil_infra import registry

TABLES = registry.tables("vigil-prod")
BUCKETS = registry.buckets()


def _bucket(raw: dict[str, Any], short: str) -> tuple[str, dict[str, Any]]:
    def name_start(res: dict[str, Any]) -> str:
        name = res["Properties"].get("BucketName")
        return str(name["Fn::Join"][1][0]) if isinstance(name, dict) else str(name)

    found = [
        (k, v)
        for k, v in resources(raw, "AWS::S3::Bucket").items()
        if name_start(v) == f"vigil-prod-{short}-"
    ]
    assert len(found) == 1, short
    return found[0]


def _functions(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources(raw, "AWS::Serverless::Function")


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for p in role["Properties"].get("Policies", []) for s in p["PolicyDocument"]["Statement"]]


def _role_of(raw: dict[str, Any], function: dict[str, Any]) -> dict[str, Any]:
    return dict(raw["Resources"][function["Properties"]["Role"]["Fn::GetAtt"][0]])


def test_registry_is_not_empty() -> None:
    assert {"core", "billing"} <= {t.short for t in TABLES}
    assert {"files", "invoices"} <= set(BUCKETS)


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.short)
def test_every_registered_table_is_safe(raw: dict[str, Any], spec: registry.TableSpec) -> None:
    _logical, table = by_prop(raw, "AWS::DynamoDB::Table", "TableName", spec.name)
    props = table["Properties"]
    # Deleted if the stack's first create rolls back (the retry would meet "already exists"),
    # kept on every later replacement and on stack deletion.
    assert table["DeletionPolicy"] == "RetainExceptOnCreate" and table["UpdateReplacePolicy"] == "Retain"
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is False  # infra/cdk.json: on after the first deploy
    keys = {k["KeyType"]: k["AttributeName"] for k in props["KeySchema"]}
    assert keys["HASH"] == spec.hash_key[0]
    assert keys.get("RANGE") == (spec.range_key[0] if spec.range_key else None)
    if spec.ttl_attribute:
        assert props["TimeToLiveSpecification"] == {"AttributeName": spec.ttl_attribute, "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in props
    gsis = {g["IndexName"]: g for g in props.get("GlobalSecondaryIndexes", [])}
    assert set(gsis) == {i.name for i in spec.indexes}
    for index in spec.indexes:
        gsi = gsis[index.name]
        assert gsi["Projection"]["ProjectionType"] == index.projection
        assert {k["KeyType"]: k["AttributeName"] for k in gsi["KeySchema"]}["HASH"] == index.hash_key[0]


@pytest.mark.parametrize("short", BUCKETS)
def test_every_bucket_is_private_encrypted_versioned_tls_only(raw: dict[str, Any], short: str) -> None:
    logical, bucket = _bucket(raw, short)
    props = bucket["Properties"]
    assert bucket["DeletionPolicy"] == "RetainExceptOnCreate" and bucket["UpdateReplacePolicy"] == "Retain"
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["LoggingConfiguration"]["LogFilePrefix"] == f"{short}/"
    policies = [
        p
        for p in resources(raw, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": logical}
    ]
    assert len(policies) == 1
    deny_plain = [
        s
        for s in policies[0]["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert deny_plain, "bucket must refuse requests without TLS"


def test_invoices_are_locked_for_eight_years(raw: dict[str, Any]) -> None:
    _, bucket = _bucket(raw, "invoices")
    assert bucket["Properties"]["ObjectLockEnabled"] is True
    assert bucket["Properties"]["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 8}},
    }
    _, files = _bucket(raw, "files")
    assert "ObjectLockConfiguration" not in files["Properties"]


def test_user_pool_matches_local_bootstrap(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "UserPoolName": "vigil-prod-users",
            "UsernameAttributes": ["email"],
            "AutoVerifiedAttributes": ["email"],
            "MfaConfiguration": "OPTIONAL",
            "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            # issue 14 §1: an e-mail change takes effect only after its verification
            "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
            "DeletionProtection": "INACTIVE",  # deletion_protection in infra/cdk.json
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": 10,
                    "RequireUppercase": True,
                    "RequireLowercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                    "TemporaryPasswordValidityDays": 7,
                }
            },
        },
    )
    template.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "ClientName": "vigil-console",
            "GenerateSecret": False,
            "ExplicitAuthFlows": Match.array_equals(
                ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
            ),
            "AllowedOAuthFlowsUserPoolClient": False,
            "PreventUserExistenceErrors": "ENABLED",
        },
    )


def test_no_app_client_can_run_password_auth_from_outside(raw: dict[str, Any]) -> None:
    """Password guesses go through the API's throttle only: no client of the pool allows a flow
    a browser could call Cognito's InitiateAuth with (USER_PASSWORD_AUTH, SRP, custom auth),
    and none has OAuth flows; the admin flow needs the Lambda's IAM role."""
    clients = [r for r in raw["Resources"].values() if r["Type"] == "AWS::Cognito::UserPoolClient"]
    assert clients
    public_password_flows = {
        "ALLOW_USER_PASSWORD_AUTH",
        "USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
        "CUSTOM_AUTH_FLOW_ONLY",
        "ALLOW_USER_AUTH",
    }
    for client in clients:
        props = client["Properties"]
        flows = set(props.get("ExplicitAuthFlows") or [])
        assert flows, "an empty list would mean Cognito's defaults, which include SRP"
        assert not flows & public_password_flows, flows
        assert "ALLOW_ADMIN_USER_PASSWORD_AUTH" in flows
        assert not props.get("AllowedOAuthFlows")


def test_mail_domain_is_a_dkim_signed_identity(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SES::EmailIdentity",
        {
            "EmailIdentity": "vigil.example",
            "DkimAttributes": Match.absent(),
        },
    )
    template.resource_count_is("AWS::SES::EmailIdentity", 1)


def test_check_batches_queue_has_a_dead_letter_queue(raw: dict[str, Any]) -> None:
    _logical, queue = by_prop(raw, "AWS::SQS::Queue", "QueueName", "vigil-prod-check-batches")
    dlq_logical, dlq = by_prop(raw, "AWS::SQS::Queue", "QueueName", "vigil-prod-check-batches-dlq")
    redrive = queue["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_logical, "Arn"]}
    assert redrive["maxReceiveCount"] == 5
    assert queue["Properties"]["VisibilityTimeout"] >= 6 * 30
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert dlq["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_every_function_is_named_logged_and_alarmed(raw: dict[str, Any]) -> None:
    functions = _functions(raw)
    assert {"APIHandler", "JwtAuth", "MailOutbox"} <= set(functions)
    alarms = resources(raw, "AWS::CloudWatch::Alarm").values()
    alarmed = {
        (a["Properties"]["MetricName"], d["Value"])
        for a in alarms
        for d in a["Properties"].get("Dimensions", [])
        if d["Name"] == "FunctionName"
    }
    log_groups = {
        json.dumps(g["Properties"]["LogGroupName"]).strip('"')
        for g in resources(raw, "AWS::Logs::LogGroup").values()
    }
    for logical, fn in functions.items():
        name = fn["Properties"]["FunctionName"]
        assert name == f"vigil-prod-{logical}"
        assert f"/aws/lambda/{name}" in log_groups
        assert ("Errors", name) in alarmed and ("Throttles", name) in alarmed
        assert fn["Properties"]["DeadLetterQueue"]["Type"] == "SQS"
        assert fn["Properties"]["Layers"], "dependencies come from the managed layer"
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"], "every alarm notifies the alarm topic"


def test_dead_letter_queues_are_alarmed(raw: dict[str, Any]) -> None:
    dlqs = {
        k
        for k, v in resources(raw, "AWS::SQS::Queue").items()
        if v["Properties"]["QueueName"].endswith(("-dlq", "-async-failures"))
    }
    assert len(dlqs) >= 2
    watched = {
        d["Value"]["Fn::GetAtt"][0]
        for a in resources(raw, "AWS::CloudWatch::Alarm").values()
        for d in a["Properties"].get("Dimensions", [])
        if d["Name"] == "QueueName"
    }
    assert dlqs <= watched


def test_functions_get_the_prod_environment(raw: dict[str, Any]) -> None:
    for fn in _functions(raw).values():
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["VIGIL_STAGE"] == "prod" and env["VIGIL_PREFIX"] == "vigil-prod"
        assert "Ref" in env["VIGIL_USER_POOL_ID"]
        assert "Ref" in env["VIGIL_USER_POOL_CLIENT_ID"]
        assert env["VIGIL_MAIL_FROM"] == "Vigil <no-reply@vigil.example>"
        assert env["VIGIL_CORS_ORIGINS"] == "https://console.vigil.example"
        assert env["VIGIL_CONSOLE_URL"].startswith("https://")
        # recipient confirmation links and the agent install command name the API through CloudFront
        assert env["VIGIL_API_URL"] == "https://console.vigil.example/v1"
        assert env["VIGIL_VENDOR_SUPPORT_EMAIL"] == "support@vigil.example"
        for short in BUCKETS:
            assert "Ref" in env[f"VIGIL_BUCKET_{short.upper()}"]


def test_schedules_come_from_the_chalice_app(raw: dict[str, Any]) -> None:
    events = _functions(raw)["MailOutbox"]["Properties"]["Events"]
    assert [e["Properties"]["Schedule"] for e in events.values()] == ["rate(1 minute)"]


def test_roles_name_real_resources_not_wildcards(raw: dict[str, Any]) -> None:
    functions = _functions(raw)
    for logical, fn in functions.items():
        statements = _statements(_role_of(raw, fn))
        assert statements, logical
        for statement in statements:
            res = statement["Resource"]
            for r in res if isinstance(res, list) else [res]:
                assert r != "*", f"{logical}: {statement['Sid']} on '*'"
                assert "vigil-prod-*" not in json.dumps(r), (
                    f"{logical}: {statement['Sid']} on a wildcard name"
                )
    api_sids = {s["Sid"] for s in _statements(_role_of(raw, functions["APIHandler"]))}
    assert {"Logs", "Tables", "ObjectsFiles", "ObjectsInvoices", "Mail", "Users"} <= api_sids
    # The authorizer checks tokens against the public JWKS: logs and nothing else of ours.
    auth_sids = {s["Sid"] for s in _statements(_role_of(raw, functions["JwtAuth"]))}
    assert auth_sids == {"Logs", "AsyncFailures"}


def test_table_statement_covers_every_table_and_its_indexes(raw: dict[str, Any]) -> None:
    role = _role_of(raw, _functions(raw)["APIHandler"])
    tables = next(s for s in _statements(role) if s["Sid"] == "Tables")
    text = json.dumps(tables["Resource"])
    for spec in TABLES:
        logical, _ = by_prop(raw, "AWS::DynamoDB::Table", "TableName", spec.name)
        assert text.count(logical) == 2, f"{spec.name}: table and /index/*"


def test_gateway_rejections_are_problem_json(raw: dict[str, Any]) -> None:
    api = resources(raw, "AWS::Serverless::Api")
    assert len(api) == 1
    props = next(iter(api.values()))["Properties"]
    responses = props["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    for kind, status in (("UNAUTHORIZED", "401"), ("ACCESS_DENIED", "403")):
        response = responses[kind]
        assert response["statusCode"] == status
        params = response["responseParameters"]
        assert params["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
        assert (
            params["gatewayresponse.header.Access-Control-Allow-Origin"] == "'https://console.vigil.example'"
        )
        body = json.loads(response["responseTemplates"]["application/json"])
        assert body["status"] == int(status) and body["title"]
    assert props["AccessLogSetting"]["DestinationArn"]
    assert props["MethodSettings"][0]["ThrottlingRateLimit"] > 0


def test_cors_preflight_names_the_console_origin(raw: dict[str, Any]) -> None:
    """`chalice package` bakes the preflight origin in at synth time (settings.cors_primary_origin)."""
    text = json.dumps(next(iter(resources(raw, "AWS::Serverless::Api").values())))
    assert "https://console.vigil.example" in text
    assert "127.0.0.1" not in text


def test_every_checkov_suppression_gives_a_reason(raw: dict[str, Any]) -> None:
    skips = [
        (k, s)
        for k, v in raw["Resources"].items()
        for s in v.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips
    for logical, skip in skips:
        assert skip["id"].startswith(("CKV_", "CKV2_")), logical
        assert len(skip.get("comment", "")) >= 40, f"{logical}: {skip['id']} needs a written reason"


def test_api_server_errors_are_alarmed(template: Template) -> None:
    # guard_views turns app errors into 5xx answers, which Lambda does not count as errors.
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/ApiGateway",
            "MetricName": "5XXError",
            "Dimensions": Match.array_with(
                [{"Name": "ApiName", "Value": "vigil"}, {"Name": "Stage", "Value": "v1"}]
            ),
            "AlarmActions": Match.any_value(),
        },
    )


def test_api_is_regional_with_only_its_own_stage(raw: dict[str, Any]) -> None:
    """REGIONAL behind our distribution (EDGE would add Amazon's own CloudFront in front, whose
    address the app would see); an OpenApiVersion keeps SAM from adding the stage `Stage`."""
    (api,) = resources(raw, "AWS::Serverless::Api").values()
    props = api["Properties"]
    assert props["EndpointConfiguration"] in ("REGIONAL", {"Type": "REGIONAL"})
    assert props["OpenApiVersion"] == "2.0"
    assert props["StageName"] == "v1"


def test_api_execution_log_group_exists_with_retention(raw: dict[str, Any]) -> None:
    (api_logical,) = resources(raw, "AWS::Serverless::Api")
    groups = [
        g["Properties"]
        for g in resources(raw, "AWS::Logs::LogGroup").values()
        if "API-Gateway-Execution-Logs_" in json.dumps(g["Properties"]["LogGroupName"])
    ]
    assert len(groups) == 1
    assert {"Ref": api_logical} in groups[0]["LogGroupName"]["Fn::Join"][1]
    assert groups[0]["RetentionInDays"] == 365


def test_check_worker_concurrency_is_capped(raw: dict[str, Any]) -> None:
    events = resources(raw, "AWS::Serverless::Function")["CheckWorker"]["Properties"]["Events"]
    (sqs_event,) = [e for e in events.values() if e["Type"] == "SQS"]
    assert sqs_event["Properties"]["ScalingConfig"] == {"MaximumConcurrency": 5}


def test_objects_are_written_with_the_buckets_kms_key(raw: dict[str, Any]) -> None:
    """storage.put sends aws:kms + VIGIL_S3_KMS_KEY_ID: the key the buckets default to (aws/s3)."""
    for short in BUCKETS:
        _, bucket = _bucket(raw, short)
        sse = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        assert "KMSMasterKeyID" not in sse["ServerSideEncryptionByDefault"]  # the AWS managed aws/s3
        assert sse["BucketKeyEnabled"] is True
    for fn in _functions(raw).values():
        key = fn["Properties"]["Environment"]["Variables"]["VIGIL_S3_KMS_KEY_ID"]
        parts = key["Fn::Join"][1]
        assert parts[0] == "arn:" and parts[-1] == ":alias/aws/s3", key
        assert ":kms:" in json.dumps(parts) and {"Ref": "AWS::AccountId"} in parts


def _alarms(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["Properties"] for a in resources(raw, "AWS::CloudWatch::Alarm").values()]


def test_the_check_queue_age_is_alarmed(raw: dict[str, Any]) -> None:
    queue_logical, _ = by_prop(raw, "AWS::SQS::Queue", "QueueName", "vigil-prod-check-batches")
    (age,) = [
        a
        for a in _alarms(raw)
        if a.get("MetricName") == "ApproximateAgeOfOldestMessage"
        and a["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_logical, "QueueName"]}}]
    ]
    assert age["Namespace"] == "AWS/SQS" and age["Statistic"] == "Maximum"
    assert age["Threshold"] == 300 and age["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert age["AlarmActions"]


def test_every_function_duration_is_alarmed_before_its_timeout(raw: dict[str, Any]) -> None:
    durations = {a["Dimensions"][0]["Value"]: a for a in _alarms(raw) if a.get("MetricName") == "Duration"}
    for logical, fn in _functions(raw).items():
        alarm = durations[f"vigil-prod-{logical}"]
        assert alarm["Statistic"] == "Maximum" and alarm["Namespace"] == "AWS/Lambda"
        assert alarm["Threshold"] == 0.8 * fn["Properties"]["Timeout"] * 1000
    assert durations["vigil-prod-DispatchChecks"]["Threshold"] == 24_000  # the minute dispatcher


def test_no_results_written_while_batches_are_queued_is_alarmed(raw: dict[str, Any]) -> None:
    queue_logical, _ = by_prop(raw, "AWS::SQS::Queue", "QueueName", "vigil-prod-check-batches")
    (alarm,) = [a for a in _alarms(raw) if "ResultsWritten" in json.dumps(a.get("Metrics", []))]
    metrics = {m["Id"]: m for m in alarm["Metrics"]}
    (expression,) = [m for m in alarm["Metrics"] if "Expression" in m]
    assert expression["Expression"] == "IF(FILL(sent, 0) > 0 AND FILL(written, 0) < 1, 1, 0)"
    written = metrics["written"]["MetricStat"]
    assert written["Metric"] == {"MetricName": "ResultsWritten", "Namespace": "Vigil"}  # the worker's EMF
    assert written["Stat"] == "Sum" and written["Period"] == 300
    sent = metrics["sent"]["MetricStat"]["Metric"]
    assert sent["MetricName"] == "NumberOfMessagesSent" and queue_logical in json.dumps(sent["Dimensions"])
    assert alarm["Threshold"] == 1 and alarm["AlarmActions"]


def test_mail_bounces_and_complaints_are_published_and_suppressed(raw: dict[str, Any]) -> None:
    (config_logical, config) = next(iter(resources(raw, "AWS::SES::ConfigurationSet").items()))
    assert config["Properties"]["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]}
    (identity,) = resources(raw, "AWS::SES::EmailIdentity").values()
    # The identity's default set: every mail the app sends uses it without naming it.
    assert identity["Properties"]["ConfigurationSetAttributes"] == {
        "ConfigurationSetName": {"Ref": config_logical}
    }
    (dest,) = resources(raw, "AWS::SES::ConfigurationSetEventDestination").values()
    assert dest["Properties"]["ConfigurationSetName"] == {"Ref": config_logical}
    event = dest["Properties"]["EventDestination"]
    assert event["Enabled"] is True and {"bounce", "complaint"} <= set(event["MatchingEventTypes"])
    topic_logical = event["SnsDestination"]["TopicARN"]["Ref"]
    topic = raw["Resources"][topic_logical]["Properties"]
    assert topic["TopicName"] == "vigil-prod-mail-events" and topic["KmsMasterKeyId"]
    key_logical = topic["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key_statements = raw["Resources"][key_logical]["Properties"]["KeyPolicy"]["Statement"]
    assert any(s["Principal"] == {"Service": "ses.amazonaws.com"} for s in key_statements)
    subscriptions = [
        s["Properties"]
        for s in resources(raw, "AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": topic_logical}
    ]
    assert [s["Protocol"] for s in subscriptions] == ["email"]


def test_console_has_a_content_security_policy_allowing_its_own_and_the_logo_bucket(
    raw: dict[str, Any],
) -> None:
    (policy,) = resources(raw, "AWS::CloudFront::ResponseHeadersPolicy").values()
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"][
        "ContentSecurityPolicy"
    ]
    assert csp["Override"] is True
    parts = csp["ContentSecurityPolicy"]["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else f"<{next(iter(p.values()))}>" for p in parts)
    files_logical, _ = _bucket(raw, "files")
    directives = {d.split()[0]: d.split()[1:] for d in text.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"] and directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert {"'self'", "data:"} <= set(directives["img-src"])
    assert f"https://<{files_logical}>.s3.<AWS::URLSuffix>" in directives["img-src"]
    assert "'unsafe-inline'" not in text and "'unsafe-eval'" not in text and "*" not in text.replace("*.", "")


def test_dispatcher_shard_runs_are_async_without_retries_and_expire_after_a_minute(
    raw: dict[str, Any], template: Template
) -> None:
    """Issue #19 §2: a shard run that failed or waited longer than a minute is dropped (it would
    run next to the following minute's run), not retried."""
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": "vigil-prod-DispatchShard",
            "Qualifier": "$LATEST",
            "MaximumRetryAttempts": 0,
            "MaximumEventAgeInSeconds": 60,
        },
    )
    functions = _functions(raw)
    assert functions["DispatchShard"]["Properties"]["FunctionName"] == "vigil-prod-DispatchShard"
    env = functions["DispatchChecks"]["Properties"]["Environment"]["Variables"]
    assert env["VIGIL_DISPATCH_SHARD_FUNCTION"] == "vigil-prod-DispatchShard"
