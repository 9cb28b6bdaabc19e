"""Fixtures for the candidate's own time zone: test centres on both sides of the equator,
where summer time starts and ends in opposite months. The signed-in candidate is the
shared one (``tests/conftest.py``)."""

import pytest

from tests.factories import TestCenterFactory


@pytest.fixture
def berlin(db):
    return TestCenterFactory(
        name="Berlin Mitte",
        country="DE",
        city="Berlin",
        time_zone="Europe/Berlin",
        address="Friedrichstraße 68",
    )


@pytest.fixture
def auckland(db):
    return TestCenterFactory(
        name="Auckland Central",
        country="NZ",
        city="Auckland",
        time_zone="Pacific/Auckland",
        address="21 Queen Street",
    )


@pytest.fixture
def sydney(db):
    return TestCenterFactory(
        name="Sydney CBD",
        country="AU",
        city="Sydney",
        time_zone="Australia/Sydney",
        address="60 Margaret Street",
    )
