"""Hosts running the Vigil agent: registration, agent tokens, heartbeats, metrics, offline alerts.

``routes`` (user API), ``agent_routes`` (``POST /agent/heartbeat``, agent token only),
``service`` (host management and reads), ``heartbeat`` (ingestion), ``jobs`` (offline
detection), ``tokens`` (agent token hashing), ``models`` (the `hosts` table).
"""
