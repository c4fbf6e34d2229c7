"""Vigil back end: one package per domain, shared plumbing at the top level."""
