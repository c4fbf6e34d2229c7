"""What the tests share: the JSON API client, the world builder, mail, images, PDFs, servers."""

from __future__ import annotations

from tests.support.api import PASSWORD, Api, Result, World, mails, make_org, seed_world, temp_password

__all__ = ["PASSWORD", "Api", "Result", "World", "mails", "make_org", "seed_world", "temp_password"]
