"""Endpoint monitoring: endpoints (CRUD), checks, scheduler fan-out, results, rollups, alerts."""
