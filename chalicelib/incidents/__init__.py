"""Incidents (endpoint down, certificate, headers, host offline, host thresholds) and alerts.

Shared by endpoint and host monitoring: a subject has at most one open incident per kind.
"""
