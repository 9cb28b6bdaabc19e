import pytest
from django.utils import timezone

from tests.factories import (
    ExamFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    StaffFactory,
    UserFactory,
)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def candidate(db):
    return UserFactory()


@pytest.fixture
def other_candidate(db):
    return UserFactory()


@pytest.fixture
def exam_admin(db):
    return StaffFactory(email="examadmin@secondshot.test")


@pytest.fixture
def exam(db):
    return ExamFactory(number="070-483", title="Programming in C#")


@pytest.fixture
def voucher(candidate):
    """A registered voucher of a 3-exam Second Shot pack expiring in 180 days."""
    return RegisteredVoucherFactory(registered_by=candidate, pack__exam_count=3)


@pytest.fixture
def sitting(db, now):
    from datetime import timedelta

    return SittingFactory(starts_at=now + timedelta(days=10), seats=5)
