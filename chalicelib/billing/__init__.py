"""Plans, subscriptions, orders, invoices."""
