"""Written-down exceptions to checkov's rules, attached to the resource they concern.

Every suppression carries its reason in the template (`Metadata.checkov.skip[].comment`), so the
reviewer of a finding reads why it is accepted next to the resource, and `make test-infra`
fails on anything not listed here.
"""

from __future__ import annotations

from aws_cdk import CfnResource
from constructs import IConstruct

# Reasons shared by several resources (one wording, one place).
LAMBDA_NO_VPC = (
    "CKV_AWS_117",
    "Functions reach only AWS APIs and customer endpoints on the "
    "internet; a VPC would add NAT cost and cold-start latency without isolating "
    "anything (see docs/deploy.md, fixed source IPs).",
)
LAMBDA_NO_RESERVED_CONCURRENCY = (
    "CKV_AWS_115",
    "Reserved concurrency would cap or starve the "
    "account pool (new accounts have 10); throttles are alarmed "
    "instead.",
)
LAMBDA_ENV_NOT_SECRET = (
    "CKV_AWS_173",
    "Environment holds names and ids (table prefix, pool id, sender address) "
    "and the CloudFront origin secret, which only vouches for the client-address "
    "header of the login throttle and grants no data access; Lambda encrypts it "
    "at rest with the service key.",
)
LOGS_NO_CMK = (
    "CKV_AWS_158",
    "Logs carry ids and error messages, no secrets; CloudWatch Logs "
    "encrypts at rest with service keys, and a CMK would need a key policy per "
    "log group for no gain.",
)
DDB_NO_CMK = (
    "CKV_AWS_119",
    "Encrypted at rest with the AWS-owned key (free, no KMS latency); "
    "no customer requires key custody (BYOK); revisit per contract.",
)
SQS_SSE_SQS = (
    "CKV_AWS_27",
    "Encrypted at rest with SSE-SQS (SqsManagedSseEnabled), which this "
    "check does not recognise; a KMS key would add cost and KMS throttling per "
    "message batch for no gain.",
)


def skip(target: IConstruct | CfnResource, *checks: tuple[str, str]) -> None:
    """Attach checkov skips (id, reason) to a resource (L1, or the default child of an L2)."""
    resource = target if isinstance(target, CfnResource) else target.node.default_child
    assert isinstance(resource, CfnResource), target
    current = resource.get_metadata("checkov") or {"skip": []}
    known = {s["id"] for s in current["skip"]}
    for check_id, reason in checks:
        if check_id not in known:
            current["skip"].append({"id": check_id, "comment": reason})
    resource.add_metadata("checkov", current)


# The console's CloudFront distribution (stack._console).
CONSOLE_CDN = (
    (
        "CKV_AWS_68",
        "No WAF: a web ACL costs at least 5 USD/month plus 0.60 per million requests "
        "and rules; the static files are public code, and the API behind /v1 is "
        "throttled per stage and needs a token for everything but login. Revisit "
        "(rate-based rule) if login abuse shows up in the API access logs.",
    ),
    (
        "CKV_AWS_86",
        "CloudFront standard logging needs an ACL-enabled bucket, the access-log "
        "bucket enforces bucket-owner ownership (ACLs off). API calls through this "
        "distribution are logged by the API Gateway access log (source IP, "
        "principal, status); the static files hold no data.",
    ),
    (
        "CKV_AWS_174",
        "No custom domain by default: the *.cloudfront.net certificate is "
        "CloudFront's, whose minimum protocol cannot be set; a custom domain with "
        "an ACM certificate gets TLSv1.2_2021 (docs/deploy.md).",
    ),
)
# The Lambda that aws_s3_deployment.BucketDeployment runs at deploy time (copies web/ to S3).
DEPLOY_FUNCTION = (
    (
        "CKV_AWS_116",
        "Runs synchronously as a CloudFormation custom resource; a failure fails "
        "and rolls back the deploy, there is nothing to redeliver from a DLQ.",
    ),
    (
        "CKV_AWS_117",
        "CDK's deployment function only copies the console files between S3 "
        "buckets and invalidates CloudFront; a VPC would need endpoints for no gain.",
    ),
    ("CKV_AWS_115", "Runs once per deploy; reserved concurrency would only take from the account pool."),
    ("CKV_AWS_173", "No environment secrets; the function's environment is CDK's own."),
)
