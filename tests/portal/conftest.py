"""Fixtures for the candidate portal's pages: a signed-in, verified candidate with a voucher,
an exam catalogue, and test centres on both sides of the date line."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import (
    CandidateFactory,
    ExamFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
)
from tests.portal.pages import book
from vouchers.clock import anywhere_on_earth_date


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def today(now):
    """The date the portal judges expiry by when no test centre decides it."""
    return anywhere_on_earth_date(now)


@pytest.fixture
def candidate(db):
    return CandidateFactory(legal_name="Ada King Lovelace")


@pytest.fixture
def other_candidate(db):
    return CandidateFactory()


@pytest.fixture
def signed_in(client, candidate):
    """The test client, signed in as ``candidate``."""
    client.force_login(candidate)
    return client


@pytest.fixture
def other_client(other_candidate):
    """A second browser, signed in as ``other_candidate``."""
    other = Client()
    other.force_login(other_candidate)
    return other


@pytest.fixture
def exam(db):
    return ExamFactory(number="070-483", title="Programming in C#")


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
def voucher(candidate):
    """A registered voucher of a 3-exam Second Shot pack expiring in 180 days."""
    return RegisteredVoucherFactory(registered_by=candidate, pack__exam_count=3)


@pytest.fixture
def berlin(db):
    return TestCenterFactory(
        name="Berlin Mitte", country="Germany", city="Berlin", time_zone="Europe/Berlin"
    )


@pytest.fixture
def auckland(db):
    return TestCenterFactory(
        name="Auckland CBD", country="New Zealand", city="Auckland", time_zone="Pacific/Auckland"
    )


@pytest.fixture
def sitting(berlin, now):
    return SittingFactory(centre=berlin, starts_at=now + timedelta(days=10), seats=5)


@pytest.fixture
def booking(candidate, voucher, exam, sitting, now):
    """The candidate's first attempt, booked yesterday, ten days before the sitting."""
    return book(candidate, voucher, exam, sitting, now=now - timedelta(days=1))
