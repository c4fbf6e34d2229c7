"""What each Lambda function of the app may touch: one access profile per function.

Derived from what each handler calls (its import closure and the AWS calls in it, reviewed by
hand; see the comments). The stack turns a profile into that function's own role policy, and
infra/tests/test_iam.py asserts every function's allowed actions, so widening a profile shows
up in review as a test change.

A function the app adds without a profile here gets ``DEFAULT`` (every table, sending to the
fan-out queue, consuming its own queue): it works for table-only jobs and fails loudly (AccessDenied in its
log, Errors alarm) for anything more (objects, mail, users), until a profile is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Item-level actions on tables (no Scan anywhere: request and scheduled paths query by key).
TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)
#: Functions invoked asynchronously by another (fan-out): (maximum retry attempts, maximum event
#: age in seconds). A dispatcher shard run older than a minute is dropped, never run late next to
#: the following minute's (issue #19 §2); a dropped event goes to the async-failures queue.
ASYNC_INVOKE: dict[str, tuple[int, int]] = {"DispatchShard": (0, 60)}

#: Every table short name the app registers today (registry.tables); "*" in a profile means all.
ALL = "*"


@dataclass(frozen=True)
class Profile:
    #: table short names, or (ALL,)
    tables: tuple[str, ...] = ()
    #: bucket short name -> S3 object actions (s3:ListBucket is granted on the bucket if listed)
    objects: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: ses:SendRawEmail from the configured sender
    mail: bool = False
    #: cognito-idp admin actions on the user pool
    users: tuple[str, ...] = ()
    #: queues (settings.queue_name short names) it sends to
    sends_to: tuple[str, ...] = ()
    #: True: consume its event-source queues (added from the SAM template, not listed here)
    consumes: bool = True
    #: logical ids of the app's functions it invokes (lambda:InvokeFunction, asynchronously)
    invokes: tuple[str, ...] = ()


#: The authorizer verifies tokens against the pool's public JWKS: no data access at all.
AUTHORIZER = Profile(consumes=False)
DEFAULT = Profile(tables=(ALL,), sends_to=("check-batches",))

PROFILES: dict[str, Profile] = {
    # Every route: all tables; logos and reports (files) incl. delete and list (report purge on
    # the delete route); invoices are read (presigned download) and written when an order is
    # paid (orders.py -> invoices.deliver -> store_documents), never deleted; invitation and
    # member mails; user administration (team/service.py, orgs/signup.py: pending signups are
    # disabled pool users, enabled and marked verified once their code is confirmed).
    "APIHandler": Profile(
        tables=(ALL,),
        objects={
            "files": ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
            # PutObjectRetention: each invoice object is written with its own retain-until date
            # (31 Dec of issue year + 8, storage.put_once); credit notes are issued on the route
            # that deletes a linked customer
            "invoices": ("s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"),
        },
        mail=True,
        users=(
            "cognito-idp:AdminCreateUser",
            "cognito-idp:AdminSetUserPassword",
            "cognito-idp:AdminDeleteUser",
            "cognito-idp:AdminGetUser",
            "cognito-idp:AdminDisableUser",
            "cognito-idp:AdminEnableUser",
            "cognito-idp:AdminUpdateUserAttributes",
            # login, first-login password, password reset: auth/cognito.py
            "cognito-idp:AdminInitiateAuth",
            "cognito-idp:AdminRespondToAuthChallenge",
            "cognito-idp:AdminUserGlobalSignOut",
        ),
    ),
    "JwtAuth": AUTHORIZER,
    # monitoring/dispatcher.dispatch: moves the cursor (monitoring) and invokes one shard run
    # per by_due shard (fan-out); it reads no endpoint and sends no batch itself.
    "DispatchChecks": Profile(tables=("monitoring",), invokes=("DispatchShard",)),
    # monitoring/dispatcher.run_shard: due endpoints of a shard (monitoring), plan states
    # (billing), sends batches to the check queue.
    "DispatchShard": Profile(tables=("monitoring", "billing"), sends_to=("check-batches",), consumes=False),
    # monitoring/worker.py fetches customer-controlled URLs: results, rollups, status
    # (monitoring), incidents and alert mails (core), plan (billing). No objects, no users.
    "CheckWorker": Profile(tables=("monitoring", "core", "billing"), mail=True),
    # mail/service.py: the outbox in the core table, SES.
    "MailOutbox": Profile(tables=("core",), mail=True),
    # orgs/deletion.py + chalicelib/purge.py: every domain's purger, the org's files, its users.
    "OrgPurge": Profile(
        tables=(ALL,),
        objects={"files": ("s3:DeleteObject",)},
        users=("cognito-idp:AdminDeleteUser",),
    ),
    # orgs/signup.py purge_expired: unconfirmed signups (core) with their pool users.
    "SignupPurge": Profile(tables=("core",), users=("cognito-idp:AdminDeleteUser",)),
    # billing/run.py + invoices.deliver_pending: renders and stores invoices, mails them.
    "BillingRun": Profile(
        tables=("billing", "core"),
        objects={"invoices": ("s3:GetObject", "s3:PutObject", "s3:PutObjectRetention")},
        mail=True,
    ),
    # billing/trials.py: reminders and expiry.
    "BillingTrials": Profile(tables=("billing", "core"), mail=True),
    # hosts/offline.py: heartbeats (hosts), alerts (core, mail), plan (billing).
    "HostsOffline": Profile(tables=("hosts", "core", "billing"), mail=True),
    # reports/scheduled.py: data from monitoring/hosts, renders the PDF with the logo into files
    # (delete = compensation when the record write fails), mails it.
    "ReportSchedules": Profile(
        tables=("core", "hosts", "monitoring", "reports"),
        objects={"files": ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")},
        mail=True,
    ),
}


def profile(logical_id: str, kind: str) -> Profile:
    if kind == "authorizer":
        return AUTHORIZER
    return PROFILES.get(logical_id, DEFAULT)
