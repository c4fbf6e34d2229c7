"""Fixtures of the security suite: the two-partner world (tests.security.world)."""

from __future__ import annotations

import pytest

from tests.security.world import SecWorld, build


@pytest.fixture
def sec(api) -> SecWorld:
    return build(api)
