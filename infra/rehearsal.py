"""Deploy rehearsal: the synthesized stack, SAM-translated, created in moto's CloudFormation.

    make deploy-rehearsal        # after `make synth`; no AWS account, a few seconds

What it does, as CloudFormation would:
1. uploads the cloud assembly's file assets (function zip, layer, console files) to the CDK
   bootstrap bucket and sets the bootstrap version parameter;
2. runs the SAM transform (aws-sam-translator, the library CloudFormation's transform uses) on
   the template: functions, layer, API, its stage(s), event source mappings, schedules;
3. creates the stack in moto's CloudFormation and waits for CREATE_COMPLETE;
4. checks what the app will look for against what was created: every table (and GSI) the
   models name, every bucket (VIGIL_BUCKET_*), the check queue (settings.queue_name), the
   user pool (VIGIL_USER_POOL_ID), every function's environment and layer, exactly one API
   stage (`v1`, no SAM `Stage`), the SQS event source's maximum concurrency;
5. deletes the stack and creates it again under the same names (a retry after a failed
   first deploy, as far as moto can tell: see below).

What it cannot prove (moto is not AWS): IAM evaluation (policies are stored, not enforced),
CloudFront/OAC/functions, SES identity verification, KMS key policies, API Gateway execution,
the custom resource that copies the console files (a Lambda moto would run in Docker: removed
before creation and reported), real rollback timing, and service quotas. moto ignores DeletionPolicy (it deletes tables
with the stack), so RetainExceptOnCreate is asserted on the template (infra/tests), not here.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ACCOUNT = "123456789012"
REGION = os.environ.get("AWS_DEFAULT_REGION", "eu-central-1")
STACK = "vigil-prod"
#: Types moto models but cannot create from this template: moto's RestApi does not import the
#: Swagger body, so a deployment finds "no methods" (stages are checked on the translation).
MOTO_GAPS = {"AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage"}


def _fail(message: str) -> None:
    print(f"REHEARSAL FAILED: {message}", file=sys.stderr)
    raise SystemExit(1)


def translate(template: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    return dict(transform(copy.deepcopy(template), {}, NoManagedPolicies(), Parser()))  # type: ignore[no-untyped-call]


def upload_assets(outdir: Path) -> None:
    import boto3

    manifest = json.loads((outdir / "prod.assets.json").read_text())
    s3 = boto3.client("s3", region_name=REGION)
    for asset in manifest.get("files", {}).values():
        source = outdir / asset["source"]["path"]
        for dest in asset["destinations"].values():
            bucket = (
                dest["bucketName"].replace("${AWS::AccountId}", ACCOUNT).replace("${AWS::Region}", REGION)
            )
            with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
            if source.is_file():
                s3.upload_file(str(source), bucket, dest["objectKey"])
            else:  # a directory asset (console files): CDK zips it on publish
                import io
                import zipfile

                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w") as z:
                    for f in sorted(source.rglob("*")):
                        if f.is_file():
                            z.write(f, f.relative_to(source))
                s3.put_object(Bucket=bucket, Key=dest["objectKey"], Body=buf.getvalue())
    boto3.client("ssm", region_name=REGION).put_parameter(
        Name="/cdk-bootstrap/hnb659fds/version", Value="30", Type="String", Overwrite=True
    )


def _substitute(node: Any, values: dict[str, str]) -> Any:
    """Replace Ref/GetAtt/${...} of removed resources with the values given for them."""
    if isinstance(node, dict):
        if set(node) == {"Ref"} and node["Ref"] in values:
            return values[node["Ref"]]
        if set(node) == {"Fn::GetAtt"}:
            target = node["Fn::GetAtt"]
            logical, attr = target if isinstance(target, list) else target.split(".", 1)
            if logical in values:
                return values.get(f"{logical}.{attr}", f"{values[logical]}-{attr}")
        if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
            text = node["Fn::Sub"]
            for key, value in values.items():
                text = text.replace("${" + key + "}", value)
            return {"Fn::Sub": text}
        return {k: _substitute(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, values) for v in node]
    return node


def prepare(template: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The translated template minus what moto cannot create; returns the removed resources.

    The user pool and its client are created through the Cognito API (moto's CloudFormation has
    no model for them) so that the functions' VIGIL_USER_POOL_* point at real ones; other
    resources without a moto model (custom resources, CloudFront, SES, alarms, ...) are removed
    and their references replaced by placeholders.
    """
    import boto3
    from moto.cloudformation.parsing import resource_class_from_type

    out = copy.deepcopy(template)
    out.pop("Rules", None)  # CheckBootstrapVersion: the parameter is set, moto ignores rules
    values: dict[str, str] = {}
    removed = []
    idp = boto3.client("cognito-idp", region_name=REGION)
    resources = out["Resources"]
    for logical, res in list(resources.items()):
        kind = res["Type"]
        if kind == "AWS::Cognito::UserPool":
            pool = idp.create_user_pool(PoolName=res["Properties"]["UserPoolName"])["UserPool"]
            values[logical], values[f"{logical}.Arn"] = pool["Id"], pool["Arn"]
        elif kind.startswith("Custom::") or kind in MOTO_GAPS or not resource_class_from_type(kind):
            values[logical] = f"rehearsal-{logical}"
        else:
            continue
        removed.append(f"{logical} ({kind})")
        del resources[logical]
    clients = [
        (k, v) for k, v in template["Resources"].items() if v["Type"] == "AWS::Cognito::UserPoolClient"
    ]
    for logical, res in clients:
        pool_id = _substitute(res["Properties"]["UserPoolId"], values)
        client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName=res["Properties"]["ClientName"])
        values[logical] = client["UserPoolClient"]["ClientId"]
    out = _substitute(out, values)
    for res in out["Resources"].values():
        props = res.get("Properties", {})
        if res["Type"] == "AWS::ApiGateway::RestApi" and "Name" not in props:
            props["Name"] = props["Body"]["info"][
                "title"
            ]  # CloudFormation takes it from Body; moto wants Name
    for res in out["Resources"].values():
        depends = res.get("DependsOn")
        if isinstance(depends, list):
            res["DependsOn"] = [d for d in depends if d in out["Resources"]]
        elif isinstance(depends, str) and depends not in out["Resources"]:
            del res["DependsOn"]
    out["Outputs"] = {}
    return out, removed


def create(cfn: Any, body: dict[str, Any]) -> dict[str, Any]:
    cfn.create_stack(StackName=STACK, TemplateBody=json.dumps(body), Capabilities=["CAPABILITY_NAMED_IAM"])
    for _ in range(120):
        stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
        if not stack["StackStatus"].endswith("IN_PROGRESS"):
            break
        time.sleep(0.5)
    if stack["StackStatus"] != "CREATE_COMPLETE":
        events = cfn.describe_stack_events(StackName=STACK)["StackEvents"]
        reasons = [
            f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason')}"
            for e in events
            if "FAILED" in e["ResourceStatus"]
        ]
        _fail(f"stack {stack['StackStatus']}: {reasons[:10]}")
    return dict(stack)


def check(cfn: Any, translated: dict[str, Any], app_functions: list[str]) -> list[str]:
    import boto3

    sys.path[:0] = [str(HERE), str(ROOT)]
    os.environ.update({"VIGIL_STAGE": "prod", "VIGIL_PREFIX": "vigil-prod"})
    from chalicelib import settings
    from vigil_infra import registry
    from vigil_infra.config import QUEUES

    problems: list[str] = []
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    }
    ddb = boto3.client("dynamodb", region_name=REGION)
    tables = set(ddb.list_tables()["TableNames"])
    for spec in registry.tables("vigil-prod"):
        if spec.name not in tables:
            problems.append(f"table {spec.name} was not created")
            continue
        desc = ddb.describe_table(TableName=spec.name)["Table"]
        have = {g["IndexName"] for g in desc.get("GlobalSecondaryIndexes", [])}
        for index in spec.indexes:
            if index.name not in have:
                problems.append(f"{spec.name}: index {index.name} missing")
    sqs = boto3.client("sqs", region_name=REGION)
    for short in QUEUES:
        try:
            sqs.get_queue_url(QueueName=settings.queue_name(short))
        except Exception as exc:  # reported, not raised: list every problem at once
            problems.append(f"queue {settings.queue_name(short)}: {exc}")
    lam = boto3.client("lambda", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    pools = {
        p["Id"]
        for p in boto3.client("cognito-idp", region_name=REGION).list_user_pools(MaxResults=60)["UserPools"]
    }
    layers = [la["LayerName"] for la in lam.list_layers()["Layers"]]
    if not any("ManagedLayer" in name for name in layers):  # moto names layers itself
        problems.append(f"the app's layer was not created: {layers}")
    for logical in app_functions:
        name = physical.get(logical)
        if not name:
            problems.append(f"function {logical} not created")
            continue
        config = lam.get_function_configuration(FunctionName=name)
        env = config.get("Environment", {}).get("Variables", {})
        if env.get("VIGIL_PREFIX") != "vigil-prod":
            problems.append(f"{name}: VIGIL_PREFIX={env.get('VIGIL_PREFIX')}")
        for key, value in env.items():
            if key.startswith("VIGIL_BUCKET_") and value not in buckets:
                problems.append(f"{name}: {key}={value} is no bucket")
        if env.get("VIGIL_USER_POOL_ID") not in pools:
            problems.append(f"{name}: VIGIL_USER_POOL_ID={env.get('VIGIL_USER_POOL_ID')} is no pool")
        if len(translated["Resources"][logical]["Properties"].get("Layers", [])) != 1:
            problems.append(f"{name}: not on the layer")  # moto does not keep Layers on the function
    stages = [v for v in translated["Resources"].values() if v["Type"] == "AWS::ApiGateway::Stage"]
    names = sorted(s["Properties"]["StageName"] for s in stages)
    if names != ["v1"]:
        problems.append(f"API stages {names}, expected only v1")
    mappings = [v for v in translated["Resources"].values() if v["Type"] == "AWS::Lambda::EventSourceMapping"]
    for m in mappings:
        if not m["Properties"].get("ScalingConfig", {}).get("MaximumConcurrency"):
            problems.append(
                f"event source mapping without MaximumConcurrency: {m['Properties'].get('FunctionName')}"
            )
    return problems


def main() -> int:
    outdir = HERE / "cdk.out"
    template = json.loads((outdir / "prod.template.json").read_text())
    started = time.perf_counter()
    translated = translate(template)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "MOTO_ACCOUNT_ID": ACCOUNT,
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import boto3
    from moto import mock_aws

    with mock_aws():
        upload_assets(outdir)
        body, removed = prepare(translated)
        cfn = boto3.client("cloudformation", region_name=REGION)
        create(cfn, body)
        app_functions = [
            k for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"
        ]
        problems = check(cfn, translated, app_functions)
        cfn.delete_stack(StackName=STACK)
        create(cfn, body)  # same fixed names again
    print(f"translated {len(template['Resources'])} -> {len(translated['Resources'])} resources")
    print(f"created in moto: {len(body['Resources'])}; not created (no moto model, see docstring):")
    for line in sorted(removed):
        print(f"  {line}")
    if problems:
        for p in problems:
            print(f"  PROBLEM {p}", file=sys.stderr)
        return 1
    print(f"rehearsal passed in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
