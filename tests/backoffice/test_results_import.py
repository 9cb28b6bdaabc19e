"""Importing the test provider's results file: all or nothing, idempotent (SS-1, SS-12)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import ExamFactory, RegisteredVoucherFactory
from tests.vouchers.helpers import book
from vouchers.models import Booking, VoucherEvent
from vouchers.services import import_results
from vouchers.services.results import COLUMNS, MAX_LISTED_ERRORS

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)


def taken_booking(days_ago=2, exam_number="070-483"):
    """A first attempt whose sitting started ``days_ago`` days ago, awaiting its outcome."""
    voucher = RegisteredVoucherFactory(pack__exam_count=3)
    now = timezone.now()
    return book(
        voucher.registered_by,
        voucher,
        ExamFactory(number=exam_number),
        days_ahead=2,
        now=now - timedelta(days=days_ago + 2),
    )


def row(booking, outcome, **changes) -> str:
    values = {
        "booking_reference": str(booking.pk),
        "candidate_email": booking.candidate.email,
        "exam_number": booking.exam.number,
        "sitting_start_utc": booking.sitting.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "outcome": outcome,
    } | changes
    return ",".join(values[column] for column in COLUMNS)


def results_file(*lines, header=HEADER) -> io.BytesIO:
    return io.BytesIO("\n".join([header, *lines]).encode() + b"\n")


def run(file, by):
    return import_results(file=file, recorded_by=by)


@pytest.fixture
def bookings():
    return [taken_booking(), taken_booking(exam_number="072-410"), taken_booking(days_ago=1)]


def outcomes(bookings):
    return [Booking.objects.get(pk=b.pk).outcome for b in bookings]


def test_a_good_file_records_every_outcome_with_its_audit_event(bookings, exam_admin):
    """SS-1, SS-12"""
    first, second, third = bookings
    file = results_file(row(first, "passed"), row(second, "failed"), row(third, "no_show"))

    report = run(file, exam_admin)

    assert report.is_applied()
    assert (report.rows, report.recorded, report.unchanged) == (3, 3, 0)
    assert outcomes(bookings) == ["passed", "failed", "no_show"]
    events = VoucherEvent.objects.filter(action=VoucherEvent.Action.OUTCOME)
    assert events.count() == 3 and {e.actor for e in events} == {exam_admin}
    second.voucher.refresh_from_db()
    assert second.voucher.retake_available()


def test_importing_the_same_file_twice_changes_nothing_the_second_time(bookings, exam_admin):
    lines = [row(bookings[0], "passed"), row(bookings[1], "failed")]
    run(results_file(*lines), exam_admin)
    events_after_first = VoucherEvent.objects.count()

    again = run(results_file(*lines), exam_admin)

    assert again.is_applied()
    assert (again.recorded, again.unchanged) == (0, 2)
    assert VoucherEvent.objects.count() == events_after_first


def test_a_file_with_bad_rows_lists_each_with_its_line_and_records_nothing(bookings, exam_admin):
    first, second, third = bookings
    Booking.objects.filter(pk=third.pk).update(status="cancelled")
    file = results_file(
        row(first, "passed"),
        row(second, "failed", candidate_email="someone.else@example.com"),
        row(first, "maybe"),
        "abc,x@example.com,070-483,2026-01-01T09:00:00Z,passed",
        row(second, "passed", sitting_start_utc="yesterday"),
        row(third, "failed"),
        "999999,x@example.com,070-483,2026-01-01T09:00:00Z,passed",
        row(second, "passed", exam_number="070-999"),
        "1,2,3",
    )

    report = run(file, exam_admin)

    assert not report.is_applied()
    assert [error.line for error in report.errors] == [3, 4, 5, 6, 7, 8, 9, 10]
    messages = [error.message for error in report.errors]
    assert "is not someone.else@example.com’s booking" in messages[0]
    assert "“maybe” is not an outcome" in messages[1]
    assert "“abc” is not a booking number" in messages[2]
    assert "is not a date and time" in messages[3]
    assert "This booking was cancelled" in messages[4]
    assert "there is no booking 999999" in messages[5]
    assert "is for exam 072-410, not 070-999" in messages[6]
    assert "expected 5 values" in messages[7]
    assert outcomes(bookings) == [None, None, None]
    assert not VoucherEvent.objects.filter(action=VoucherEvent.Action.OUTCOME).exists()
    assert (report.recorded, report.unchanged) == (0, 0)


def test_a_row_cannot_overwrite_a_recorded_outcome(bookings, exam_admin):
    run(results_file(row(bookings[0], "failed")), exam_admin)

    report = run(results_file(row(bookings[1], "passed"), row(bookings[0], "passed")), exam_admin)

    assert [(e.line, "already recorded" in e.message) for e in report.errors] == [(3, True)]
    assert outcomes(bookings[:2]) == ["failed", None]


def test_a_sitting_not_yet_started_gets_no_outcome(exam_admin):
    voucher = RegisteredVoucherFactory()
    upcoming = book(voucher.registered_by, voucher, ExamFactory(number="070-483"))
    report = run(results_file(row(upcoming, "passed")), exam_admin)
    assert "once the sitting has started" in report.errors[0].message


def test_the_same_booking_twice_in_a_file_with_two_outcomes_is_refused(bookings, exam_admin):
    report = run(results_file(row(bookings[0], "passed"), row(bookings[0], "failed")), exam_admin)
    assert [e.line for e in report.errors] == [3]
    assert outcomes(bookings[:1]) == [None]


def test_columns_may_come_in_any_order_with_others_and_lenient_spelling(bookings, exam_admin):
    booking = bookings[0]
    header = "outcome,Notes,Sitting_Start_UTC,booking_reference,exam_number,candidate_email"
    line = ",".join(
        [
            "No-Show",
            "arrived late",
            booking.sitting.starts_at.isoformat(),
            str(booking.pk),
            booking.exam.number,
            booking.candidate.email.upper(),
        ]
    )
    file = io.BytesIO(f"\ufeff{header}\r\n{line}\r\n\r\n".encode())

    report = run(file, exam_admin)

    assert report.is_applied(), report.errors
    assert outcomes(bookings[:1]) == ["no_show"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (HEADER.encode() + b"\n", "has a header row but no results"),
        (b"booking,result\n1,passed\n", "The first line must name the columns"),
        (HEADER.encode() + b",outcome\n", "it repeats outcome"),
        ("booking_reference;Prüfung\n".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (
            HEADER.encode() + b'\n1,"x@example.com"z,070-483,2026-01-01T09:00Z,failed\n',
            "not readable",
        ),
    ],
)
def test_a_malformed_file_gets_a_clear_message(content, message, exam_admin):
    report = run(io.BytesIO(content), exam_admin)
    assert not report.is_applied()
    assert message in report.errors[0].message


def test_a_large_file_is_read_in_chunks(exam_admin, monkeypatch):
    """Memory stays flat: the rows are looked up and recorded a chunk at a time."""
    from vouchers.services import results

    monkeypatch.setattr(results, "CHUNK_ROWS", 2)
    bookings = [taken_booking() for _ in range(5)]
    report = run(results_file(*(row(b, "passed") for b in bookings)), exam_admin)
    assert report.is_applied() and report.recorded == 5


def test_a_file_full_of_bad_rows_lists_the_first_ones_and_counts_the_rest(exam_admin):
    lines = [f"{n},x@example.com,070-483,2026-01-01T09:00:00Z,passed" for n in range(1, 600)]
    report = run(results_file(*lines), exam_admin)
    assert len(report.errors) == MAX_LISTED_ERRORS
    assert report.error_count == 599


# --- the admin page --------------------------------------------------------------------


def upload(client, content: bytes, name="results.csv", **kwargs):
    return client.post(
        reverse("admin:vouchers_booking_import_results"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        **kwargs,
    )


def test_the_exam_administrator_imports_a_file_from_the_admin(exam_admin_client, bookings):
    content = results_file(row(bookings[0], "passed"), row(bookings[1], "failed")).getvalue()

    response = upload(exam_admin_client, content, follow=True)

    assert response.status_code == 200
    assert "Imported 2 rows: 2 outcomes recorded" in response.content.decode()
    # The administrator lands on the bookings the import recorded, and only them.
    assert {b.pk for b in response.context["cl"].result_list} == {bookings[0].pk, bookings[1].pk}
    again = upload(exam_admin_client, content)
    assert again.status_code == 200  # nothing recorded: the page says so, and stays
    assert "0 outcomes recorded, 2 already recorded the same way" in again.content.decode()


def test_the_import_page_lists_bad_rows_and_documents_the_columns(exam_admin_client, bookings):
    page = exam_admin_client.get(reverse("admin:vouchers_booking_import_results"))
    for column in COLUMNS:
        assert column in page.content.decode()

    response = upload(exam_admin_client, results_file(row(bookings[0], "won")).getvalue())

    page = response.content.decode()
    assert "Nothing was recorded" in page
    assert "“won” is not an outcome" in page
    assert outcomes(bookings) == [None, None, None]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"name,email\nAlex,alex@example.com\n", "The first line must name the columns"),
    ],
)
def test_a_malformed_upload_is_answered_on_the_page(exam_admin_client, content, message):
    response = upload(exam_admin_client, content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_only_who_records_outcomes_may_import(support_client, manager_client):
    url = reverse("admin:vouchers_booking_import_results")
    assert support_client.get(url).status_code == 403
    assert manager_client.get(url).status_code == 403


@pytest.mark.parametrize("reference", ["²", "١٢", "１２"])
def test_a_booking_reference_in_other_digits_is_refused_in_words(bookings, exam_admin, reference):
    """SS-12: only ASCII digits are a booking number; the row is explained, never misread.

    Before, "²" showed Python's own error and "١٢" was read as booking 12.
    """
    report = run(results_file(row(bookings[0], "passed", booking_reference=reference)), exam_admin)

    assert not report.is_applied()
    ((line, message),) = [(e.line, e.message) for e in report.errors]
    assert line == 2
    assert message == f"booking_reference “{reference}” is not a booking number."
    assert outcomes(bookings) == [None, None, None]
