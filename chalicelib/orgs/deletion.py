"""Deleting an org: hidden at once, purged asynchronously in resumable batches.

``DELETE /orgs/{id}`` is one transaction: the org item turns ``deleting`` (every route answers
404 from then on, ``/me`` and the partner's customer list drop it — its ``gsi1pk`` is removed),
its memberships are deleted (each leaving a ``LEFT#`` note so the purge can remove users that
belong nowhere else), the subscription is deleted (billing never charges a deleted org), a work
item is queued and the change is audited in the partner's own log (which outlives the org).
A linked customer with paid whole days left is deleted only with ``confirm_paid_subscription``;
the credit note for those days (``billing.credit_notes``) is finalized in the same transaction.
A team too large for one transaction (more than ``INLINE_MEMBERS``) loses the rest of its
memberships in the purge's first step; they are inert already, as the org answers 404.
Right after the transaction the request also cuts off what works without a user's session
(``cut_off``): the agent tokens are deleted (heartbeats answer 401) and the report PDFs too
(presigned links handed out before stop working) — at once, not when the purge gets there.

The scheduled ``org_purge`` job Queries the work list and runs every registered purger
(``chalicelib.purge.PURGERS``) for each org until all report done; the core-table purger runs
last because it deletes the org item itself. Every purger deletes a batch before looking at the
deadline, so each run makes progress, and a run cut short simply continues next time.
Invoices (bucket ``invoices``, billing invoice items) are legal records and never touched.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from typing import Any

from chalicelib import aws, clock, db, errors, settings, storage
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action
from chalicelib.billing.models import Subscription
from chalicelib.orgs.models import DEPARTED_PREFIX, PURGE_PK, DepartedMember, Org, PurgeJob, org_pk
from chalicelib.team import queries as team
from chalicelib.team.models import Membership

log = logging.getLogger("vigil.orgs.deletion")

BATCH = 25
#: Deletes the org item itself, so it runs after every other purger whatever the list order.
CORE_PURGER = "chalicelib.orgs.deletion.purge_core"
JOBS_PER_RUN = 10
#: Memberships removed inside the DELETE transaction (2 items each; TransactWriteItems ≤ 100).
INLINE_MEMBERS = 45
#: with a credit note in the same transaction (4 more items: sequence, number, note, work item)
INLINE_MEMBERS_WITH_CREDIT = 40
#: Time the DELETE request may spend cutting the org off (``cut_off``) after its transaction.
CUT_OFF_BUDGET_S = 5.0


def paid_subscription(org: Org, now: Any) -> Subscription | None:
    """The linked customer's subscription if deleting it forfeits paid whole days (else None)."""
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.billing import credit_notes

    if org.partner_id is None:
        return None
    try:
        sub = Subscription.get(*Subscription.key(org.org_id), consistent_read=True)
    except DoesNotExist:
        return None
    if sub.payer_org_id == org.org_id or credit_notes.unused_days(sub, now)[1] <= 0:
        return None
    return sub


def _unconfirmed(org: Org, sub: Subscription, now: Any) -> errors.Conflict:
    from chalicelib.billing import credit_notes, pricing

    first, days = credit_notes.unused_days(sub, now)
    assert sub.current_period_end is not None
    last = pricing.last_day(sub.current_period_end).isoformat()
    return errors.Conflict(
        errors.M(
            "conflict.paid_subscription",
            name=org.name,
            plan=sub.plan,
            interval=errors.M("word.yearly" if sub.interval == "year" else "word.monthly"),
            last=last,
            days=days,
            first=pricing.business_date(first).isoformat(),
        ),
        extra={
            "code": "paid_subscription_unconfirmed",
            "subscription": {
                "org_id": org.org_id,
                "org_name": org.name,
                "plan": sub.plan,
                "interval": sub.interval,
                "status": sub.status,
                "current_period_end": clock.iso(sub.current_period_end),
                "last_paid_day": last,
                "unused_days": days,
                "payer_org_id": sub.payer_org_id,
            },
        },
    )


def delete_org(access: Access, confirm_paid_subscription: bool = False) -> dict[str, Any]:
    """Mark the org deleted. A linked customer with paid whole days left needs
    ``confirm_paid_subscription`` (409 ``paid_subscription_unconfirmed`` otherwise); the credit
    note for those days is then written in the deletion's own transaction and mailed to the payer."""
    access.require(Action.DELETE_ORG)
    org = access.org
    now = clock.now()
    sub = paid_subscription(org, now)
    if sub is not None and not confirm_paid_subscription:
        raise _unconfirmed(org, sub, now)
    job = PurgeJob.build(org.org_id, now, access.principal.user_id)
    details: dict[str, Any] = {"name": org.name, "linked": org.linked}
    with_partner = org.partner_id is not None
    members = team.members_of(org.org_id, limit=INLINE_MEMBERS_WITH_CREDIT if sub else INLINE_MEMBERS)

    def writes(tx: Any, note: Any = None) -> None:
        if note is not None:
            details["credit_note"] = note.number
        for member in members:
            tx.delete(member)
            tx.save(DepartedMember.build(org.org_id, member.user_id, member.email))
        tx.update(
            org,
            actions=[
                Org.status.set("deleting"),
                Org.gsi1pk.remove(),
                Org.gsi1sk.remove(),
                Org.deleted_at.set(now),
                Org.deleted_by.set(access.principal.user_id),
                Org.version.add(1),
            ],
            condition=Org.status == "active",
        )
        if sub is not None:
            # the credit note is for exactly this period: any change since fails the transaction
            tx.delete(sub, condition=Subscription.version == sub.version)
        else:
            tx.delete(Subscription(*Subscription.key(org.org_id)))
        tx.save(job)
        tx.save(audit_log.entry(access, "org.deleted", org.org_id, details))
        if with_partner:
            # The customer's own log is purged; the partner keeps the record.
            tx.save(
                audit_log.build(
                    org_id=org.partner_id,
                    actor_id=access.principal.user_id,
                    actor_email=access.principal.email,
                    actor_role="admin",
                    actor_org_id=access.acting_org_id,
                    action="customer.deleted",
                    target=org.org_id,
                    details=details,
                )
            )

    note = None
    try:
        if sub is not None:
            from chalicelib.billing import credit_notes, invoices

            try:
                note = credit_notes.for_deleted_customer(org, sub, now, writes)
            except invoices.StaleState as exc:
                raise errors.Conflict(errors.M("conflict.org_or_subscription_changed")) from exc
            if note is None:
                with db.transaction() as tx:
                    writes(tx)
        else:
            with db.transaction() as tx:
                writes(tx)
    except Exception as exc:
        from pynamodb.exceptions import TransactWriteError

        if isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc):
            raise errors.NotFound(errors.M("not_found.org")) from exc
        raise
    log.info("org %s marked for deletion by %s", org.org_id, access.principal.user_id)
    cut_off(org.org_id, time.monotonic() + CUT_OFF_BUDGET_S)
    out: dict[str, Any] = {
        "id": org.org_id,
        "status": "deleting",
        "requested_at": clock.iso(now),
        "detail": "The organisation is no longer accessible; its data is being removed.",
    }
    if note is not None:
        from chalicelib.billing import invoices

        try:
            invoices.deliver(note)  # the hourly job retries from its work item if this fails
        except Exception:
            log.exception("credit note %s not delivered yet", note.number)
        out["credit_note"] = note.number
    return out


def cut_off(org_id: str, deadline: float) -> None:
    """Run the ``chalicelib.purge.CUT_OFF`` steps for a deleted org (agent tokens, report links).

    The org is deleted already (the transaction committed): a failing step is logged and left to
    the purge, which deletes the same things, instead of failing the request.
    """
    from chalicelib.purge import CUT_OFF

    for path in CUT_OFF:
        module, _, name = path.rpartition(".")
        try:
            getattr(importlib.import_module(module), name)(org_id, deadline)
        except Exception:
            log.exception("cut-off step %s failed for org %s; the purge will finish it", name, org_id)


# ----------------------------------------------------------------------------- the purge job


def _purgers() -> list[Callable[[str, float], bool]]:
    from chalicelib.purge import PURGERS

    ordered = [p for p in PURGERS if p != CORE_PURGER] + [CORE_PURGER]
    out = []
    for path in ordered:
        module, _, name = path.rpartition(".")
        out.append(getattr(importlib.import_module(module), name))
    return out


def purge_one(org_id: str, deadline: float) -> bool:
    """Run every purger for ``org_id``; True once all of them report nothing left.

    No deadline check between purgers: one that is done returns at once, and stopping there
    would let a run past its deadline never reach the next purger (no progress at all).
    """
    return all(purger(org_id, deadline) for purger in _purgers())


def run_pending(deadline: float) -> dict[str, int]:
    """One run of the work list (oldest first), until done or ``deadline`` passes."""
    done = pending = 0
    for job in PurgeJob.query(PURGE_PK, limit=JOBS_PER_RUN):
        finished = purge_one(job.org_id, deadline)
        if finished:
            job.delete()
            done += 1
            log.info("org %s purged", job.org_id)
        else:
            job.update(actions=[PurgeJob.runs.add(1)])
            pending += 1
        if time.monotonic() > deadline:
            break
    return {"purged": done, "pending": pending}


# ----------------------------------------------------------------------------- purgers


def purge_files(org_id: str, deadline: float) -> bool:
    """Every object under the org's prefix in bucket ``files`` (logo, reports, ...)."""
    s3 = aws.client("s3")
    bucket = settings.bucket_name("files")
    while True:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=storage.org_prefix(org_id), MaxKeys=1000)
        keys = [{"Key": o["Key"]} for o in listed.get("Contents", [])]
        if not keys:
            return True
        s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        if time.monotonic() > deadline:
            return False


def purge_core(org_id: str, deadline: float) -> bool:
    """Members (and users left without any org), audit entries, markers, then the org item."""
    steps = (
        _purge_members,
        _purge_departed,
        audit_log.purge_org,
    )
    for step in steps:
        if not step(org_id, deadline):
            return False
    try:
        Org(*Org.key(org_id)).delete(condition=Org.status == "deleting")
    except Exception as exc:
        from pynamodb.exceptions import DeleteError, DoesNotExist

        if not isinstance(exc, (DeleteError, DoesNotExist)):
            raise
        # Already gone (an earlier run) — or never marked: leave an active org alone.
    return True


def _people_gone(org_id: str) -> Callable[[list[Membership] | list[DepartedMember]], bool]:
    """Deletes a batch of memberships (``MEMBER#``) or of memberships the DELETE already removed
    (``LEFT#``): each user goes too unless it belongs to another org.

    The user goes first and the item last: an interrupted run finds the item again and
    repeats the (idempotent) user deletion.
    """

    def handle(batch: list[Membership] | list[DepartedMember]) -> bool:
        for item in batch:
            if not _belongs_elsewhere(item.user_id, org_id):
                _delete_user(item.user_id, item.email)
            item.delete()
        return True

    return handle


def _purge_members(org_id: str, deadline: float) -> bool:
    return team.drain_members(org_id, deadline, _people_gone(org_id), BATCH)


def _purge_departed(org_id: str, deadline: float) -> bool:
    return db.drain(
        DepartedMember,
        org_pk(org_id),
        deadline,
        DepartedMember.sk.startswith(DEPARTED_PREFIX),
        limit=BATCH,
        handle=_people_gone(org_id),
    )


def _belongs_elsewhere(user_id: str, org_id: str) -> bool:
    return any(other.org_id != org_id for other in team.memberships_of_user(user_id, limit=5))


def _delete_user(user_id: str, email: str) -> None:
    from chalicelib.auth import cognito

    team.delete_user(user_id, email)
    # Strict: a pool user left behind could still log in; the membership stays until this
    # succeeds, so the next run repeats the deletion.
    cognito.delete_user(email, strict=True)


def run_scheduled(context: Any = None, budget_s: float = 45.0) -> dict[str, int]:
    """Entry point of the scheduled job: stop well before the Lambda timeout."""
    remaining = budget_s
    get_ms = getattr(context, "get_remaining_time_in_millis", None)
    if callable(get_ms):
        remaining = min(budget_s, max(1.0, get_ms() / 1000 - 10))
    return run_pending(time.monotonic() + remaining)
