"""A results file costs a fixed number of queries per chunk of rows, not per row."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import BookingFactory, StaffFactory
from vouchers.models import Booking, VoucherEvent
from vouchers.services.results import import_results

pytestmark = pytest.mark.django_db

HEADER = "booking_reference,candidate_email,exam_number,sitting_start_utc,outcome\n"


def results_file(bookings) -> io.BytesIO:
    lines = [
        f"{b.pk},{b.candidate.email},{b.exam.number},"
        f"{b.sitting.starts_at:%Y-%m-%dT%H:%M:%SZ},{'failed' if b.pk % 2 else 'passed'}\n"
        for b in bookings
    ]
    return io.BytesIO((HEADER + "".join(lines)).encode())


def sat(count: int) -> list[Booking]:
    started = timezone.now() - timedelta(days=2)
    return [BookingFactory(sitting__starts_at=started) for _ in range(count)]


def queries_to_import(bookings, recorded_by) -> int:
    file = results_file(bookings)
    with CaptureQueriesContext(connection) as queries:
        report = import_results(file=file, recorded_by=recorded_by)
    assert report.is_applied(), report.errors
    assert report.recorded == len(bookings)
    return len(queries)


def test_importing_5_or_60_rows_makes_the_same_queries():
    """SS-12: every outcome is still written with its audit event."""
    examadmin = StaffFactory()
    few, many = sat(5), sat(60)

    assert queries_to_import(few, examadmin) == queries_to_import(many, examadmin)
    assert VoucherEvent.objects.filter(action=VoucherEvent.Action.OUTCOME).count() == 65
    assert Booking.objects.filter(outcome__isnull=False, status=Booking.Status.TAKEN).count() == 65
