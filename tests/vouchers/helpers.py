"""Short ways to walk a voucher through its life in tests."""

from datetime import timedelta

from tests.factories import SittingFactory
from vouchers import services
from vouchers.models import Booking


def book(candidate, voucher, exam, *, days_ahead=10, now=None, **sitting_kwargs):
    from django.utils import timezone

    now = now or timezone.now()
    sitting = SittingFactory(starts_at=now + timedelta(days=days_ahead), **sitting_kwargs)
    return services.book_sitting(
        candidate=candidate, voucher=voucher, exam=exam, sitting=sitting, now=now
    )


def sit(booking, outcome, *, by=None):
    """Record the outcome as if the sitting had happened: judged just after its start."""
    return services.record_outcome(
        booking=booking,
        outcome=outcome,
        recorded_by=by,
        now=booking.sitting.starts_at + timedelta(hours=3),
    )


def take_first_attempt(candidate, voucher, exam, outcome, *, now=None):
    booking = book(candidate, voucher, exam, now=now)
    return sit(booking, outcome)


FAILED = Booking.Outcome.FAILED
PASSED = Booking.Outcome.PASSED
NO_SHOW = Booking.Outcome.NO_SHOW
