"""Compose and send mail.

``send`` tries SES at once; when SES fails (throttling, outage) the message is parked in the
outbox and ``retry_outbox`` (scheduled every minute) delivers it with exponential backoff.
A message is stored before the first attempt only when ``durable=True`` — callers that must
never lose a mail (invoices) ask for that; for them delivery is at-least-once, de-duplicated by
the outbox item being deleted right after the successful send.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from chalicelib import aws, clock, ids, settings
from chalicelib.mail.models import OUTBOX_SHARDS, OutboxItem, outbox_pk, outbox_shard

log = logging.getLogger("vigil.mail")

MAX_ATTEMPTS = 12
OUTBOX_KEEP_DAYS = 30


@dataclass
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass
class Message:
    to: list[str]
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    reply_to: str | None = None
    sender_name: str | None = None  # display name on the platform's verified address (white-label)
    inline_images: list[tuple[str, bytes, str]] = field(default_factory=list)  # (cid, data, png|jpeg)

    def from_header(self) -> str:
        from email.headerregistry import Address
        from email.utils import parseaddr

        configured = settings.mail_sender()
        if not self.sender_name:
            return configured
        address = parseaddr(configured)[1]
        local, _, domain = address.partition("@")
        return str(Address(display_name=self.sender_name, username=local, domain=domain))

    def mime(self) -> bytes:
        msg = EmailMessage()
        msg["From"] = self.from_header()
        msg["To"] = ", ".join(self.to)
        msg["Subject"] = self.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain="vigil.example")
        if self.reply_to:
            msg["Reply-To"] = self.reply_to
        msg.set_content(self.text)
        if self.html:
            msg.add_alternative(self.html, subtype="html")
            html_part: Any = msg.get_payload()[1]  # type: ignore[index]  # multipart: a list of parts
            for cid, data, subtype in self.inline_images:
                html_part.add_related(data, maintype="image", subtype=subtype, cid=f"<{cid}>")
        for att in self.attachments:
            main, _, sub = att.mime_type.partition("/")
            msg.add_attachment(
                att.content, maintype=main, subtype=sub or "octet-stream", filename=att.filename
            )
        return msg.as_bytes()


def _ses_send(raw: bytes, recipients: list[str]) -> None:
    aws.client("ses").send_raw_email(
        Source=settings.mail_sender(), Destinations=recipients, RawMessage={"Data": raw}
    )


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(0, attempts - 1), 6 * 3600))


def _park(message: Message, raw: bytes, error: str, attempts: int, now: datetime) -> OutboxItem:
    message_id = ids.new_id("m")
    due = now + (_backoff(attempts) if attempts else timedelta(0))
    item = OutboxItem(
        outbox_shard(message_id),
        f"{clock.iso(due)}#{message_id}",
        message_id=message_id,
        raw=raw,
        recipients=",".join(message.to)[:2000],
        subject=message.subject[:500],
        attempts=attempts,
        last_error=error[:500] or None,
        created_at=now,
        expires_at=clock.epoch(now + timedelta(days=OUTBOX_KEEP_DAYS)),
    )
    item.save()
    return item


def send(message: Message, durable: bool = False) -> bool:
    """Send now; on failure park in the outbox. Returns True when SES accepted it now."""
    if not message.to:
        return False
    raw = message.mime()
    now = clock.now()
    item = _park(message, raw, "", 0, now) if durable else None
    try:
        _ses_send(raw, message.to)
    except Exception as exc:
        log.warning("mail to %d recipient(s) deferred: %s", len(message.to), exc)
        if item is None:
            _park(message, raw, str(exc), 1, now)
        else:
            _reschedule(item, str(exc), now)
        return False
    if item is not None:
        item.delete()
    return True


def _reschedule(item: OutboxItem, error: str, now: datetime) -> None:
    attempts = int(item.attempts) + 1
    item.delete()
    if attempts >= MAX_ATTEMPTS:
        log.error("mail %s dropped after %d attempts: %s", item.message_id, attempts, error)
        return
    due = now + _backoff(attempts)
    OutboxItem(
        item.pk,
        f"{clock.iso(due)}#{item.message_id}",
        message_id=item.message_id,
        raw=item.raw,
        recipients=item.recipients,
        subject=item.subject,
        attempts=attempts,
        last_error=error[:500],
        created_at=item.created_at,
        expires_at=item.expires_at,
    ).save()


def retry_outbox(limit: int = 100) -> dict[str, int]:
    """Deliver parked messages whose next attempt is due. Query per shard, never Scan."""
    now = clock.now()
    sent = failed = 0
    upper = f"{clock.iso(now)}#~"
    for shard in range(OUTBOX_SHARDS):
        for item in OutboxItem.query(outbox_pk(shard), OutboxItem.sk <= upper, limit=limit):
            recipients = [r for r in item.recipients.split(",") if r]
            try:
                _ses_send(bytes(item.raw), recipients)
            except Exception as exc:
                failed += 1
                _reschedule(item, str(exc), now)
                continue
            item.delete()
            sent += 1
    return {"sent": sent, "failed": failed}


def pending_count() -> int:
    return sum(OutboxItem.count(outbox_pk(s)) for s in range(OUTBOX_SHARDS))
