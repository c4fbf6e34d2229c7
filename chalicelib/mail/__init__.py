"""Outgoing mail through SES, with an outbox so that no message is lost to a failed send."""
