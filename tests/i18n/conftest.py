"""Fixtures for the language tests: compiled catalogues, a candidate with a booking."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import trans_real

from tests.factories import (
    CandidateFactory,
    ExamFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
)
from tests.portal.pages import book

OTHER_LANGUAGES = ["es", "fr", "de", "ja"]


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """The .mo files, as make builds them, so pytest alone works too."""
    call_command("compile_catalogues", verbosity=0)
    # A catalogue read before it was compiled would stay cached without our strings.
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture
def candidate(db):
    return CandidateFactory(legal_name="Ada King Lovelace")


@pytest.fixture
def exam(db):
    return ExamFactory(number="070-483", title="Programming in C#")


@pytest.fixture
def voucher(candidate):
    return RegisteredVoucherFactory(registered_by=candidate, pack__exam_count=3)


@pytest.fixture
def berlin(db):
    return TestCenterFactory(
        name="Berlin Mitte", country="Germany", city="Berlin", time_zone="Europe/Berlin"
    )


@pytest.fixture
def sitting(berlin):
    return SittingFactory(centre=berlin, starts_at=timezone.now() + timedelta(days=10), seats=5)


@pytest.fixture
def booking(candidate, voucher, exam, sitting):
    return book(candidate, voucher, exam, sitting, now=timezone.now() - timedelta(days=1))
