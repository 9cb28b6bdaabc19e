"""A candidate with something of everything (``world.build``), signed in or not."""

import pytest

from tests.privacy import world


@pytest.fixture
def w(db, now):
    return world.build(now)
