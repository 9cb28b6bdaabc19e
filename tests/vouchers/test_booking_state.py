"""A booking's state: pending until its sitting starts, then taken, whatever is stored (SS-13).

``Booking.state`` and ``Booking.objects.in_state`` are the one place that says it;
they must agree with each other at every moment.
"""

from datetime import timedelta

import pytest

from tests.factories import BookingFactory, RegisteredVoucherFactory, SittingFactory
from vouchers import services
from vouchers.models import Booking

from .helpers import book

pytestmark = pytest.mark.django_db

PENDING, TAKEN, CANCELLED = Booking.State.PENDING, Booking.State.TAKEN, Booking.State.CANCELLED


def started_booking(candidate, voucher, exam, now, *, hours_ago=2):
    """Booked long ago for a sitting that started ``hours_ago``; stored as scheduled still."""
    sitting = SittingFactory(starts_at=now - timedelta(hours=hours_ago))
    return services.book_sitting(
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=sitting,
        now=now - timedelta(days=9),
    )


def test_a_booking_is_pending_until_its_sitting_starts_then_taken(candidate, voucher, exam, now):
    """SS-4, SS-13"""
    booking = book(candidate, voucher, exam, now=now)
    start = booking.sitting.starts_at
    assert booking.state(at=start - timedelta(seconds=1)) == PENDING
    assert booking.state(at=start) == TAKEN
    assert booking.status == Booking.Status.SCHEDULED  # stored: only the state moved on


def test_a_booking_whose_sitting_started_is_taken_though_stored_as_scheduled(
    candidate, voucher, exam, now
):
    """SS-13"""
    booking = started_booking(candidate, voucher, exam, now)
    assert booking.status == Booking.Status.SCHEDULED
    assert booking.state(at=now) == TAKEN
    assert list(Booking.objects.in_state(TAKEN, at=now)) == [booking]
    assert not Booking.objects.in_state(PENDING, at=now).exists()


@pytest.mark.parametrize(
    ("stored", "starts_in_days"),
    [
        (Booking.Status.SCHEDULED, 3),
        (Booking.Status.SCHEDULED, -3),  # started, not yet marked
        (Booking.Status.TAKEN, -3),
        (Booking.Status.CANCELLED, 3),
        (Booking.Status.CANCELLED, -3),
    ],
)
def test_the_model_and_the_database_say_the_same_state_at_every_moment(stored, starts_in_days, now):
    """SS-13: ``state`` and ``in_state`` agree, before, at and after the sitting."""
    sitting = SittingFactory(starts_at=now + timedelta(days=starts_in_days))
    booking = BookingFactory(sitting=sitting, status=stored)
    for at in [now - timedelta(days=5), sitting.starts_at, now, now + timedelta(days=5)]:
        in_db = {
            state
            for state in Booking.State
            if Booking.objects.in_state(state, at=at).filter(pk=booking.pk).exists()
        }
        assert in_db == {booking.state(at=at)}, at


def _registered(candidate):
    return RegisteredVoucherFactory(registered_by=candidate)


def test_marking_stores_only_the_bookings_whose_sitting_started(candidate, voucher, exam, now):
    """SS-13: the named step writes the stored status; it changes no state."""
    started = started_booking(candidate, voucher, exam, now)
    other = _registered(candidate)
    assert Booking.mark_started_taken([started], at=now - timedelta(days=1)) == 0
    assert Booking.mark_started_taken([started], at=now) == 1
    started.refresh_from_db()
    assert started.status == Booking.Status.TAKEN
    assert started.state(at=now) == TAKEN
    # The next booking runs the step itself: the constraint reads the stored status.
    booked = book(candidate, other, exam, now=now)
    assert booked.state(at=now) == PENDING
