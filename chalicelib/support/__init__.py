"""Support contact ("Supportdaten"): a partner's own contact and the one a customer sees."""
