"""Organisations: partner orgs, linked customer orgs, independent orgs."""
