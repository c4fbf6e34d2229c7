"""Report schedules: weekly or monthly PDF reports mailed to a list of recipients.

Runs are at 06:00 UTC — weekly on Mondays (covering the previous Monday–Monday), monthly on
the 1st (covering the previous calendar month). The scheduled job (``scheduled.py``) does:

    for schedule in due_schedules(clock.now()):
        if not advance(schedule):          # another run took it
            continue
        period = period_for(schedule.frequency, run_at)   # run_at = the next_run it had
        ... load data, create_scheduled_report(schedule, period, data), mail the PDF ...

``advance`` moves ``next_run`` with a condition on the old value, so overlapping job runs
generate each report once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from chalicelib import clock, db, errors, ids, ratelimit
from chalicelib.audit import service as audit
from chalicelib.auth.access import Access, Action
from chalicelib.reports.models import (
    DUE_SHARDS,
    SCHEDULE_PREFIX,
    ReportSchedule,
    Target,
    due_pk,
    due_shard,
    org_pk,
)
from chalicelib.validation import Email, Strict

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action as UpdateAction

RUN_AT = time(6, 0, tzinfo=UTC)
MAX_SCHEDULES_PER_ORG = 20
MAX_RECIPIENTS = 10

#: Target type → dotted path of ``lookup(org_id, target_id) -> Optional[str]`` (the target's
#: name, None if it does not exist in the org): unknown targets are refused with 422, and the
#: scheduled job drops a schedule whose target was deleted meanwhile (``drop``).
TARGET_LOOKUPS: dict[str, str] = {
    "endpoint": "chalicelib.reports.sources.endpoint_name",
    "host": "chalicelib.reports.sources.host_name",
}

TargetId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]


class TargetIn(Strict):
    type: Literal["endpoint", "host"]
    id: TargetId


class ScheduleIn(Strict):
    target: TargetIn
    frequency: Literal["weekly", "monthly"]
    recipients: list[Email] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    language: Literal["de", "en"] | None = None  # default: the org's language

    @field_validator("recipients")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


def next_run(frequency: str, after: datetime) -> datetime:
    """The first run time strictly after ``after``."""
    after = after.astimezone(UTC)
    if frequency == "weekly":
        monday = datetime.combine(after.date() - timedelta(days=after.weekday()), RUN_AT)
        return monday if monday > after else monday + timedelta(days=7)
    if frequency == "monthly":
        first = datetime.combine(after.date().replace(day=1), RUN_AT)
        if first > after:
            return first
        year, month = (first.year + 1, 1) if first.month == 12 else (first.year, first.month + 1)
        return first.replace(year=year, month=month)
    raise ValueError(f"unknown frequency {frequency!r}")


def period_for(frequency: str, run_at: datetime) -> tuple[datetime, datetime]:
    """The period a run at ``run_at`` reports on: the previous week or calendar month."""
    end = datetime.combine(run_at.astimezone(UTC).date(), time(0, tzinfo=UTC))
    if frequency == "weekly":
        return end - timedelta(days=7), end
    if frequency == "monthly":
        end = end.replace(day=1)
        start = (end - timedelta(days=1)).replace(day=1)
        return start, end
    raise ValueError(f"unknown frequency {frequency!r}")


def _due_sk(run: datetime, org_id: str, schedule_id: str) -> str:
    return f"{clock.iso(run)}#{org_id}#{schedule_id}"


def view(s: ReportSchedule) -> dict[str, Any]:
    return {
        "id": s.schedule_id,
        "target": {"type": s.target.type, "id": s.target.id, "name": s.target.name},
        "frequency": s.frequency,
        "recipients": list(s.recipients or []),
        "language": s.language,
        "next_run": clock.iso(s.next_run),
        "last_run": clock.iso(s.last_run),
        "created_at": clock.iso(s.created_at),
    }


def _lookup(kind: str) -> Callable[[str, str], str | None] | None:
    path = TARGET_LOOKUPS.get(kind)
    if not path:
        return None
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def target_name(kind: str, org_id: str, target_id: str) -> str | None:
    """The target's current name; None when it does not exist (or the type has no lookup)."""
    lookup = _lookup(kind)
    return None if lookup is None else lookup(org_id, target_id)


def _target(org_id: str, target: TargetIn) -> Target:
    lookup = _lookup(target.type)
    name = None
    if lookup is not None:
        name = lookup(org_id, target.id)
        if name is None:
            raise errors.Unprocessable(
                errors.M("reports.no_such_target", type=errors.M(f"word.{target.type}"), id=target.id),
                {"target.id": errors.M("field.no_such_target", type=errors.M(f"word.{target.type}"))},
            )
    return Target(type=target.type, id=target.id, name=name)


def create(access: Access, body: ScheduleIn) -> dict[str, Any]:
    access.require(Action.WRITE)
    ratelimit.take("recipients", access.org_id)  # every schedule names addresses to mail
    existing = ReportSchedule.count(org_pk(access.org_id), ReportSchedule.sk.startswith(SCHEDULE_PREFIX))
    if existing >= MAX_SCHEDULES_PER_ORG:
        raise errors.Unprocessable(errors.M("limits.schedules", max=MAX_SCHEDULES_PER_ORG))
    target = _target(access.org_id, body.target)
    now = clock.now()
    schedule_id = ids.new_id("s")
    run = next_run(body.frequency, now)
    schedule = ReportSchedule(
        *ReportSchedule.key(access.org_id, schedule_id),
        gsi1pk=due_shard(schedule_id),
        gsi1sk=_due_sk(run, access.org_id, schedule_id),
        schedule_id=schedule_id,
        org_id=access.org_id,
        target=target,
        frequency=body.frequency,
        recipients=list(body.recipients),
        language=body.language or access.org.language or "de",
        next_run=run,
        created_at=now,
        created_by=access.principal.user_id,
    )
    entry = audit.entry(
        access,
        "report_schedule.created",
        schedule_id,
        {
            "target_type": target.type,
            "target_id": target.id,
            "frequency": body.frequency,
            "recipients": len(body.recipients),
        },
    )
    with db.transaction() as tx:
        tx.save(schedule, condition=ReportSchedule.pk.does_not_exist())
        tx.save(entry)
    from chalicelib.mail import recipients

    # addresses outside the org get the reports only once they confirmed (a link is mailed)
    recipients.ask(access.org_id, access.org.name, schedule.language, schedule.recipients)
    return view(schedule)


def list_schedules(access: Access, limit: int, cursor: str | None) -> dict[str, Any]:
    access.require(Action.READ)
    query = ReportSchedule.query(
        org_pk(access.org_id),
        ReportSchedule.sk.startswith(SCHEDULE_PREFIX),
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope := f"schedules/{access.org_id}"),
    )
    items, next_cursor = db.page(query, limit, scope)
    return {"items": [view(s) for s in items], "next": next_cursor}


def delete(access: Access, schedule_id: str) -> None:
    from pynamodb.exceptions import DoesNotExist, TransactWriteError

    access.require(Action.WRITE)
    if not (0 < len(schedule_id) <= 64 and schedule_id.isalnum()):
        raise errors.NotFound(errors.M("not_found.schedule"))
    try:
        schedule = ReportSchedule.get(*ReportSchedule.key(access.org_id, schedule_id))
    except DoesNotExist as exc:
        raise errors.NotFound(errors.M("not_found.schedule")) from exc
    entry = audit.entry(
        access,
        "report_schedule.deleted",
        schedule_id,
        {"target_type": schedule.target.type, "target_id": schedule.target.id},
    )
    try:
        with db.transaction() as tx:
            tx.delete(schedule, condition=ReportSchedule.pk.exists())
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            raise errors.NotFound(errors.M("not_found.schedule")) from exc
        raise


def due_schedules(now: datetime, limit_per_shard: int = 100) -> list[ReportSchedule]:
    """Schedules whose ``next_run`` is at or before ``now``, oldest first (Query per shard)."""
    bound = f"{clock.iso(now)}#~"  # '~' sorts after every id character: includes `now` itself
    due: list[ReportSchedule] = []
    for shard in range(DUE_SHARDS):
        due.extend(
            ReportSchedule.by_due.query(due_pk(shard), ReportSchedule.gsi1sk <= bound, limit=limit_per_shard)
        )
    return sorted(due, key=lambda s: (s.next_run, s.schedule_id))


def advance(schedule: ReportSchedule) -> bool:
    """Claim the run at ``schedule.next_run``: move next_run on, conditioned on the old value.

    Returns False when another job run claimed it already (or the schedule was deleted).
    """
    from pynamodb.exceptions import UpdateError

    ran = schedule.next_run
    following = next_run(schedule.frequency, ran)
    try:
        schedule.update(
            actions=[
                ReportSchedule.next_run.set(following),
                ReportSchedule.last_run.set(ran),
                ReportSchedule.gsi1sk.set(_due_sk(following, schedule.org_id, schedule.schedule_id)),
            ],
            condition=ReportSchedule.next_run == ran,
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release(schedule: ReportSchedule, ran: datetime, last_run: datetime | None) -> bool:
    """Undo ``advance`` after a failed run, so that the next job run tries again.

    Conditional on the claim still being ours (``next_run`` where ``advance`` put it).
    """
    from pynamodb.exceptions import UpdateError

    following = next_run(schedule.frequency, ran)
    actions: list[UpdateAction] = [
        ReportSchedule.next_run.set(ran),
        ReportSchedule.gsi1sk.set(_due_sk(ran, schedule.org_id, schedule.schedule_id)),
    ]
    actions.append(
        ReportSchedule.last_run.set(last_run) if last_run is not None else ReportSchedule.last_run.remove()
    )
    try:
        schedule.update(actions=actions, condition=ReportSchedule.next_run == following)
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def drop(schedule: ReportSchedule, reason: str) -> bool:
    """Delete a schedule whose target is gone (the job's decision, audited as the system).

    Chosen over a hook in the endpoint/host delete paths: it keeps the other packages
    untouched, and a dangling schedule costs nothing until its next run, where it is dropped.
    """
    from pynamodb.exceptions import TransactWriteError

    entry = audit.build(
        org_id=schedule.org_id,
        actor_id=f"schedule:{schedule.schedule_id}",
        actor_email=None,
        actor_role="system",
        actor_org_id=schedule.org_id,
        action="report_schedule.dropped",
        target=schedule.schedule_id,
        details={"target_type": schedule.target.type, "target_id": schedule.target.id, "reason": reason},
    )
    try:
        with db.transaction() as tx:
            tx.delete(schedule, condition=ReportSchedule.pk.exists())
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            return False  # deleted meanwhile
        raise
    return True
