"""Public status pages per org, branded by the org that provides support."""
