"""The booking workflow's read of the bookings its rules ask, written by hand
(``queries.bookings_to_check``): the same bookings the ORM's query reads, in one
statement, each with its exam and sitting."""

import pytest

from tests.factories import ExamFactory, RegisteredVoucherFactory
from tests.vouchers.helpers import FAILED, book, sit
from vouchers import queries, services
from vouchers.models import Booking

pytestmark = pytest.mark.django_db


def read_by_the_orm(voucher, candidate):
    live = Booking.objects.filter(voucher=voucher.pk).exclude(status=Booking.Status.CANCELLED)
    unmarked = Booking.objects.filter(candidate=candidate.pk).unmarked()
    return list((live | unmarked).select_related("exam", "sitting").order_by("pk"))


def test_the_workflow_reads_the_bookings_the_orm_reads(
    candidate, voucher, exam, django_assert_num_queries
):
    # The voucher: a first attempt failed, a retake booked then cancelled, a retake booked.
    sit(book(candidate, voucher, exam), FAILED)
    services.cancel_booking(candidate=candidate, booking=book(candidate, voucher, exam))
    book(candidate, voucher, exam, days_ahead=20)
    # Another voucher of the candidate's with nothing pending, and another person's.
    other = RegisteredVoucherFactory(registered_by=candidate)
    someone = RegisteredVoucherFactory()
    book(someone.registered_by, someone, ExamFactory(number="070-461"))

    expected = read_by_the_orm(voucher, candidate)
    with django_assert_num_queries(1):
        read = queries.bookings_to_check(voucher_id=voucher.pk, candidate_id=candidate.pk)
        shown = [(b.pk, b.status, b.exam.number, b.sitting.starts_at) for b in read]
    assert [b.status for b in expected] == [Booking.Status.TAKEN, Booking.Status.SCHEDULED]
    assert shown == [(b.pk, b.status, b.exam.number, b.sitting.starts_at) for b in expected]
    assert [b.booked_at for b in read] == [b.booked_at for b in expected]

    # From the other voucher: only the candidate's booking still stored as scheduled.
    read = queries.bookings_to_check(voucher_id=other.pk, candidate_id=candidate.pk)
    assert [b.pk for b in read] == [b.pk for b in read_by_the_orm(other, candidate)]
    assert [b.voucher_id for b in read] == [voucher.pk]
