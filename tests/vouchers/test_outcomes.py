"""Recording outcomes: passed, failed or no-show (SS-1, SS-12)."""

from datetime import timedelta

import pytest

from tests.vouchers.helpers import FAILED, PASSED, book
from vouchers import services
from vouchers.errors import Refused
from vouchers.models import Booking, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db


def test_an_outcome_is_recorded_after_the_sitting_with_who_and_when(
    candidate, voucher, exam, exam_admin, now
):
    """SS-12"""
    booking = book(candidate, voucher, exam, now=now)
    after = booking.sitting.starts_at + timedelta(hours=3)
    services.record_outcome(booking=booking, outcome="failed", recorded_by=exam_admin, now=after)
    booking.refresh_from_db()
    assert (booking.status, booking.outcome) == (Booking.Status.TAKEN, FAILED)
    event = voucher.events.get(action=VoucherEvent.Action.OUTCOME)
    assert (event.actor, event.at, event.details["outcome"]) == (exam_admin, after, "failed")


def test_no_outcome_before_the_sitting_starts(candidate, voucher, exam, exam_admin, now):
    booking = book(candidate, voucher, exam, now=now)
    with pytest.raises(Refused) as caught:
        services.record_outcome(booking=booking, outcome="passed", recorded_by=exam_admin, now=now)
    assert caught.value.code == "sitting_not_started"


def test_a_cancelled_booking_has_no_outcome(candidate, voucher, exam, exam_admin, now):
    booking = book(candidate, voucher, exam, now=now)
    services.cancel_booking(candidate=candidate, booking=booking, now=now)
    with pytest.raises(Refused) as caught:
        services.record_outcome(
            booking=booking,
            outcome="failed",
            recorded_by=exam_admin,
            now=booking.sitting.starts_at + timedelta(hours=3),
        )
    assert caught.value.code == "booking_cancelled"


def test_recording_the_same_outcome_twice_changes_nothing(
    candidate, voucher, exam, exam_admin, now
):
    booking = book(candidate, voucher, exam, now=now)
    after = booking.sitting.starts_at + timedelta(hours=3)
    for _ in range(2):
        services.record_outcome(
            booking=booking, outcome="passed", recorded_by=exam_admin, now=after
        )
    assert voucher.events.filter(action=VoucherEvent.Action.OUTCOME).count() == 1


def test_a_different_outcome_over_a_recorded_one_is_refused(
    candidate, voucher, exam, exam_admin, now
):
    booking = book(candidate, voucher, exam, now=now)
    after = booking.sitting.starts_at + timedelta(hours=3)
    services.record_outcome(booking=booking, outcome="failed", recorded_by=exam_admin, now=after)
    with pytest.raises(Refused) as caught:
        services.record_outcome(
            booking=booking, outcome="passed", recorded_by=exam_admin, now=after
        )
    assert caught.value.code == "outcome_recorded"
    booking.refresh_from_db()
    assert booking.outcome == FAILED


def test_the_voucher_says_what_it_still_covers_through_its_life(
    candidate, voucher, exam, exam_admin, now
):
    """SS-1: first attempt, booked, waiting for the result, free retake, passed."""

    def status(at):
        return Voucher.objects.get(pk=voucher.pk).status(at=at)

    assert status(now) == Voucher.Status.FIRST_ATTEMPT_AVAILABLE
    first = book(candidate, voucher, exam, now=now)
    assert status(now) == Voucher.Status.BOOKED
    during = first.sitting.starts_at + timedelta(hours=1)
    assert status(during) == Voucher.Status.AWAITING_OUTCOME
    services.record_outcome(booking=first, outcome=FAILED, recorded_by=exam_admin, now=during)
    assert status(during) == Voucher.Status.RETAKE_AVAILABLE
    assert Voucher.objects.get(pk=voucher.pk).retake_deadline() == voucher.pack.expires_on
    retake = book(candidate, voucher, exam, now=during)
    after = retake.sitting.starts_at + timedelta(hours=3)
    services.record_outcome(booking=retake, outcome=PASSED, recorded_by=exam_admin, now=after)
    assert status(after) == Voucher.Status.PASSED


def test_an_unknown_outcome_is_refused_with_the_ones_that_exist(
    candidate, voucher, exam, exam_admin, now
):
    booking = book(candidate, voucher, exam, now=now)
    with pytest.raises(Refused) as caught:
        services.record_outcome(
            booking=booking,
            outcome="absent",
            recorded_by=exam_admin,
            now=booking.sitting.starts_at + timedelta(hours=3),
        )
    assert caught.value.code == "unknown_outcome"
    assert "passed, failed or no_show" in caught.value.message
