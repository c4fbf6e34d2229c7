"""Trial reminders and expiry (daily): Query the `by_trial_end` GSI per shard, no Scan.

3 days before the end the billing role gets a reminder (the partner's billing e-mail for a
linked customer, else the org's billing e-mail, else its admins). At the end the trial becomes
`expired`: monitoring pauses (``limits_for().monitoring_active`` is False), nothing is deleted,
and an order reactivates it. Expired subscriptions leave the index (gsi2 attributes removed).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from chalicelib import clock, db
from chalicelib.audit import service as audit_log
from chalicelib.billing import invoices, texts
from chalicelib.billing.models import TRIAL_SHARDS, Subscription, trial_pk
from chalicelib.orgs.models import Org

log = logging.getLogger("vigil.billing")

REMIND_BEFORE = timedelta(days=3)
SYSTEM = "system"


def process(now: datetime | None = None) -> dict[str, int]:
    now = now or clock.now()
    upper = f"{clock.iso(now + REMIND_BEFORE)}#~"
    reminded = expired = 0
    for shard in range(TRIAL_SHARDS):
        for sub in Subscription.by_trial_end.query(trial_pk(shard), Subscription.gsi2sk <= upper):
            if sub.status != "trialing" or sub.trial_ends_at is None:
                continue
            if sub.trial_ends_at <= now:
                expired += _expire(sub, now)
            elif not sub.trial_reminded:
                reminded += _remind(sub)
    return {"reminded": reminded, "expired": expired}


def _org(org_id: str) -> Org | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return Org.get(*Org.key(org_id))
    except DoesNotExist:
        return None


def _expire(sub: Subscription, now: datetime) -> int:
    from pynamodb.exceptions import TransactWriteError

    try:
        with db.transaction() as tx:
            tx.update(
                sub,
                actions=[
                    Subscription.status.set("expired"),
                    Subscription.gsi2pk.remove(),
                    Subscription.gsi2sk.remove(),
                    Subscription.version.set(int(sub.version or 1) + 1),
                ],
                condition=(Subscription.status == "trialing") & (Subscription.version == sub.version),
            )
            tx.save(
                audit_log.build(
                    org_id=sub.org_id,
                    actor_id=SYSTEM,
                    actor_email=None,
                    actor_role=SYSTEM,
                    actor_org_id=SYSTEM,
                    action="subscription.trial_expired",
                    target=sub.org_id,
                    details={"trial_ends_at": clock.iso(sub.trial_ends_at)},
                )
            )
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc):
            return 0  # ordered or deleted meanwhile
        raise
    return 1


def _remind(sub: Subscription) -> int:
    from pynamodb.exceptions import UpdateError

    from chalicelib.mail.service import Message, send

    org = _org(sub.org_id)
    if org is None or org.status != "active":
        return 0
    payer = _org(org.partner_id) if org.partner_id else org
    if payer is None:
        return 0
    to = invoices.recipients(payer.org_id, payer.billing_email)
    try:
        # Mark first: a reminder is a courtesy, one too few beats one every day.
        sub.update(
            actions=[Subscription.trial_reminded.set(True)],
            condition=(Subscription.status == "trialing")
            & (Subscription.trial_reminded.does_not_exist() | (Subscription.trial_reminded == False)),
        )
    except UpdateError:
        return 0
    if not to:
        return 0
    language = payer.language or "de"
    from chalicelib.i18n import format as fmt

    ends = fmt.datetime(sub.trial_ends_at, language, payer.zone)
    subject, text = texts.trial_reminder(language, org.name, ends)
    send(Message(to=to, subject=subject, text=text))
    return 1
