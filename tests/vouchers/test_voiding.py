"""Voiding a voucher: a booking still to come is cancelled and the candidate told; one whose
sitting has started was sat, and stays so (SS-13)."""

from datetime import timedelta

import pytest
from django.core import mail

from exams.models import Sitting
from tests.factories import RegisteredVoucherFactory, SittingFactory
from tests.portal.pages import ics_of
from vouchers import services
from vouchers.models import Booking, VoucherEvent

from .helpers import FAILED, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def voucher(candidate):
    return RegisteredVoucherFactory(registered_by=candidate)


def void(voucher, now):
    return services.void_voucher(
        voucher=voucher, actor=voucher.pack.issued_by, reason="Refunded", now=now
    )


def test_voiding_after_the_sitting_started_leaves_the_booking_taken_and_its_result_recordable(
    candidate, voucher, exam, now, django_capture_on_commit_callbacks
):
    """SS-13"""
    sitting = SittingFactory(starts_at=now - timedelta(hours=1), seats=5)
    booking = services.book_sitting(
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=sitting,
        now=now - timedelta(days=9),
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        void(voucher, now)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.TAKEN
    assert booking.state(at=now) == Booking.State.TAKEN
    assert Sitting.objects.get(pk=sitting.pk).seats_taken == 1
    assert mail.outbox == [], "nothing was cancelled, so nothing to tell"
    event = voucher.events.get(action=VoucherEvent.Action.VOIDED)
    assert event.details["cancelled_booking"] is None
    services.record_outcome(booking=booking, outcome=FAILED, recorded_by=None, now=now)
    booking.refresh_from_db()
    assert booking.outcome == FAILED


def test_voiding_before_the_sitting_cancels_the_booking_and_emails_a_calendar_cancellation(
    candidate, voucher, exam, now, django_capture_on_commit_callbacks
):
    """SS-13: the candidate is told, as their own cancellation would tell them."""
    booking = book(candidate, voucher, exam, now=now)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        void(voucher, now)

    booking.refresh_from_db()
    assert booking.state(at=now) == Booking.State.CANCELLED
    assert Sitting.objects.get(pk=booking.sitting_id).seats_taken == 0
    (message,) = mail.outbox
    assert message.to == [candidate.email]
    assert message.subject.startswith("Cancelled: exam 070-483 on ")
    assert "cancelled by its issuer" in message.body
    assert "Please do not go to the test centre." in message.body
    calendar = ics_of(message)
    assert "METHOD:CANCEL\r\n" in calendar
    assert "STATUS:CANCELLED\r\n" in calendar
    event = voucher.events.get(action=VoucherEvent.Action.VOIDED)
    assert event.details["cancelled_booking"] == booking.pk


def test_the_voiding_email_goes_once_though_its_task_runs_twice(
    candidate, voucher, exam, now, django_capture_on_commit_callbacks
):
    """SS-13: the cancellation's record keeps a task run again to one e-mail."""
    from vouchers import notices

    booking = book(candidate, voucher, exam, now=now)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        void(voucher, now)

    again = notices.send_unless_overtaken(booking_id=booking.pk, what="voided")

    assert again == notices.ALREADY_SENT
    assert len(mail.outbox) == 1
