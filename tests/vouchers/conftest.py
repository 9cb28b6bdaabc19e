"""Fixtures for the workflows: candidates who have confirmed their address (registering a
voucher asks), an exam administrator, and a sitting at any centre."""

from datetime import timedelta

import pytest

from tests.factories import CandidateFactory, SittingFactory, StaffFactory


@pytest.fixture
def candidate(db):
    return CandidateFactory()


@pytest.fixture
def other_candidate(db):
    return CandidateFactory()


@pytest.fixture
def exam_admin(db):
    return StaffFactory(email="examadmin@secondshot.test")


@pytest.fixture
def sitting(db, now):
    return SittingFactory(starts_at=now + timedelta(days=10), seats=5)
