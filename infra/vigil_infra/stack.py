"""The `vigil-prod` stack: the Chalice app (API, functions, schedules) and what it runs on.

Nothing here names a domain's table, bucket, function or schedule: tables and buckets come from
the app's registries (registry.py), functions and schedules from the SAM template that
`chalice package` writes through the Chalice construct. A domain that adds a table, a
`@bp.schedule` or a `@bp.on_sqs_message` gets its resources, permissions and alarms on the
next synth.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from aws_cdk import (
    ArnFormat,
    Aws,
    CfnOutput,
    CfnResource,
    Duration,
    Fn,
    RemovalPolicy,
    Stack,
)
from aws_cdk import (
    aws_apigateway as apigw,
)
from aws_cdk import (
    aws_cloudfront as cloudfront,
)
from aws_cdk import (
    aws_cloudfront_origins as origins,
)
from aws_cdk import (
    aws_cloudwatch as cloudwatch,
)
from aws_cdk import (
    aws_cloudwatch_actions as cw_actions,
)
from aws_cdk import (
    aws_cognito as cognito,
)
from aws_cdk import (
    aws_dynamodb as dynamodb,
)
from aws_cdk import (
    aws_iam as iam,
)
from aws_cdk import (
    aws_kms as kms,
)
from aws_cdk import (
    aws_lambda as lambda_,
)
from aws_cdk import (
    aws_logs as logs,
)
from aws_cdk import (
    aws_s3 as s3,
)
from aws_cdk import (
    aws_s3_deployment as s3deploy,
)
from aws_cdk import (
    aws_secretsmanager as secretsmanager,
)
from aws_cdk import (
    aws_ses as ses,
)
from aws_cdk import (
    aws_sns as sns,
)
from aws_cdk import (
    aws_sns_subscriptions as subs,
)
from aws_cdk import (
    aws_sqs as sqs,
)
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib import settings
from chalicelib.local.web import WEB_ROOT, config_js
from vigil_infra import access, registry, suppress
from vigil_infra.config import PREFIX, QUEUES, STAGE, DeployConfig
from vigil_infra.registry import FunctionSpec, TableSpec


def _agent_downloads() -> Path:
    """A directory holding ``downloads/vigil-agent.pyz`` (+ ``.sha256``) for the console bucket."""
    import tempfile

    from chalicelib.hosts import agent_package

    root = Path(tempfile.mkdtemp(prefix="vigil-agent-"))
    agent_package.write(root / "downloads")
    return root


_ATTR_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}
_PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    "INCLUDE": dynamodb.ProjectionType.INCLUDE,
}

#: Stateful resources (tables, buckets, user pool) have fixed names. `Retain` would leave them
#: behind when the first deploy rolls back, and the retry fails with "already exists":
#: RetainExceptOnCreate deletes what a failed create made, and keeps them on every later
#: update (replacement) and on stack deletion.
KEEP = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
#: Buckets whose objects are legal originals: Object Lock, compliance mode, 8 years (§147 AO, §14b UStG).
LOCKED_BUCKETS = {"invoices": 8}
#: Lambda timeout of the prod stage (.chalice/config.json); SQS visibility must exceed it.
LAMBDA_TIMEOUT_S = 30
MAX_RECEIVE_COUNT = 5
#: Alarm when a function's longest run in 5 minutes reaches this share of its timeout.
DURATION_ALARM_SHARE = 0.8
#: Alarm when a queue's oldest message is this old (seconds): checks run late.
QUEUE_AGE_ALARM_S = 300
#: The custom metric the check worker emits (chalicelib/monitoring/jobs.py, EMF on stdout).
RESULTS_METRIC = ("Vigil", "ResultsWritten")


#: Headers between CloudFront and the API (chalicelib/http.py reads them).
CLIENT_IP_HEADER = "x-vigil-client-ip"
ORIGIN_SECRET_HEADER = "x-vigil-origin-secret"
#: CloudFront Function (viewer request) on the API behaviour: the viewer's own address, always
#: overwriting whatever the viewer sent under that name.
CLIENT_IP_FUNCTION = f"""function handler(event) {{
  var request = event.request;
  request.headers['{CLIENT_IP_HEADER}'] = {{ value: event.viewer.ip }};
  return request;
}}
"""


#: Public status pages: /status/<slug> is one static page (web/status.html) that reads its slug
#: from the address, as the local console server does (chalicelib/local/web.py).
STATUS_PAGE_FUNCTION = """function handler(event) {
  var request = event.request;
  if (/^\\/status\\/[a-z0-9-]{3,40}\\/?$/.test(request.uri)) { request.uri = '/status.html'; }
  return request;
}
"""


def _problem(status: int, title: str, detail: str) -> str:
    return json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail}, separators=(",", ":")
    )


#: Dev-only code under chalicelib/ that `chalice package` zips anyway (it has no exclude option):
#: the moto runner, demo seed, local scheduler and demo targets. Nothing outside it imports it.
DEV_ONLY_PREFIXES = ("chalicelib/local/",)


def strip_dev_only(zip_path: str) -> list[str]:
    """Rewrite the function zip without dev-only modules and bytecode caches; the names dropped."""
    with zipfile.ZipFile(zip_path) as src:
        infos = src.infolist()
        keep = [
            i
            for i in infos
            if not i.filename.startswith(DEV_ONLY_PREFIXES)
            and "__pycache__/" not in i.filename
            and not i.filename.endswith(".pyc")
        ]
        dropped = [i.filename for i in infos if i not in keep]
        if not dropped:
            return []
        tmp = zip_path + ".tmp"
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as dst:
            for info in keep:  # same names, dates and modes: the asset hash stays content-addressed
                dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
    os.replace(tmp, zip_path)
    return dropped


class VigilChalice(Chalice):
    """The Chalice construct, keeping the SAM template it included so the stack can read it."""

    sam: dict[str, Any]
    dropped: list[str]

    def _package_app(self) -> None:
        super()._package_app()
        self.dropped = strip_dev_only(os.path.join(self._sam_package_dir, "deployment.zip"))

    def _generate_sam_template_with_assets(self, chalice_out_dir: str, package_id: str) -> str:
        path: str = super()._generate_sam_template_with_assets(chalice_out_dir, package_id)
        with open(path, encoding="utf-8") as f:
            self.sam = json.load(f)
        return path


class VigilStack(Stack):
    def __init__(self, scope: Construct, cfg: DeployConfig, source_dir: str, **kwargs: Any) -> None:
        # The construct id is the Chalice stage the construct packages (it uses the scope's name).
        super().__init__(
            scope,
            STAGE,
            stack_name=PREFIX,
            description="Vigil security monitoring: API, jobs and data (prod)",
            **kwargs,
        )
        self.cfg = cfg
        self.alarm_topic = self._alarm_topic()
        self.tables = {spec.short: self._table(spec) for spec in registry.tables(PREFIX)}
        self.access_logs = self._access_log_bucket()
        self.buckets = {short: self._bucket(short) for short in registry.buckets()}
        self.pool, self.pool_client = self._user_pool()
        self.mail_identity_arn = self._mail_identity()
        self.async_dlq = self._dlq("AsyncFailures", f"{PREFIX}-async-failures")
        self.origin_secret = self._origin_secret()
        self.cursor_key = self._cursor_key()
        self.agent_token_key = self._agent_token_key()

        env: dict[str, str] = {
            **cfg.environment(),
            "VIGIL_USER_POOL_ID": self.pool.user_pool_id,
            "VIGIL_USER_POOL_CLIENT_ID": self.pool_client.user_pool_client_id,
        }
        for short, bucket in self.buckets.items():
            env[f"VIGIL_BUCKET_{short.upper()}"] = bucket.bucket_name
        # The app buckets' key (KMS_MANAGED: the account's AWS managed `aws/s3`, whose key policy
        # lets every principal of the account use it through S3): objects name it explicitly.
        # A dynamic reference: CloudFormation resolves it at deploy time, the template holds none.
        env["VIGIL_ORIGIN_SECRET"] = self.origin_secret.secret_value.unsafe_unwrap()
        env["VIGIL_CURSOR_KEY"] = self.cursor_key.secret_value.unsafe_unwrap()
        env["VIGIL_AGENT_TOKEN_KEY"] = self.agent_token_key.secret_value.unsafe_unwrap()
        # The dispatcher's shard function (its name is fixed by _wire_function: no reference cycle).
        env["VIGIL_DISPATCH_SHARD_FUNCTION"] = f"{PREFIX}-DispatchShard"
        env["VIGIL_S3_KMS_KEY_ID"] = self.format_arn(service="kms", resource="alias", resource_name="aws/s3")
        self.chalice = VigilChalice(
            self, "Chalice", source_dir=source_dir, stage_config={"environment_variables": env}
        )
        self.functions = registry.functions_from_sam(self.chalice.sam)

        consumed = {q for f in self.functions for q in f.queues}
        names = list(dict.fromkeys([settings.queue_name(q) for q in QUEUES] + sorted(consumed)))
        self.queues = {name: self._queue(name) for name in names}

        self.roles: dict[str, CfnResource] = {}
        for spec in self.functions:
            self._wire_function(spec)
        self._deny_invoice_deletion()
        self._api()
        self._api_alarms()
        self._results_alarm()
        self._console()
        self._outputs()

    # --- data ---------------------------------------------------------------------------------

    def _table(self, spec: TableSpec) -> dynamodb.Table:
        def attr(pair: tuple[str, str] | None) -> dynamodb.Attribute | None:
            return dynamodb.Attribute(name=pair[0], type=_ATTR_TYPES[pair[1]]) if pair else None

        table = dynamodb.Table(
            self,
            f"Table-{spec.short}",
            table_name=spec.name,
            partition_key=attr(spec.hash_key),
            sort_key=attr(spec.range_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=self.cfg.deletion_protection,
            time_to_live_attribute=spec.ttl_attribute,
            removal_policy=KEEP,
        )
        for index in spec.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=attr(index.hash_key),
                sort_key=attr(index.range_key),
                projection_type=_PROJECTIONS[index.projection],
                non_key_attributes=list(index.non_key_attributes) or None,
            )
        suppress.skip(table, suppress.DDB_NO_CMK)
        return table

    def _access_log_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            bucket_name=f"{PREFIX}-access-logs-{Aws.ACCOUNT_ID}",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # Server access log delivery supports SSE-S3 only.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=Duration.days(365),
                    noncurrent_version_expiration=Duration.days(30),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            removal_policy=KEEP,
        )
        suppress.skip(
            bucket, ("CKV_AWS_18", "This is the access-log sink; logging it into itself would loop.")
        )
        return bucket

    def _bucket(self, short: str) -> s3.Bucket:
        years = LOCKED_BUCKETS.get(short)
        bucket = s3.Bucket(
            self,
            f"Bucket-{short}",
            # Bucket names are global: the account id keeps `vigil-prod-<short>` unique; the app
            # is told the name through VIGIL_BUCKET_<SHORT> (settings.bucket_name).
            bucket_name=f"{settings.bucket_name(short)}-{Aws.ACCOUNT_ID}",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.KMS_MANAGED,
            bucket_key_enabled=True,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{short}/",
            object_lock_enabled=bool(years),
            lifecycle_rules=[
                s3.LifecycleRule(
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                    # Replaced/deleted logos and reports; locked buckets keep versions for the lock.
                    noncurrent_version_expiration=None if years else Duration.days(30),
                )
            ],
            removal_policy=KEEP,
        )
        if years:
            cfn = bucket.node.default_child
            assert isinstance(cfn, s3.CfnBucket)
            cfn.add_property_override(
                "ObjectLockConfiguration",
                {
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": years}},
                },
            )
        return bucket

    # --- identity and mail --------------------------------------------------------------------

    def _user_pool(self) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        pool = cognito.UserPool(
            self,
            "Users",
            user_pool_name=f"{PREFIX}-users",
            sign_in_aliases=cognito.SignInAliases(email=True, username=False),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            # a changed address takes effect only once its code is confirmed; until then the old
            # (verified) one stays in the token (AttributesRequireVerificationBeforeUpdate)
            keep_original=cognito.KeepOriginalAttrs(email=True),
            self_sign_up_enabled=False,  # users are created by admins/partners through the API
            password_policy=cognito.PasswordPolicy(
                min_length=10,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(7),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=self.cfg.deletion_protection,
            removal_policy=KEEP,
        )
        client = pool.add_client(
            "Console",
            user_pool_client_name="vigil-console",
            generate_secret=False,
            # Passwords are evaluated by the API only (AdminInitiateAuth, behind its throttle):
            # no USER_PASSWORD_AUTH or SRP that a browser could call Cognito with directly.
            auth_flows=cognito.AuthFlow(admin_user_password=True, user_password=False, user_srp=False),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
        return pool, client

    def _mail_identity(self) -> str:
        identity = ses.EmailIdentity(
            self,
            "MailDomain",
            identity=ses.Identity.domain(self.cfg.mail_domain),
            configuration_set=self._mail_configuration_set(),
        )
        self._dkim = identity
        return self.format_arn(service="ses", resource="identity", resource_name=self.cfg.mail_domain)

    def _generated_secret(
        self, construct_id: str, name: str, description: str, removal: RemovalPolicy, kept_for: str
    ) -> secretsmanager.Secret:
        """A random value made by Secrets Manager at deploy time (CDK cannot make one at synth);
        the functions and CloudFront resolve it through dynamic references, so the template holds
        none. ``kept_for`` completes the reason for the AWS managed key."""
        secret = secretsmanager.Secret(
            self,
            construct_id,
            secret_name=f"{PREFIX}/{name}",
            description=description,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=48, exclude_punctuation=True
            ),
            removal_policy=removal,
        )
        suppress.skip(
            secret,
            (
                "CKV_AWS_149",
                "Encrypted with the AWS managed aws/secretsmanager key: only CloudFormation reads "
                "it (dynamic references at deploy time), no role decrypts it at run time"
                f"{kept_for}; a CMK would add 1 USD/month for no custody requirement.",
            ),
        )
        return secret

    def _origin_secret(self) -> secretsmanager.Secret:
        """What CloudFront sends to the API as `x-vigil-origin-secret` (chalicelib.http.client_ip):
        the distribution's origin header and the functions' environment both resolve it. Rotate
        by changing it and deploying again."""
        return self._generated_secret(
            "OriginSecret",
            "origin-secret",
            "CloudFront to API Gateway: proves x-vigil-client-ip was set by our distribution",
            RemovalPolicy.DESTROY,
            ", and the value only vouches for the login throttle's client address",
        )

    def _cursor_key(self) -> secretsmanager.Secret:
        """HMAC key of the list cursors (chalicelib.settings.cursor_key): a cursor is only passed
        back to DynamoDB when this key signed it for the same list and org. Rotating it
        invalidates the cursors in flight (clients get a 400 and start the list again)."""
        return self._generated_secret(
            "CursorKey",
            "cursor-key",
            "HMAC key of the API's list cursors",
            RemovalPolicy.DESTROY,
            ", and the value only signs list cursors",
        )

    def _agent_token_key(self) -> secretsmanager.Secret:
        """Key of the agent tokens' keyed hash (chalicelib.hosts.tokens): without it the app
        refuses to hash outside local mode, so host creation and every heartbeat would fail.
        Kept: a new key invalidates every installed agent's token (each host then needs
        `POST …/hosts/{id}/token`), so it survives updates and deletes."""
        return self._generated_secret(
            "AgentTokenKey",
            "agent-token-key",
            "HMAC key of the stored agent-token hashes",
            KEEP,
            "",
        )

    def _mail_configuration_set(self) -> ses.ConfigurationSet:
        """Default configuration set of the sending identity (the app names none itself).

        Bounces, complaints and rejects go to the SNS topic `<prefix>-mail-events` (mailed to the
        alarm address); bounced and complaining addresses are suppressed for this set. The
        account-level suppression list (on by default) is documented in docs/deploy.md.
        """
        topic = sns.Topic(
            self,
            "MailEvents",
            topic_name=f"{PREFIX}-mail-events",
            master_key=self.alarm_key,
            enforce_ssl=True,
        )
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("ses.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={"StringEquals": {"AWS:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
        self.alarm_key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("ses.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # this key
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
        if self.cfg.alarm_email:
            topic.add_subscription(subs.EmailSubscription(self.cfg.alarm_email))
        config_set = ses.ConfigurationSet(
            self,
            "MailConfig",
            configuration_set_name=f"{PREFIX}-mail",
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
            reputation_metrics=True,
            sending_enabled=True,
        )
        config_set.add_event_destination(
            "BouncesAndComplaints",
            configuration_set_event_destination_name="bounces-complaints",
            destination=ses.EventDestination.sns_topic(topic),
            events=[
                ses.EmailSendingEvent.BOUNCE,
                ses.EmailSendingEvent.COMPLAINT,
                ses.EmailSendingEvent.REJECT,
            ],
        )
        self.mail_events = topic
        self.mail_config = config_set
        return config_set

    # --- queues -------------------------------------------------------------------------------

    def _dlq(self, cid: str, name: str) -> sqs.Queue:
        dlq = sqs.Queue(
            self,
            cid,
            queue_name=name,
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        suppress.skip(dlq, suppress.SQS_SSE_SQS)
        self._alarm(
            f"{cid}Depth",
            dlq.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5), statistic="Maximum"
            ),
            f"{name}: messages that failed {MAX_RECEIVE_COUNT} times wait here",
        )
        return dlq

    def _queue(self, name: str) -> sqs.Queue:
        cid = "Queue-" + name.removeprefix(PREFIX + "-")
        dlq = self._dlq(cid + "-Dlq", f"{name}-dlq")
        queue = sqs.Queue(
            self,
            cid,
            queue_name=name,
            # AWS's advice for Lambda consumers: six times the function timeout.
            visibility_timeout=Duration.seconds(6 * LAMBDA_TIMEOUT_S),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=MAX_RECEIVE_COUNT, queue=dlq),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        suppress.skip(queue, suppress.SQS_SSE_SQS)
        self._alarm(
            f"{cid}Age",
            queue.metric_approximate_age_of_oldest_message(period=Duration.minutes(5), statistic="Maximum"),
            f"{name}: a message waited {QUEUE_AGE_ALARM_S} s or more (workers behind or failing)",
            threshold=QUEUE_AGE_ALARM_S,
        )
        return queue

    # --- functions ----------------------------------------------------------------------------

    def _wire_function(self, spec: FunctionSpec) -> None:
        fn = self.chalice.get_resource(spec.logical_id)
        name = f"{PREFIX}-{spec.logical_id}"
        fn.add_property_override("FunctionName", name)
        # Failed asynchronous invocations (schedules) are kept instead of dropped after 2 retries.
        fn.add_property_override("DeadLetterQueue", {"Type": "SQS", "TargetArn": self.async_dlq.queue_arn})
        log_group = logs.CfnLogGroup(
            self,
            f"Logs-{spec.logical_id}",
            log_group_name=f"/aws/lambda/{name}",
            retention_in_days=self.cfg.log_retention_days,
        )
        log_group.apply_removal_policy(RemovalPolicy.DESTROY)
        suppress.skip(log_group, suppress.LOGS_NO_CMK)
        fn.add_resource_dependency(log_group)  # else Lambda creates it, without retention
        for queue_name in spec.queues:
            # The event source mapping needs the queue to exist.
            queue_cfn = self.queues[queue_name].node.default_child
            assert isinstance(queue_cfn, CfnResource)
            fn.add_resource_dependency(queue_cfn)
        if spec.queues:
            # A burst of check batches must not take the account's whole concurrency from the API.
            for event_name, event in self.chalice.sam["Resources"][spec.logical_id]["Properties"][
                "Events"
            ].items():
                if event["Type"] == "SQS":
                    fn.add_property_override(
                        f"Events.{event_name}.Properties.ScalingConfig",
                        {"MaximumConcurrency": self.cfg.worker_max_concurrency},
                    )
        if spec.role_logical_id:
            role = self.chalice.get_resource(spec.role_logical_id)
            self.roles[spec.logical_id] = role
            role.add_property_override(
                "Policies",
                [
                    {
                        "PolicyName": "vigil-least-privilege",
                        "PolicyDocument": self._policy(spec, name).to_json(),
                    }
                ],
            )
        suppress.skip(
            fn,
            suppress.LAMBDA_NO_VPC,
            suppress.LAMBDA_NO_RESERVED_CONCURRENCY,
            suppress.LAMBDA_ENV_NOT_SECRET,
        )
        self._function_alarms(spec, name)
        if spec.logical_id in access.ASYNC_INVOKE:
            retries, max_age_s = access.ASYNC_INVOKE[spec.logical_id]
            invoke_config = lambda_.CfnEventInvokeConfig(
                self,
                f"AsyncInvoke-{spec.logical_id}",
                function_name=name,
                qualifier="$LATEST",
                maximum_retry_attempts=retries,
                maximum_event_age_in_seconds=max_age_s,
            )
            invoke_config.add_resource_dependency(fn)

    def _deny_invoice_deletion(self) -> None:
        """Belt and braces over Object Lock: no app role may delete or shorten an invoice."""
        for short in LOCKED_BUCKETS:
            bucket = self.buckets.get(short)
            if bucket is None:
                continue
            bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="AppRolesNeverDelete",
                    effect=iam.Effect.DENY,
                    principals=[iam.ArnPrincipal(r.get_att("Arn").to_string()) for r in self.roles.values()],
                    actions=["s3:DeleteObject*", "s3:PutObjectRetention", "s3:PutObjectLegalHold"],
                    resources=[bucket.arn_for_objects("*")],
                )
            )

    def _policy(self, spec: FunctionSpec, function_name: str) -> iam.PolicyDocument:
        doc = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    sid="Logs",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[
                        self.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name=f"/aws/lambda/{function_name}:*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    ],
                ),
                iam.PolicyStatement(
                    sid="AsyncFailures", actions=["sqs:SendMessage"], resources=[self.async_dlq.queue_arn]
                ),
            ]
        )
        profile = access.profile(spec.logical_id, spec.kind)
        if profile.tables:
            names = (
                list(self.tables)
                if access.ALL in profile.tables
                else [t for t in profile.tables if t in self.tables]
            )
            arns = [self.tables[t].table_arn for t in names]
            doc.add_statements(
                iam.PolicyStatement(
                    sid="Tables",
                    actions=list(access.TABLE_ACTIONS),
                    resources=arns + [f"{arn}/index/*" for arn in arns],
                )
            )
        for short, actions in sorted(profile.objects.items()):
            bucket = self.buckets[short]
            doc.add_statements(
                iam.PolicyStatement(
                    sid=f"Objects{short.capitalize()}",
                    actions=sorted(actions),
                    resources=[bucket.arn_for_objects("*")],
                ),
                # Without ListBucket, S3 answers a missing key with 403 instead of 404/NoSuchKey.
                iam.PolicyStatement(
                    sid=f"List{short.capitalize()}", actions=["s3:ListBucket"], resources=[bucket.bucket_arn]
                ),
            )
        if profile.mail:
            doc.add_statements(
                iam.PolicyStatement(
                    sid="Mail",
                    actions=["ses:SendRawEmail"],
                    resources=[self.mail_identity_arn],
                    conditions={"StringEquals": {"ses:FromAddress": self.cfg.mail_address}},
                )
            )
        if profile.users:
            doc.add_statements(
                iam.PolicyStatement(
                    sid="Users", actions=list(profile.users), resources=[self.pool.user_pool_arn]
                )
            )
        if profile.sends_to:
            doc.add_statements(
                iam.PolicyStatement(
                    sid="FanOut",
                    actions=["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
                    resources=[self.queues[settings.queue_name(q)].queue_arn for q in profile.sends_to],
                )
            )
        if profile.invokes:
            doc.add_statements(
                iam.PolicyStatement(
                    sid="FanOutInvoke",
                    actions=["lambda:InvokeFunction"],
                    resources=[
                        self.format_arn(
                            service="lambda",
                            resource="function",
                            resource_name=f"{PREFIX}-{logical}",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                        for logical in profile.invokes
                    ],
                )
            )
        if spec.queues and profile.consumes:
            doc.add_statements(
                iam.PolicyStatement(
                    sid="Consume",
                    actions=[
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:ChangeMessageVisibility",
                        "sqs:GetQueueAttributes",
                    ],
                    resources=[self.queues[q].queue_arn for q in spec.queues],
                )
            )
        return doc

    # --- monitoring ---------------------------------------------------------------------------

    def _alarm_topic(self) -> sns.Topic:
        key = kms.Key(
            self,
            "AlarmKey",
            alias=f"alias/{PREFIX}-alarms",
            enable_key_rotation=True,
            description="Encrypts the alarm topic; CloudWatch may use it to publish",
            removal_policy=RemovalPolicy.DESTROY,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )  # "*" = this key
        self.alarm_key = key
        topic = sns.Topic(self, "Alarms", topic_name=f"{PREFIX}-alarms", master_key=key, enforce_ssl=True)
        if self.cfg.alarm_email:
            topic.add_subscription(subs.EmailSubscription(self.cfg.alarm_email))
        return topic

    def _alarm(self, cid: str, metric: cloudwatch.IMetric, description: str, threshold: float = 1) -> None:
        alarm = cloudwatch.Alarm(
            self,
            cid,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))

    def _function_alarms(self, spec: FunctionSpec, name: str) -> None:
        def metric(metric_name: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name=metric_name,
                dimensions_map={"FunctionName": name},
                statistic="Sum",
                period=Duration.minutes(5),
            )

        self._alarm(f"Errors-{spec.logical_id}", metric("Errors"), f"{name} ({spec.kind}) raised errors")
        self._alarm(
            f"Throttles-{spec.logical_id}", metric("Throttles"), f"{name} ({spec.kind}) was throttled"
        )
        # Near its timeout a run is about to be killed: the dispatcher would then skip minutes.
        timeout_s = int(self.chalice.sam["Resources"][spec.logical_id]["Properties"]["Timeout"])
        duration = metric("Duration").with_(statistic="Maximum")
        self._alarm(
            f"Duration-{spec.logical_id}",
            duration,
            f"{name} ({spec.kind}) ran longer than {DURATION_ALARM_SHARE:.0%} of its {timeout_s} s timeout",
            threshold=DURATION_ALARM_SHARE * timeout_s * 1000,
        )

    def _results_alarm(self) -> None:
        """Batches were queued in 5 minutes but no worker wrote a result (stuck or failing)."""
        queue = self.queues[settings.queue_name(QUEUES[0])]
        sent = queue.metric_number_of_messages_sent(period=Duration.minutes(5), statistic="Sum")
        written = cloudwatch.Metric(
            namespace=RESULTS_METRIC[0],
            metric_name=RESULTS_METRIC[1],
            statistic="Sum",
            period=Duration.minutes(5),
        )
        self._alarm(
            "NoResultsWritten",
            cloudwatch.MathExpression(
                expression="IF(FILL(sent, 0) > 0 AND FILL(written, 0) < 1, 1, 0)",
                using_metrics={"sent": sent, "written": written},
                period=Duration.minutes(5),
                label="batches queued, no results written",
            ),
            f"{settings.queue_name(QUEUES[0])}: batches were queued in 5 minutes but no check result "
            "was written",
        )

    # --- API Gateway --------------------------------------------------------------------------

    def _api(self) -> None:
        api = self.chalice.get_resource("RestAPI")
        origin = self.cfg.cors_origins.split(",")[0].strip()
        headers = {
            "gatewayresponse.header.Content-Type": "'application/problem+json'",
            "gatewayresponse.header.Access-Control-Allow-Origin": f"'{origin}'",
        }
        responses = {
            "UNAUTHORIZED": (
                401,
                "Unauthorized",
                "A valid bearer token is required.",
                {"gatewayresponse.header.WWW-Authenticate": "'Bearer error=\"invalid_token\"'"},
            ),
            "ACCESS_DENIED": (403, "Forbidden", "The token does not allow this request.", {}),
            # API Gateway's answer to an unknown path is a 403 "Missing Authentication Token".
            "MISSING_AUTHENTICATION_TOKEN": (404, "Not Found", "No such resource.", {}),
            "THROTTLED": (
                429,
                "Too Many Requests",
                "Slow down and retry later.",
                {"gatewayresponse.header.Retry-After": "'1'"},
            ),
        }
        gateway_responses = {
            kind: {
                "statusCode": str(status),
                "responseParameters": {**headers, **extra},
                "responseTemplates": {"application/json": _problem(status, title, detail)},
            }
            for kind, (status, title, detail, extra) in responses.items()
        }
        for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
            gateway_responses[kind] = {
                "responseParameters": headers,
                "responseTemplates": {
                    "application/json": '{"type":"about:blank","title":$context.error.messageString}'
                },
            }
        api.add_property_override("DefinitionBody.x-amazon-apigateway-gateway-responses", gateway_responses)

        # Access logs and execution errors need the account-wide API Gateway logging role.
        push_role = iam.Role(
            self,
            "ApiGatewayLogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        )
        account = apigw.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=push_role.role_arn)
        access_logs = logs.CfnLogGroup(
            self,
            "ApiAccessLogs",
            log_group_name=f"/aws/apigateway/{PREFIX}",
            retention_in_days=self.cfg.log_retention_days,
        )
        access_logs.apply_removal_policy(RemovalPolicy.DESTROY)
        suppress.skip(access_logs, suppress.LOGS_NO_CMK)
        api.add_property_override(
            "AccessLogSetting",
            {
                "DestinationArn": access_logs.attr_arn,
                "Format": json.dumps(
                    {
                        "requestId": "$context.requestId",
                        "ip": "$context.identity.sourceIp",
                        "time": "$context.requestTimeEpoch",
                        "method": "$context.httpMethod",
                        "path": "$context.resourcePath",
                        "status": "$context.status",
                        "latencyMs": "$context.responseLatency",
                        "principal": "$context.authorizer.principalId",
                        "error": "$context.error.message",
                    },
                    separators=(",", ":"),
                ),
            },
        )
        api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "MetricsEnabled": True,
                    "LoggingLevel": "ERROR",
                    "DataTraceEnabled": False,
                    "ThrottlingRateLimit": self.cfg.api_throttle_rate,
                    "ThrottlingBurstLimit": self.cfg.api_throttle_burst,
                }
            ],
        )
        api.add_property_override("TracingEnabled", True)
        # Any OpenApiVersion stops SAM from adding its extra stage "Stage" (no throttling, no
        # logs) next to ours; the definition Chalice writes is Swagger 2.0.
        api.add_property_override("OpenApiVersion", "2.0")
        # API Gateway creates its execution log group on first use, without retention.
        stage = self.chalice.sam["Resources"]["RestAPI"]["Properties"]["StageName"]
        execution_logs = logs.CfnLogGroup(
            self,
            "ApiExecutionLogs",
            log_group_name=Fn.join("", ["API-Gateway-Execution-Logs_", api.ref, f"/{stage}"]),
            retention_in_days=self.cfg.log_retention_days,
        )
        execution_logs.apply_removal_policy(RemovalPolicy.DESTROY)
        suppress.skip(execution_logs, suppress.LOGS_NO_CMK)
        api.add_resource_dependency(account)
        suppress.skip(
            api,
            (
                "CKV_AWS_120",
                "Responses are per user and tenant; a gateway cache "
                "could serve one tenant's data to another.",
            ),
        )

    def _api_alarms(self) -> None:
        # Errors the app turns into problem+json 5xx never count as Lambda errors; watch the API.
        props = self.chalice.sam["Resources"]["RestAPI"]["Properties"]
        self._alarm(
            "Api5xx",
            cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map={
                    "ApiName": props["DefinitionBody"]["info"]["title"],
                    "Stage": props["StageName"],
                },
                statistic="Sum",
                period=Duration.minutes(5),
            ),
            "the API answered 5xx (app errors, integration failures)",
            threshold=5,
        )

    # --- console (web/) -----------------------------------------------------------------------

    def _console(self) -> None:
        """web/ in a private bucket behind CloudFront; the API under the same origin at /<stage>.

        Same origin means the console needs no CORS and works on the distribution's own
        *.cloudfront.net name without a certificate; `cors_origins` still governs other origins.
        The files are this repository's web/ (also for a fixture app's synth), not the app's.
        """
        bucket = s3.Bucket(
            self,
            "ConsoleBucket",
            bucket_name=f"{PREFIX}-console-{Aws.ACCOUNT_ID}",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # SSE-S3: CloudFront's OAC could read SSE-KMS only with a customer managed key policy.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="console/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                    noncurrent_version_expiration=Duration.days(30),
                )
            ],
            # Like the other buckets: a versioned bucket with objects would fail a stack deletion.
            removal_policy=KEEP,
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "ConsoleHeaders",
            response_headers_policy_name=f"{PREFIX}-console-headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365), include_subdomains=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=self._console_csp(), override=True
                ),
            ),
        )
        api_id = self.chalice.get_resource("RestAPI").ref
        stage = self.chalice.sam["Resources"]["RestAPI"]["Properties"]["StageName"]
        api_origin = origins.HttpOrigin(
            f"{api_id}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
            # Overwrites a viewer's header of the same name; the app trusts x-vigil-client-ip
            # only next to this value.
            custom_headers={ORIGIN_SECRET_HEADER: self.origin_secret.secret_value.unsafe_unwrap()},
        )
        client_ip = cloudfront.Function(
            self,
            "ClientIpFunction",
            function_name=f"{PREFIX}-client-ip",
            comment="viewer address -> x-vigil-client-ip (API Gateway sees only the edge)",
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            code=cloudfront.FunctionCode.from_inline(CLIENT_IP_FUNCTION),
        )
        files_origin = origins.S3BucketOrigin.with_origin_access_control(bucket)  # one OAC for both
        status_page = cloudfront.Function(
            self,
            "StatusPageFunction",
            function_name=f"{PREFIX}-status-page",
            comment="/status/<slug> -> /status.html (the public status page)",
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            code=cloudfront.FunctionCode.from_inline(STATUS_PAGE_FUNCTION),
        )
        self.console_distribution = cloudfront.Distribution(
            self,
            "Console",
            comment=f"{PREFIX} console and API",
            default_root_object="index.html",
            # No minimum_protocol_version: it needs a custom domain's certificate (docs/deploy.md).
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_behavior=cloudfront.BehaviorOptions(
                origin=files_origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                compress=True,
            ),
            additional_behaviors={
                f"/{stage}/*": cloudfront.BehaviorOptions(
                    origin=api_origin,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                    response_headers_policy=headers,
                    function_associations=[
                        cloudfront.FunctionAssociation(
                            function=client_ip, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                        )
                    ],
                ),
                "/status/*": cloudfront.BehaviorOptions(
                    origin=files_origin,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                    response_headers_policy=headers,
                    compress=True,
                    function_associations=[
                        cloudfront.FunctionAssociation(
                            function=status_page, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                        )
                    ],
                ),
            },
        )
        suppress.skip(self.console_distribution, *suppress.CONSOLE_CDN)
        # The same file `make run` serves (chalicelib/local/web.py), with the API's path here.
        config = config_js(f"/{stage}").decode()
        deployment = s3deploy.BucketDeployment(
            self,
            "ConsoleFiles",
            destination_bucket=bucket,
            sources=[
                s3deploy.Source.asset(str(WEB_ROOT), exclude=["config.js"]),
                s3deploy.Source.data("config.js", config),
                # the host agent, built here reproducibly; its checksum is in every function's
                # environment (VIGIL_AGENT_SHA256, config.environment), so the install command
                # the API hands out verifies exactly this file
                s3deploy.Source.asset(str(_agent_downloads())),
            ],
            distribution=self.console_distribution,
            distribution_paths=["/*"],
            memory_limit=256,
            log_group=self._deploy_log_group(),
        )
        self.console_bucket = bucket
        self.console_files = deployment
        # CDK's deployment function is a singleton at stack level, not a child of the deployment.
        singleton = [c for c in self.node.find_all() if "CDKBucketDeployment" in c.node.path]
        (fn,) = [c for c in singleton if isinstance(c, lambda_.CfnFunction)]
        (policy,) = [c for c in singleton if isinstance(c, iam.CfnPolicy)]
        suppress.skip(fn, *suppress.DEPLOY_FUNCTION)
        # Its role's policy allows invalidations on "*"; the third statement (after the asset and
        # console bucket grants) is that one: only this distribution (tested).
        policy.add_property_override(
            "PolicyDocument.Statement.2.Resource", self.console_distribution.distribution_arn
        )
        # It depends on its role through Role's GetAtt already (cfn-lint W3005); keep the policy.
        fn.add_override("DependsOn", [self.get_logical_id(policy)])

    def _console_csp(self) -> str:
        """web/index.html loads only its own scripts, styles, i18n JSON and calls /v1 (same origin);
        images: data: (favicon, previews), blob: (downloads) and the logo's presigned URL from the
        files bucket (virtual-hosted, global or regional S3 name, as boto3 may sign either)."""
        files = self.buckets["files"].bucket_name if "files" in self.buckets else None
        images = ["'self'", "data:", "blob:"]
        if files:
            images += [
                f"https://{files}.s3.{Aws.URL_SUFFIX}",
                f"https://{files}.s3.{Aws.REGION}.{Aws.URL_SUFFIX}",
            ]
        directives = {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": images,
            "connect-src": ["'self'"],
            "font-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
        }
        return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())

    def _deploy_log_group(self) -> logs.LogGroup:
        group = logs.LogGroup(
            self,
            "ConsoleFilesLogs",
            log_group_name=f"/aws/lambda/{PREFIX}-console-files",
            removal_policy=RemovalPolicy.DESTROY,
        )
        cfn = group.node.default_child
        assert isinstance(cfn, logs.CfnLogGroup)
        cfn.add_property_override("RetentionInDays", self.cfg.log_retention_days)
        suppress.skip(cfn, suppress.LOGS_NO_CMK)
        return group

    def _outputs(self) -> None:
        stage = self.chalice.sam["Resources"]["RestAPI"]["Properties"]["StageName"]
        CfnOutput(
            self,
            "ConsoleUrl",
            description=f"The console (and the API under /{stage})",
            value=f"https://{self.console_distribution.distribution_domain_name}/",
        )
        CfnOutput(self, "UserPoolId", value=self.pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.pool_client.user_pool_client_id)
        CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic_arn)
        for short, bucket in self.buckets.items():
            CfnOutput(self, f"Bucket{short.capitalize()}", value=bucket.bucket_name)
        for i in (1, 2, 3):
            CfnOutput(
                self,
                f"DkimRecord{i}",
                description="CNAME to publish in the mail domain's DNS (Easy DKIM)",
                value=f"{getattr(self._dkim, f'dkim_dns_token_name{i}')} CNAME "
                f"{getattr(self._dkim, f'dkim_dns_token_value{i}')}",
            )
