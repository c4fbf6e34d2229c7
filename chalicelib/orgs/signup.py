"""Self-service signup with proof of e-mail ownership.

``POST /signup`` creates a *disabled* pool user with the chosen password (login refused with the
wrong-password answer), the org in status ``pending`` (invisible: every route answers 404) and a
``PendingSignup`` holding the keyed hash of a six-digit code that is mailed to the address in the
org's language. ``POST /signup/confirm {email, code}`` checks the code (at most
``MAX_ATTEMPTS`` tries, within ``VALID_FOR``) and activates everything in one transaction:
the org turns ``active``, the membership, user and e-mail items, the trial and the audit entry
are written — only now does the address belong to a Vigil user that invitations may attach.

The answer of ``POST /signup`` does not depend on the address: a verified account gets a notice
mail instead of a code, and every accepted signup is padded to ``settings.signup_min_seconds()``
so the work done (or not) for an address cannot be read off the response time.

A new signup or an invitation for an address with a pending signup replaces it
(``forget``): the attacker who pre-registered someone else's address loses the pool user, the
org and the code; whoever reads the mail decides. Unconfirmed signups are purged with their pool
user by ``purge_expired`` (scheduled), found through day buckets — never a Scan.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from contextlib import suppress
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import clock, db, errors, settings
from chalicelib.audit import service as audit_log
from chalicelib.billing import subscriptions
from chalicelib.billing.models import Subscription
from chalicelib.orgs.models import Org, PendingSignup, SignupExpiry
from chalicelib.team import queries as team
from chalicelib.team.models import EmailIndex, Membership

if TYPE_CHECKING:
    from chalicelib.orgs.schemas import SignupBody, SignupConfirmBody

log = logging.getLogger("vigil.orgs.signup")

VALID_FOR = timedelta(hours=24)
#: The TTL removes a signup the purge missed this long after it ended (the purge looks back as far).
BACKSTOP = timedelta(days=7)
MAX_ATTEMPTS = 5
_BAD_CODE = errors.M("signup.code_wrong_or_expired")


def _hash(email: str, salt: str, code: str) -> str:
    """Keyed hash of a code: a leaked item does not let anyone try the million codes offline."""
    message = f"signup-code\n{email.lower()}\n{salt}\n{code}".encode()
    return hmac.new(settings.cursor_key(), message, hashlib.sha256).hexdigest()


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


def signup(body: SignupBody) -> None:
    """Start a signup; the same (absent) answer whatever the address, after at least
    ``signup_min_seconds``."""
    started = time.monotonic()
    _signup(body)
    rest = settings.signup_min_seconds() - (time.monotonic() - started)
    if rest > 0:
        time.sleep(rest)


def _signup(body: SignupBody) -> None:
    from chalicelib.team import invitations

    email = body.email
    found = db.batch_get_mixed(
        [(EmailIndex, EmailIndex.key(email)), (PendingSignup, PendingSignup.key(email))]
    )
    if db.found_as(found, EmailIndex.key(email), EmailIndex) is not None:
        invitations.signup_attempt_notice(email, body.org.language)  # its owner is told, not the caller
        return
    _discard(db.found_as(found, PendingSignup.key(email), PendingSignup), email)
    from chalicelib.auth import cognito

    try:
        user_id = cognito.create_pending_user(email, body.password)
    except errors.Conflict:
        return  # a signup or an invitation for the address got there in between: it stands
    now = clock.now()
    valid_until = now + VALID_FOR
    from chalicelib.orgs.service import _new_org

    org = _new_org(
        body.org.name,
        "customer",
        None,
        "vendor",
        body.org.language,
        body.org.address,
        body.org.billing_email or email,
        body.org.vat_id,
        now,
        user_id,
        1,
        time_zone=body.org.time_zone,
    )
    org.status = "pending"
    org.expires_at = _epoch(valid_until + BACKSTOP)
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(16)
    pending = PendingSignup(
        *PendingSignup.key(email),
        email=email,
        user_id=user_id,
        org_id=org.org_id,
        language=body.org.language,
        code_hash=_hash(email, salt, code),
        salt=salt,
        attempts=0,
        created_at=now,
        valid_until=valid_until,
        expires_at=_epoch(valid_until + BACKSTOP),
    )
    bucket = SignupExpiry(*SignupExpiry.key(email, valid_until), email=email, expires_at=pending.expires_at)
    try:
        with db.transaction() as tx:
            tx.save(org, condition=Org.pk.does_not_exist())
            tx.save(pending, condition=PendingSignup.pk.does_not_exist())
            tx.save(bucket)
    except Exception:
        cognito.delete_user(email)
        raise
    invitations.signup_code(email, org.name, code, body.org.language)
    log.info("signup pending for org %s", org.org_id)


def _discard(pending: PendingSignup | None, email: str, strict: bool = False) -> None:
    """Remove a pending signup: its pool user, org, code and bucket entry. Without one, a pool
    user that has no Vigil user (never verified, e.g. left by a failed write) is removed too."""
    from chalicelib.auth import cognito

    cognito.delete_user(email, strict=strict)
    if pending is None:
        return
    with db.transaction() as tx:
        tx.delete(Org(*Org.key(pending.org_id)), condition=Org.status == "pending")
        tx.delete(pending)
        tx.delete(SignupExpiry(*SignupExpiry.key(email, pending.valid_until)))


def forget(email: str) -> None:
    """The address is being invited and has no verified account: whatever someone started with
    it (a pending signup, a pool user nobody verified) is removed, so the invitation mail alone
    decides who gets in."""
    from pynamodb.exceptions import DoesNotExist

    try:
        pending: PendingSignup | None = PendingSignup.get(*PendingSignup.key(email), consistent_read=True)
    except DoesNotExist:
        pending = None
    _discard(pending, email)


def confirm(body: SignupConfirmBody) -> dict[str, Any]:
    """Check the mailed code and activate the account and its org."""
    from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

    from chalicelib.auth import cognito
    from chalicelib.team import invitations

    email = body.email
    now = clock.now()
    try:
        pending = PendingSignup.get(*PendingSignup.key(email), consistent_read=True)
    except DoesNotExist:
        raise errors.ValidationFailed({"code": errors.M("field.code_wrong_or_expired")}, _BAD_CODE) from None
    fresh = pending.valid_until > now and (pending.attempts or 0) < MAX_ATTEMPTS
    if not fresh or not hmac.compare_digest(_hash(email, pending.salt, body.code), pending.code_hash):
        if fresh:
            with suppress(UpdateError):  # used up or gone meanwhile: the answer is the same
                pending.update(
                    actions=[PendingSignup.attempts.add(1)], condition=PendingSignup.attempts < MAX_ATTEMPTS
                )
        raise errors.ValidationFailed({"code": errors.M("field.code_wrong_or_expired")}, _BAD_CODE)
    org = Org.get(*Org.key(pending.org_id), consistent_read=True)
    member = Membership.build(org.org_id, pending.user_id, email, "admin", now, pending.user_id)
    sub = subscriptions.new_trial(org.org_id, org.org_id, now)
    entry = audit_log.build(
        org_id=org.org_id,
        actor_id=pending.user_id,
        actor_email=email,
        actor_role="admin",
        actor_org_id=org.org_id,
        action="org.created",
        target=org.org_id,
        details={"name": org.name, "via": "signup"},
    )
    cognito.activate_user(email)
    try:
        with db.transaction() as tx:
            tx.delete(pending, condition=PendingSignup.code_hash == pending.code_hash)
            tx.delete(SignupExpiry(*SignupExpiry.key(email, pending.valid_until)))
            tx.update(
                org,
                actions=[Org.status.set("active"), Org.expires_at.remove(), Org.created_at.set(now)],
                condition=Org.status == "pending",
            )
            tx.save(member, condition=Membership.pk.does_not_exist())
            team.save_new_user(tx, pending.user_id, email, now)
            tx.save(sub, condition=Subscription.pk.does_not_exist())
            tx.save(entry)
    except Exception as exc:
        cognito.deactivate_user(email)
        if isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc):
            # confirmed twice at once, or replaced by a new signup or an invitation meanwhile
            raise errors.ValidationFailed(
                {"code": errors.M("field.code_wrong_or_expired")}, _BAD_CODE
            ) from exc
        raise
    invitations.welcome(email, org.name, org.language)
    if org.billing_email and org.billing_email != email:
        from chalicelib.mail import recipients

        recipients.ask(org.org_id, org.name, org.language, [org.billing_email])
    log.info("signup confirmed: org %s, user %s", org.org_id, pending.user_id)
    return {"status": "confirmed", "detail": "The account is ready: log in with your e-mail address."}


def purge_expired(deadline: float, lookback: timedelta = BACKSTOP) -> int:
    """Delete signups whose code ran out unconfirmed, with their pool user and pending org.

    Queries one bucket partition per day back to ``lookback`` (``sk <= now``), oldest day first;
    returns how many signups were removed.
    """
    from pynamodb.exceptions import DoesNotExist

    now = clock.now()
    removed = 0
    day = (now - lookback).date()
    while day <= now.date():
        for entry in SignupExpiry.query(
            SignupExpiry.partition(day), SignupExpiry.sk <= f"{clock.iso(now)}#~"
        ):
            if time.monotonic() > deadline:
                return removed
            try:
                pending: PendingSignup | None = PendingSignup.get(*PendingSignup.key(entry.email))
            except DoesNotExist:
                pending = None
            if pending is None or pending.valid_until > now:
                # confirmed or replaced meanwhile (its transaction removed its own entry)
                entry.delete()
                continue
            _discard(pending, entry.email, strict=True)
            removed += 1
        day += timedelta(days=1)
    if removed:
        log.info("purged %d unconfirmed signups", removed)
    return removed
