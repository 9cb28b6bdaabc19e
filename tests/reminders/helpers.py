"""Walking a voucher to the point where a reminder is due."""

from datetime import timedelta

from tests.factories import SittingFactory
from vouchers import services


def book_at(candidate, voucher, exam, *, centre, starts_at, booked_at):
    sitting = SittingFactory(centre=centre, starts_at=starts_at, seats=5)
    return services.book_sitting(
        candidate=candidate, voucher=voucher, exam=exam, sitting=sitting, now=booked_at
    )


def result(booking, outcome):
    """Record the outcome three hours after the sitting started."""
    return services.record_outcome(
        booking=booking,
        outcome=outcome,
        recorded_by=None,
        now=booking.sitting.starts_at + timedelta(hours=3),
    )
