"""The test harness itself: the per-process emulated account is really put back between tests,
and ``fresh_aws`` really builds a new one (tests/conftest.py, tests/support/emulator.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import aws as clients
from chalicelib import clock, settings
from chalicelib.local.bootstrap import BUCKETS, Resources, import_models
from tests.support import Api, mails, seed_world
from tests.support.emulator import Emulator
from tests.support.world import upload_logo


def _table_sizes() -> dict[str, int]:
    ddb = clients.client("dynamodb")
    return {
        name: ddb.scan(TableName=name, Select="COUNT")["Count"] for name in ddb.list_tables()["TableNames"]
    }


def _bucket_contents() -> dict[str, int]:
    s3 = clients.client("s3")
    found = {}
    for bucket in s3.list_buckets()["Buckets"]:
        listed = s3.list_object_versions(Bucket=bucket["Name"])
        found[bucket["Name"]] = len(listed.get("Versions", [])) + len(listed.get("DeleteMarkers", []))
    return found


def test_the_reset_puts_the_account_back_as_bootstrap_left_it(
    api: Api, aws: Resources, emulator: Emulator
) -> None:
    # GIVEN a test that used every service, and changed what it should not have
    w = seed_world(api, team=True)
    upload_logo(api, w.customer_id, w.partner_token)
    ses, sqs, ddb, s3 = (clients.client(n) for n in ("ses", "sqs", "dynamodb", "s3"))
    ses.send_email(
        Source=settings.mail_sender(),
        Destination={"ToAddresses": ["x@example.com"]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
    )
    queue = sqs.create_queue(QueueName="left-behind")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="{}")
    ddb.delete_table(TableName=settings.table_name("billing"))
    ddb.create_table(
        TableName="vigil-test-stray",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    s3.create_bucket(
        Bucket="stray-bucket", CreateBucketConfiguration={"LocationConstraint": settings.region()}
    )
    s3.put_object(Bucket="stray-bucket", Key="k", Body=b"x")
    ses.delete_identity(Identity=settings.mail_sender().rsplit("<", 1)[-1].rstrip(">"))
    clock.set_now(datetime(2030, 1, 1, tzinfo=UTC))
    assert mails() and any(_table_sizes().values())

    # WHEN the next test asks for the account
    assert emulator.ready() == aws

    # THEN it is as bootstrap left it: same pool, nothing stored, no mail, no queue, real time
    models: list[Any] = import_models()
    assert _table_sizes() == {model.Meta.table_name: 0 for model in models}
    assert _bucket_contents() == {settings.bucket_name(short): 0 for short in BUCKETS}
    idp = clients.client("cognito-idp")
    assert [p["Id"] for p in idp.list_user_pools(MaxResults=60)["UserPools"]] == [aws.user_pool_id]
    assert idp.list_users(UserPoolId=aws.user_pool_id)["Users"] == []
    assert mails() == []
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert clock.now().year < 2030
    # and the app works in it again: the same people sign up anew, mail goes out again
    w = seed_world(api)
    r = api.post(
        f"/orgs/{w.customer_id}/members", w.partner_token, {"email": "neu@example.com", "role": "guest"}
    )
    assert r.status == 201, r
    assert mails("neu@example.com")


@pytest.mark.fresh_aws(env={"VIGIL_BUCKET_FILES": "vigil-fresh-files"})
def test_fresh_aws_bootstraps_a_new_account_with_the_environment_set_first(api: Api, aws: Resources) -> None:
    s3 = clients.client("s3")
    assert "vigil-fresh-files" in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    w = seed_world(api)
    upload_logo(api, w.customer_id, w.partner_token)
    assert s3.list_objects_v2(Bucket="vigil-fresh-files")["KeyCount"] == 1


@pytest.mark.unit
def test_a_unit_test_has_no_account(aws: Resources | None) -> None:
    assert aws is None
