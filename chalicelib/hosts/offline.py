"""Offline detection: online hosts whose deadline (last heartbeat + 3 intervals) has passed.

Candidates come from a Query on the sparse ``by_deadline`` index (one partition per shard,
sort key = deadline), never a Scan. Each host is flipped with a conditional update on the
exact deadline that was read, so a heartbeat arriving meanwhile wins and no host is marked
offline twice; only the run that flipped it opens the incident and mails.
"""

from __future__ import annotations

import logging
from datetime import datetime

from chalicelib import clock
from chalicelib.hosts import alerting
from chalicelib.hosts.models import SHARDS, Host, shard_pk
from chalicelib.orgs import counters

log = logging.getLogger("vigil.hosts")


def mark_offline(now: datetime | None = None) -> dict[str, int]:
    from pynamodb.exceptions import UpdateError

    from chalicelib.billing.plans import limits_for

    now = now or clock.now()
    orgs = alerting.OrgInfo()
    active: dict[str, bool] = {}
    found = flipped = alerted = 0
    for shard in range(SHARDS):
        for host in Host.by_deadline.query(shard_pk(shard), Host.gsi1sk < clock.iso(now)):
            found += 1
            seen_deadline = host.gsi1sk
            try:
                host.update(
                    actions=[Host.status.set("offline"), Host.gsi1pk.remove(), Host.gsi1sk.remove()],
                    condition=(Host.gsi1sk == seen_deadline) & (Host.status == "online"),
                )
            except UpdateError as exc:
                if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
                    continue  # a heartbeat arrived meanwhile, or the host was deleted
                raise
            flipped += 1
            counters.increment(host.org_id, "hosts_down", 1)
            if host.org_id not in active:
                active[host.org_id] = limits_for(host.org_id).monitoring_active
            if not active[host.org_id]:
                continue  # monitoring paused (expired trial): state kept, nobody alerted
            _name, language = orgs.get(host.org_id)
            text = alerting.summary(
                "host_offline",
                language,
                since=f"{host.last_seen_at:%Y-%m-%d %H:%M}",
                interval=int(host.interval_s),
            )
            if alerting.open_alert(
                orgs,
                host.org_id,
                "host_offline",
                host.host_id,
                host.name,
                text,
                {"last_seen_at": clock.iso(host.last_seen_at), "interval": int(host.interval_s)},
                now,
            ):
                alerted += 1
    if flipped:
        log.info("hosts offline: %d flipped, %d alerted", flipped, alerted)
    return {"candidates": found, "offline": flipped, "alerted": alerted}
