"""What the tests share: the JSON API client, the one world builder, mail, images, PDFs, servers.

- ``api``: ``Api`` (JSON over ``chalice.test.Client``), ``PASSWORD``
- ``world``: ``seed_world`` and the steps suites add to it (members, customers, orders, logos)
- ``mail``: the mail moto captured; ``images``: logos and hostile files; ``pdf``: PDF text
- ``stored``: what the app stored, read from the emulator; ``servers``: free ports, the app over HTTP
- ``lambdas``: scheduled functions invoked like Lambda, with an explicit time budget
- ``emulator``: the per-worker moto world and its reset between tests (used by tests/conftest.py)
"""

from __future__ import annotations

from tests.support.api import PASSWORD, Api, Result
from tests.support.mail import confirm_recipient, mails, signup_code, temp_password
from tests.support.world import World, make_org, seed_world, sign_up

__all__ = [
    "PASSWORD",
    "Api",
    "Result",
    "World",
    "confirm_recipient",
    "mails",
    "make_org",
    "seed_world",
    "sign_up",
    "signup_code",
    "temp_password",
]
