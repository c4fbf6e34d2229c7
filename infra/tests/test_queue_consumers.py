"""A queue consumer added to the app gets queue, DLQ, ordering and permissions with no infra edit.

The real app has no `@on_sqs_message` yet, so the stack is synthesized against
tests/fixture_app, which has two consumers: one on the fan-out queue infra always creates,
one on a queue only the app names.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import by_prop, resources


def _consumer(raw: dict[str, Any], logical: str) -> dict[str, Any]:
    return dict(resources(raw, "AWS::Serverless::Function")[logical])


def test_a_queue_named_only_by_the_app_is_created_with_a_dlq(fixture_raw: dict[str, Any]) -> None:
    _logical, queue = by_prop(fixture_raw, "AWS::SQS::Queue", "QueueName", "vigil-prod-extra-work")
    dlq_logical, _ = by_prop(fixture_raw, "AWS::SQS::Queue", "QueueName", "vigil-prod-extra-work-dlq")
    assert queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_logical, "Arn"]}
    by_prop(fixture_raw, "AWS::SQS::Queue", "QueueName", "vigil-prod-check-batches")


def test_consumer_waits_for_its_queue_and_may_consume_only_it(fixture_raw: dict[str, Any]) -> None:
    for function, queue_name in (
        ("CheckWorker", "vigil-prod-check-batches"),
        ("ExtraWorker", "vigil-prod-extra-work"),
    ):
        queue_logical, _ = by_prop(fixture_raw, "AWS::SQS::Queue", "QueueName", queue_name)
        fn = _consumer(fixture_raw, function)
        assert queue_logical in fn["DependsOn"], "the event source mapping needs the queue"
        events = list(fn["Properties"]["Events"].values())
        assert events[0]["Type"] == "SQS" and queue_name in events[0]["Properties"]["Queue"]["Fn::Sub"]
        role = fixture_raw["Resources"][fn["Properties"]["Role"]["Fn::GetAtt"][0]]
        statements = {
            s["Sid"]: s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
        }
        consume = statements["Consume"]
        assert "sqs:ReceiveMessage" in consume["Action"] and "sqs:DeleteMessage" in consume["Action"]
        assert consume["Resource"] == {"Fn::GetAtt": [queue_logical, "Arn"]}


def test_producers_may_send_but_not_consume(fixture_raw: dict[str, Any]) -> None:
    fn = _consumer(fixture_raw, "Dispatch")
    assert next(iter(fn["Properties"]["Events"].values()))["Type"] == "Schedule"
    role = fixture_raw["Resources"][fn["Properties"]["Role"]["Fn::GetAtt"][0]]
    sids = {s["Sid"] for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]}
    assert "FanOut" in sids and "Consume" not in sids
