"""The console (web/) in a private bucket behind CloudFront, the API under the same origin."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from tests.conftest import TEMPLATE, resources

#: Managed policies (ids are fixed by AWS).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def _console_bucket(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    found = [
        (k, v)
        for k, v in resources(raw, "AWS::S3::Bucket").items()
        if "vigil-prod-console-" in json.dumps(v["Properties"].get("BucketName"))
    ]
    assert len(found) == 1
    return found[0]


def _distribution(raw: dict[str, Any]) -> dict[str, Any]:
    found = list(resources(raw, "AWS::CloudFront::Distribution").values())
    assert len(found) == 1
    return dict(found[0]["Properties"]["DistributionConfig"])


def test_console_bucket_is_private_encrypted_versioned_logged(raw: dict[str, Any]) -> None:
    logical, bucket = _console_bucket(raw)
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["LoggingConfiguration"]["LogFilePrefix"] == "console/"
    policy = next(
        p
        for p in resources(raw, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": logical}
    )
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    ), "bucket must refuse requests without TLS"
    # Only CloudFront (through OAC, for this distribution) may read; nobody else is allowed.
    allows = [s for s in statements if s["Effect"] == "Allow"]
    reads = [s for s in allows if s["Principal"] == {"Service": "cloudfront.amazonaws.com"}]
    assert reads and all("AWS:SourceArn" in json.dumps(s["Condition"]) for s in reads)
    assert not any(s["Principal"] in ("*", {"AWS": "*"}) for s in allows)


def test_distribution_serves_the_bucket_through_oac_over_https(
    template: Template, raw: dict[str, Any]
) -> None:
    template.resource_count_is("AWS::CloudFront::OriginAccessControl", 1)
    template.has_resource_properties(
        "AWS::CloudFront::OriginAccessControl",
        {
            "OriginAccessControlConfig": Match.object_like(
                {
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            )
        },
    )
    config = _distribution(raw)
    bucket_logical, _ = _console_bucket(raw)
    assert config["DefaultRootObject"] == "index.html"
    s3_origin = next(o for o in config["Origins"] if "S3OriginConfig" in o)
    assert s3_origin["DomainName"] == {"Fn::GetAtt": [bucket_logical, "RegionalDomainName"]}
    assert "OriginAccessControlId" in s3_origin
    assert s3_origin["S3OriginConfig"].get("OriginAccessIdentity", "") == ""
    default = config["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == s3_origin["Id"]
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["ResponseHeadersPolicyId"]


def test_api_is_routed_through_the_same_distribution_uncached(raw: dict[str, Any]) -> None:
    config = _distribution(raw)
    behavior = _api_behavior(config)
    assert behavior["PathPattern"] == "/v1/*"  # the API Gateway stage (.chalice/config.json)
    assert behavior["CachePolicyId"] == CACHING_DISABLED
    assert behavior["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert behavior["ViewerProtocolPolicy"] in ("https-only", "redirect-to-https")
    assert set(behavior["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    origin = next(o for o in config["Origins"] if o["Id"] == behavior["TargetOriginId"])
    domain = json.dumps(origin["DomainName"])
    assert '"Ref": "RestAPI"' in domain and "execute-api" in domain
    assert origin.get("OriginPath", "") == ""  # the path keeps /v1, the stage
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"


def test_security_headers_are_sent(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CloudFront::ResponseHeadersPolicy",
        {
            "ResponseHeadersPolicyConfig": Match.object_like(
                {
                    "SecurityHeadersConfig": Match.object_like(
                        {
                            "StrictTransportSecurity": Match.object_like({"Override": True}),
                            "ContentTypeOptions": {"Override": True},
                            "FrameOptions": {"FrameOption": "DENY", "Override": True},
                        }
                    )
                }
            )
        },
    )


def test_bucket_deployment_uploads_web_and_config_js(raw: dict[str, Any]) -> None:
    deployments = resources(raw, "Custom::CDKBucketDeployment")
    assert len(deployments) == 1
    props = next(iter(deployments.values()))["Properties"]
    bucket_logical, _ = _console_bucket(raw)
    assert props["DestinationBucketName"] == {"Ref": bucket_logical}
    assert len(props["SourceObjectKeys"]) == 3  # web/, the generated config.js and the agent
    assert props["DistributionPaths"] == ["/*"]


def test_config_js_points_the_console_at_the_api_on_the_same_origin() -> None:
    """Source.data writes config.js as its own asset; web/js/api.js reads VIGIL_CONFIG.apiUrl."""
    assets = [d for d in TEMPLATE.parent.glob("asset.*") if (d / "config.js").is_file()]
    assert len(assets) == 1, "one asset with the generated config.js (web/'s own is excluded)"
    assert [p.name for p in assets[0].iterdir()] == ["config.js"]
    assert (assets[0] / "config.js").read_text() == 'window.VIGIL_CONFIG = {"apiUrl": "/v1"};\n'
    web = [d for d in TEMPLATE.parent.glob("asset.*") if (d / "index.html").is_file()]
    assert len(web) == 1 and (web[0] / "js" / "api.js").is_file()


def test_console_url_is_an_output(raw: dict[str, Any]) -> None:
    url = json.dumps(raw["Outputs"]["ConsoleUrl"]["Value"])
    assert "DomainName" in url and "https://" in url


def test_deployment_function_invalidates_only_this_distribution(raw: dict[str, Any]) -> None:
    (dist_logical,) = resources(raw, "AWS::CloudFront::Distribution")
    (policy,) = [
        p for k, p in resources(raw, "AWS::IAM::Policy").items() if k.startswith("CustomCDKBucketDeployment")
    ]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    invalidate = [s for s in statements if "cloudfront:CreateInvalidation" in s["Action"]]
    assert len(invalidate) == 1
    assert dist_logical in json.dumps(invalidate[0]["Resource"])
    assert all(s["Resource"] != "*" for s in statements)


def _generated_secret(raw: dict[str, Any], name: str) -> str:
    (logical,) = [
        k
        for k, v in resources(raw, "AWS::SecretsManager::Secret").items()
        if v["Properties"].get("Name") == f"vigil-prod/{name}"
    ]
    secret = raw["Resources"][logical]
    generate = secret["Properties"]["GenerateSecretString"]
    assert generate["PasswordLength"] >= 32 and generate["ExcludePunctuation"] is True
    return logical


def _origin_secret(raw: dict[str, Any]) -> str:
    return _generated_secret(raw, "origin-secret")


def _resolves(value: Any, secret_logical: str) -> bool:
    """A CloudFormation dynamic reference to that secret, never the value itself."""
    text = json.dumps(value)
    return "{{resolve:secretsmanager:" in text and f'"Ref": "{secret_logical}"' in text


def test_the_api_behaviour_forwards_the_viewer_address_through_a_cloudfront_function(
    raw: dict[str, Any],
) -> None:
    functions = resources(raw, "AWS::CloudFront::Function")
    assert len(functions) == 2  # the client address (API) and the status-page rewrite
    (fn_logical, fn) = next((k, f) for k, f in functions.items() if "client-ip" in f["Properties"]["Name"])
    code = fn["Properties"]["FunctionCode"]
    assert "request.headers['x-vigil-client-ip'] = { value: event.viewer.ip }" in code
    assert fn["Properties"]["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert fn["Properties"]["AutoPublish"] is True
    config = _distribution(raw)
    behavior = _api_behavior(config)
    assert behavior["PathPattern"] == "/v1/*"
    assert behavior["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [fn_logical, "FunctionARN"]}}
    ]
    assert "FunctionAssociations" not in config["DefaultCacheBehavior"]  # static files: no need


def test_the_api_origin_carries_the_secret_header_the_functions_check(raw: dict[str, Any]) -> None:
    secret = _origin_secret(raw)
    config = _distribution(raw)
    behavior = _api_behavior(config)
    origin = next(o for o in config["Origins"] if o["Id"] == behavior["TargetOriginId"])
    (header,) = origin["OriginCustomHeaders"]
    assert header["HeaderName"] == "x-vigil-origin-secret"
    assert _resolves(header["HeaderValue"], secret)
    functions = resources(raw, "AWS::Serverless::Function")
    assert functions
    for fn in functions.values():
        assert _resolves(fn["Properties"]["Environment"]["Variables"]["VIGIL_ORIGIN_SECRET"], secret)


def test_every_function_signs_cursors_with_the_generated_key(raw: dict[str, Any]) -> None:
    key = _generated_secret(raw, "cursor-key")
    functions = resources(raw, "AWS::Serverless::Function")
    assert functions
    for fn in functions.values():
        assert _resolves(fn["Properties"]["Environment"]["Variables"]["VIGIL_CURSOR_KEY"], key)


def test_every_function_hashes_agent_tokens_with_the_generated_key(raw: dict[str, Any]) -> None:
    key = _generated_secret(raw, "agent-token-key")
    functions = resources(raw, "AWS::Serverless::Function")
    assert functions
    for fn in functions.values():
        assert _resolves(fn["Properties"]["Environment"]["Variables"]["VIGIL_AGENT_TOKEN_KEY"], key)


def test_agent_file_is_deployed_into_the_console_bucket(raw: dict[str, Any]) -> None:
    """The console deployment carries a third source (downloads/vigil-agent.pyz), and every
    function knows the file's URL on the console origin and its SHA-256."""
    from chalicelib.hosts import agent_package

    deployments = list(resources(raw, "Custom::CDKBucketDeployment").values())
    assert len(deployments) == 1
    assert len(deployments[0]["Properties"]["SourceObjectKeys"]) == 3  # web/, config.js, agent
    digest = agent_package.sha256(agent_package.build())
    functions = resources(raw, "AWS::Serverless::Function")
    app_functions = [
        f for f in functions.values() if "VIGIL_STAGE" in json.dumps(f["Properties"].get("Environment", {}))
    ]
    assert app_functions
    for fn in app_functions:
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["VIGIL_AGENT_SHA256"] == digest
        assert env["VIGIL_AGENT_DOWNLOAD_URL"].endswith("/downloads/vigil-agent.pyz")


def _api_behavior(config: dict[str, Any]) -> dict[str, Any]:
    (behavior,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    return behavior


def test_status_pages_are_the_static_page_behind_a_rewrite(raw: dict[str, Any]) -> None:
    config = _distribution(raw)
    (behavior,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/status/*"]
    s3_origin = next(o for o in config["Origins"] if "S3OriginConfig" in o)
    assert behavior["TargetOriginId"] == s3_origin["Id"]
    assert set(behavior["AllowedMethods"]) == {"GET", "HEAD"}
    (association,) = behavior["FunctionAssociations"]
    fn_logical = association["FunctionARN"]["Fn::GetAtt"][0]
    code = resources(raw, "AWS::CloudFront::Function")[fn_logical]["Properties"]["FunctionCode"]
    assert "request.uri = '/status.html'" in code
    assert "[a-z0-9-]{3,40}" in code  # only slug-shaped paths are rewritten
