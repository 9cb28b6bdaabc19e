"""Fixtures for the reminder e-mails: a candidate, a voucher expiring on a fixed date,
and ``job``, which runs the daily job at a given moment and returns what it sent.

The job runs through ``django.tasks`` with the default immediate backend, and the
e-mails go after commit, so ``job`` runs the on-commit callbacks as a real
commit would.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail

from tests.factories import (
    CandidateFactory,
    RegisteredVoucherFactory,
    TestCenterFactory,
)
from vouchers import tasks

EXPIRES = date(2027, 6, 30)


def on(day: date, hour: int = 13) -> datetime:
    """A moment on the given day as the portal counts voucher days (anywhere on Earth).

    At 13:00 UTC it is that date everywhere from UTC−12 to UTC+10.
    """
    return datetime.combine(day, time(hour), tzinfo=UTC)


def before_expiry(days: int, hour: int = 13) -> datetime:
    return on(EXPIRES - timedelta(days=days), hour)


@pytest.fixture
def candidate(db):
    return CandidateFactory(legal_name="Ada King Lovelace", time_zone="Europe/London")


@pytest.fixture
def berlin(db):
    return TestCenterFactory(
        name="Berlin Mitte Testing Centre",
        country="DE",
        city="Berlin",
        time_zone="Europe/Berlin",
        address="Friedrichstraße 68, 10117 Berlin",
    )


@pytest.fixture
def voucher(candidate):
    """A one-exam Second Shot voucher expiring on 30 June 2027, registered long before."""
    return RegisteredVoucherFactory(
        registered_by=candidate,
        registered_at=before_expiry(200),
        pack__expires_on=EXPIRES,
        pack__exam_count=1,
        pack__issued_at=before_expiry(210),
    )


@pytest.fixture
def job(django_capture_on_commit_callbacks):
    """Run the daily job at ``now``; return the e-mails it sent."""

    def run(now):
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.enqueue_due_reminders(now=now)
        return mail.outbox[sent_before:]

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a workflow as if its transaction committed; return the e-mails it sent."""

    def run(work):
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            work()
        return mail.outbox[sent_before:]

    return run
