"""Alert webhooks: JSON with an HMAC-SHA256 signature, delivered through the SSRF guard.

Body: ``{"text": "...", "event": "incident.opened"|"incident.resolved"|"certificate.expiring",
"incident": {...}, "subject": {...}}`` — ``text`` makes it readable by Microsoft Teams and Slack
incoming webhooks as is. Headers: ``X-Vigil-Timestamp`` (Unix seconds) and
``X-Vigil-Signature: sha256=<hex>`` = HMAC-SHA256(secret, "<timestamp>.<body>"), so a receiver
can check origin and freshness. The URL is vetted like a monitored URL (``netguard``), the name
is resolved once by the guard's resolver, redirects are not followed, 10 s timeout.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from chalicelib import netguard

log = logging.getLogger("vigil.webhooks")
TIMEOUT_S = 10.0


@dataclass
class Delivery:
    url: str
    secret: str
    payload: dict[str, Any]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def encode(delivery: Delivery, now: float | None = None) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    ts = str(int(now if now is not None else time.time()))
    return body, {
        "Content-Type": "application/json",
        "X-Vigil-Timestamp": ts,
        "X-Vigil-Signature": sign(delivery.secret, ts, body),
        "User-Agent": "Vigil-Webhook/1.0",
    }


async def _post(session: Any, d: Delivery) -> bool:
    try:
        url = netguard.vet_url(d.url)
        body, headers = encode(d)
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as resp:
            ok = 200 <= resp.status < 300
            if not ok:
                log.warning("webhook %s answered %s", url[:100], resp.status)
            return ok
    except netguard.Refused as exc:
        log.warning("webhook refused by the SSRF guard: %s", exc)
    except Exception as exc:
        log.warning("webhook delivery failed: %s", exc)
    return False


async def deliver_async(deliveries: list[Delivery], resolve: netguard.Resolve | None = None) -> list[bool]:
    import aiohttp

    if not deliveries:
        return []
    connector = aiohttp.TCPConnector(resolver=netguard.guarded_resolver(resolve), force_close=True)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)
    ) as session:
        return list(await asyncio.gather(*(_post(session, d) for d in deliveries)))


def deliver(deliveries: list[Delivery], resolve: netguard.Resolve | None = None) -> list[bool]:
    """Send all webhooks concurrently; returns per delivery whether it was accepted (2xx)."""
    if not deliveries:
        return []
    return asyncio.run(deliver_async(deliveries, resolve))
