"""Read the mail the emulator captured instead of sending (local mode and tests).

python -m chalicelib.local.mailbox [--last N] [--full]     # what `make mail` runs
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import sys
import urllib.request
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Mail:
    to: list[str]
    subject: str
    text: str
    attachments: dict[str, bytes] = field(default_factory=dict)
    sender: str = ""
    html: str = ""
    reply_to: str = ""
    inline: dict[str, bytes] = field(default_factory=dict)  # Content-ID → image (HTML part)


def parse_raw(raw: bytes | str) -> Mail:
    data = raw.encode() if isinstance(raw, str) else raw
    msg = email.message_from_bytes(data, policy=email.policy.default)
    text = html = ""
    attachments: dict[str, bytes] = {}
    inline: dict[str, bytes] = {}
    for part in msg.walk():
        if part.is_multipart():
            continue
        cid = part.get("Content-ID")
        if cid and part.get_content_maintype() == "image":
            payload = part.get_payload(decode=True)
            inline[str(cid).strip("<>")] = payload if isinstance(payload, bytes) else b""
            continue
        filename = part.get_filename()
        if filename:
            payload = part.get_payload(decode=True)  # bytes for a leaf part (walk skips containers)
            attachments[filename] = payload if isinstance(payload, bytes) else b""
        elif part.get_content_type() == "text/plain" and not text:
            text = part.get_content()
        elif part.get_content_type() == "text/html" and not html:
            html = part.get_content()
    to = [a.strip() for a in str(msg.get("To", "")).split(",") if a.strip()]
    return Mail(
        to=to,
        subject=str(msg.get("Subject", "")),
        text=text,
        attachments=attachments,
        sender=str(msg.get("From", "")),
        html=html,
        reply_to=str(msg.get("Reply-To", "")),
        inline=inline,
    )


def from_backend(region: str | None = None) -> list[Mail]:
    """In-process emulator (tests): every message SES accepted, oldest first."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from chalicelib import settings

    backend = ses_backends[DEFAULT_ACCOUNT_ID][region or settings.region()]
    out = []
    for message in backend.sent_messages:
        raw = getattr(message, "raw_data", None)
        if raw is not None:
            out.append(parse_raw(raw))
        else:
            out.append(
                Mail(
                    to=list(message.destinations.get("ToAddresses", [])),
                    subject=message.subject,
                    text=message.body,
                )
            )
    return out


def from_server(endpoint: str) -> list[Mail]:
    """A running emulator (``make run``): its ``/moto-api/data.json`` holds the sent mail."""
    with urllib.request.urlopen(f"{endpoint.rstrip('/')}/moto-api/data.json", timeout=10) as r:
        data: dict[str, Any] = json.loads(r.read())
    ses = data.get("ses", {})
    # Older moto lists everything under "sent_messages"; moto 5.2 groups by kind
    # ("RawMessage", "Message", "TemplateMessage"), each in the order sent.
    messages = ses.get("sent_messages") or [
        m for kind in ("RawMessage", "Message", "TemplateMessage") for m in ses.get(kind, [])
    ]
    out = []
    for message in messages:
        raw = message.get("raw_data")
        if raw:
            out.append(parse_raw(raw))
        else:
            destinations = message.get("destinations", {})
            to = (
                destinations.get("ToAddresses", [])
                if isinstance(destinations, dict)
                else list(dict.fromkeys(destinations))
            )
            out.append(Mail(to=to, subject=message.get("subject", ""), text=message.get("body", "")))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List mail sent in local mode.")
    parser.add_argument(
        "--endpoint",
        default=os.environ.get(
            "AWS_ENDPOINT_URL", f"http://127.0.0.1:{os.environ.get('VIGIL_AWS_PORT', '5555')}"
        ),
    )
    parser.add_argument("--last", type=int, default=20, help="how many, newest last")
    parser.add_argument("--full", action="store_true", help="print the whole text")
    args = parser.parse_args(argv)
    try:
        mails = from_server(args.endpoint)
    except OSError as exc:
        print(
            f"cannot reach the local AWS emulator at {args.endpoint}: {exc}\n(is `make run` running?)",
            file=sys.stderr,
        )
        return 1
    if not mails:
        print("no mail sent yet")
    for i, m in enumerate(mails[-args.last :], start=max(1, len(mails) - args.last + 1)):
        print(f"--- #{i}  To: {', '.join(m.to)}\n    Subject: {m.subject}")
        if m.attachments:
            print(f"    Attachments: {', '.join(m.attachments)}")
        body = m.text if args.full else "\n".join(m.text.splitlines()[:12])
        print("    " + body.replace("\n", "\n    "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
