"""Cancelling and moving a booking before the cut-off (SS-10)."""

from datetime import timedelta

import pytest

from exams.models import Sitting
from tests.factories import SittingFactory
from tests.vouchers.helpers import NO_SHOW, book, sit
from vouchers import services
from vouchers.errors import Refused
from vouchers.models import Booking, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db


def test_cancel_before_the_cutoff_restores_the_voucher_and_the_seat(candidate, voucher, exam, now):
    """SS-10"""
    booking = book(candidate, voucher, exam, days_ahead=5, now=now)
    services.cancel_booking(candidate=candidate, booking=booking, now=now)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Sitting.objects.get(pk=booking.sitting_id).seats_taken == 0
    voucher = Voucher.objects.get(pk=voucher.pk)
    assert voucher.status(at=now) == Voucher.Status.FIRST_ATTEMPT_AVAILABLE
    assert voucher.exam() is None, "the exam can be chosen afresh"
    assert voucher.events.filter(action=VoucherEvent.Action.CANCELLED).exists()


def test_a_pack_stays_tied_after_the_booking_is_cancelled(candidate, voucher, exam, now):
    """SS-10, SS-5"""
    booking = book(candidate, voucher, exam, now=now)
    services.cancel_booking(candidate=candidate, booking=booking, now=now)
    voucher.pack.refresh_from_db()
    assert voucher.pack.candidate == candidate


def test_cancel_after_the_cutoff_is_refused_and_the_booking_stands(candidate, voucher, exam, now):
    """SS-10"""
    booking = book(candidate, voucher, exam, days_ahead=5, now=now)
    too_late = booking.sitting.starts_at - timedelta(hours=23)
    with pytest.raises(Refused) as caught:
        services.cancel_booking(candidate=candidate, booking=booking, now=too_late)
    assert caught.value.code == "change_cutoff_passed"
    assert "24 hours" in caught.value.message
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SCHEDULED


def test_the_cutoff_is_a_setting(candidate, voucher, exam, now, settings):
    """SS-10"""
    settings.BOOKING_CHANGE_CUTOFF = timedelta(hours=48)
    booking = book(candidate, voucher, exam, days_ahead=5, now=now)
    with pytest.raises(Refused, match="48 hours"):
        services.cancel_booking(
            candidate=candidate,
            booking=booking,
            now=booking.sitting.starts_at - timedelta(hours=47),
        )


def test_a_no_show_after_the_cutoff_uses_the_attempt(candidate, voucher, exam, now):
    """SS-10: a candidate who does not come is recorded as no-show, which uses the attempt."""
    booking = book(candidate, voucher, exam, now=now)
    sit(booking, NO_SHOW)
    voucher = Voucher.objects.get(pk=voucher.pk)
    assert voucher.first_attempt().outcome == NO_SHOW
    assert voucher.status(at=now) == Voucher.Status.RETAKE_AVAILABLE


def test_someone_else_cannot_cancel_my_booking(candidate, other_candidate, voucher, exam, now):
    booking = book(candidate, voucher, exam, now=now)
    with pytest.raises(Refused):
        services.cancel_booking(candidate=other_candidate, booking=booking, now=now)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SCHEDULED


def test_move_before_the_cutoff_swaps_the_seat_and_keeps_exam_and_attempt(
    candidate, voucher, exam, now
):
    """SS-10"""
    booking = book(candidate, voucher, exam, days_ahead=5, now=now)
    later = SittingFactory(starts_at=now + timedelta(days=12))
    moved = services.move_booking(candidate=candidate, booking=booking, sitting=later, now=now)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.replaced_by == moved
    assert (moved.sitting, moved.exam, moved.attempt) == (later, exam, Booking.Attempt.FIRST)
    assert Sitting.objects.get(pk=booking.sitting_id).seats_taken == 0
    assert Sitting.objects.get(pk=later.pk).seats_taken == 1
    assert voucher.events.filter(action=VoucherEvent.Action.MOVED).count() == 1


def test_move_after_the_cutoff_is_refused(candidate, voucher, exam, now):
    """SS-10"""
    booking = book(candidate, voucher, exam, days_ahead=5, now=now)
    later = SittingFactory(starts_at=now + timedelta(days=12))
    with pytest.raises(Refused) as caught:
        services.move_booking(
            candidate=candidate,
            booking=booking,
            sitting=later,
            now=booking.sitting.starts_at - timedelta(hours=2),
        )
    assert caught.value.code == "change_cutoff_passed"
    assert Sitting.objects.get(pk=later.pk).seats_taken == 0


@pytest.mark.parametrize(
    ("code", "sitting_kwargs"),
    [
        ("sitting_full", {"days": 12, "seats": 0}),
        ("sitting_after_expiry", {"days": 400, "seats": 5}),
        ("sitting_past", {"days": -1, "seats": 5}),
    ],
)
def test_move_to_a_sitting_the_voucher_cannot_pay_for_is_refused(
    candidate, voucher, exam, now, code, sitting_kwargs
):
    """SS-2, SS-10, SS-11"""
    booking = book(candidate, voucher, exam, days_ahead=5, now=now)
    target = SittingFactory(
        starts_at=now + timedelta(days=sitting_kwargs["days"]), seats=sitting_kwargs["seats"]
    )
    with pytest.raises(Refused) as caught:
        services.move_booking(candidate=candidate, booking=booking, sitting=target, now=now)
    assert caught.value.code == code
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SCHEDULED
