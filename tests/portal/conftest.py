"""Fixtures for the candidate portal's pages: a second candidate in a second browser, an exam
catalogue, and a test centre across the date line from Berlin. The signed-in candidate,
their voucher and booking are the shared ones (``tests/conftest.py``)."""

import pytest
from django.test import Client

from tests.factories import (
    CandidateFactory,
    ExamFactory,
    TestCenterFactory,
)
from vouchers.clock import anywhere_on_earth_date


@pytest.fixture
def today(now):
    """The date the portal judges expiry by when no test centre decides it."""
    return anywhere_on_earth_date(now)


@pytest.fixture
def other_candidate(db):
    return CandidateFactory()


@pytest.fixture
def other_client(other_candidate):
    """A second browser, signed in as ``other_candidate``."""
    other = Client()
    other.force_login(other_candidate)
    return other


@pytest.fixture
def catalogue(exam):
    """Two exams the offer covers, one it does not (SS-3) and one no longer offered."""
    return {
        "it": exam,
        "academic": ExamFactory(number="072-410", title="Academic Foundations"),
        "ineligible": ExamFactory(number="074-343", title="Cloud Fundamentals"),
        "retired": ExamFactory(number="070-998", title="Retired Exam", is_active=False),
    }


@pytest.fixture
def auckland(db):
    return TestCenterFactory(
        name="Auckland CBD", country="NZ", city="Auckland", time_zone="Pacific/Auckland"
    )
