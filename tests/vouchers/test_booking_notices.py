"""Booking e-mails go through the task queue: the workflow queues them, a worker sends them.

With the database queue (``TASKS_BACKEND=db``) booking, cancelling or moving inserts
one task row as it commits and sends nothing; ``manage.py db_worker`` sends the
e-mail. A notice is judged when the task runs: one that waited while the booking
was cancelled or moved again is not sent, as the later change's own notice is.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.factories import SittingFactory
from tests.portal.pages import ics_of, ics_start
from tests.security.test_faults import FailingBackend
from vouchers import services
from vouchers.errors import Refused
from vouchers.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)


def book(candidate, voucher, exam, sitting):
    return services.book_sitting(candidate=candidate, voucher=voucher, exam=exam, sitting=sitting)


def task_results() -> dict[tuple, str]:
    """What each queued notice did: (booking id, what) → "sent", "overtaken" or the status."""
    return {
        tuple(result.args_kwargs["args"]): result.return_value or result.status
        for result in DBTaskResult.objects.filter(task_path="vouchers.tasks.send_booking_notice")
    }


def test_a_booking_only_queues_its_email_and_the_worker_sends_it(
    database_queue, run_worker, candidate, voucher, exam, sitting
):
    booking = book(candidate, voucher, exam, sitting)

    assert task_results() == {(booking.pk, "booked"): "READY"}
    assert mail.outbox == [], "queued, not sent: a booking does not wait for the mail server"

    run_worker()

    (message,) = mail.outbox
    assert message.to == [candidate.email]
    assert message.subject.startswith("Booked: exam 070-483 on ")
    assert f"{ics_start(sitting)}\r\n" in ics_of(message)
    assert task_results() == {(booking.pk, "booked"): "sent"}


def test_a_booked_notice_that_waited_past_the_sitting_is_not_sent(
    database_queue, run_worker, candidate, voucher, exam, sitting
):
    """A worker that was down until after the exam has nothing useful to say about it."""
    booking = book(candidate, voucher, exam, sitting)

    with mock.patch(
        "django.utils.timezone.now", return_value=sitting.starts_at + timedelta(minutes=1)
    ):
        run_worker()

    assert mail.outbox == []
    assert task_results() == {(booking.pk, "booked"): "overtaken"}


@pytest.mark.django_db(transaction=False)  # the test's transaction holds what is "on commit"
def test_the_notice_is_queued_with_the_booking_not_after_it(
    database_queue, candidate, voucher, exam, sitting, django_capture_on_commit_callbacks
):
    """A server that stops right after the commit (nothing run "on commit") loses no e-mail."""
    with django_capture_on_commit_callbacks(execute=False):
        booking = book(candidate, voucher, exam, sitting)
    assert task_results() == {(booking.pk, "booked"): "READY"}


def test_a_refused_booking_queues_nothing(database_queue, candidate, voucher, exam, now):
    full = SittingFactory(starts_at=now + timedelta(days=10), seats=1, seats_taken=1)

    with pytest.raises(Refused):
        book(candidate, voucher, exam, full)

    assert not DBTaskResult.objects.exists()


def test_a_booking_cancelled_before_its_email_went_gets_only_the_cancellation(
    database_queue, run_worker, candidate, voucher, exam, sitting
):
    """Calendars must not add an event after its cancellation."""
    booking = book(candidate, voucher, exam, sitting)
    services.cancel_booking(candidate=candidate, booking=booking)

    run_worker()

    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled: exam 070-483 on ")
    assert "METHOD:CANCEL" in ics_of(message)
    assert task_results() == {
        (booking.pk, "booked"): "overtaken",
        (booking.pk, "cancelled"): "sent",
    }


def test_a_booking_moved_twice_before_its_emails_went_gets_one_notice_of_where_it_is_now(
    database_queue, run_worker, candidate, voucher, exam, sitting, now
):
    second, third = (SittingFactory(starts_at=now + timedelta(days=d), seats=5) for d in (12, 14))
    booking = book(candidate, voucher, exam, sitting)
    moved = services.move_booking(candidate=candidate, booking=booking, sitting=second)
    moved_again = services.move_booking(candidate=candidate, booking=moved, sitting=third)

    run_worker()

    (message,) = mail.outbox
    local = third.local_start()
    assert message.subject.startswith("Moved: exam 070-483 is now on ")
    assert f"{local:%H:%M} {local.tzname()}" in message.subject
    ics = ics_of(message)
    assert f"{ics_start(third)}\r\n" in ics
    # The event of the first booking, updated twice: calendars replace what they hold.
    assert f"UID:booking-{booking.pk}@" in ics and "SEQUENCE:2\r\n" in ics
    assert task_results() == {
        (booking.pk, "booked"): "overtaken",
        (moved.pk, "moved"): "overtaken",
        (moved_again.pk, "moved"): "sent",
    }


def test_a_cancellation_is_sent_even_when_the_booking_email_was_never_sent(
    database_queue, run_worker, candidate, voucher, exam, sitting
):
    """Two workers may take the notices in either order: the cancellation goes whatever."""
    booking = book(candidate, voucher, exam, sitting)
    services.cancel_booking(candidate=candidate, booking=booking)
    DBTaskResult.objects.filter(args_kwargs__args=[booking.pk, "booked"]).delete()

    run_worker()

    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled: ")


def test_with_the_worker_failing_to_send_the_booking_stands_and_can_be_sent_again(
    client, settings, database_queue, run_worker, candidate, voucher, exam, sitting
):
    """The mail server down while the worker sends: the candidate asks for the e-mail again."""
    client.force_login(candidate)
    url = reverse("portal:review_booking", args=[voucher.pk, sitting.pk]) + f"?exam={exam.pk}"
    assert client.post(url).status_code == 302
    booking = Booking.objects.get()

    settings.MAILERS = {"default": {"BACKEND": f"{FailingBackend.__module__}.FailingBackend"}}
    run_worker()

    assert task_results() == {(booking.pk, "booked"): "FAILED"}
    assert Booking.objects.get().status == Booking.Status.SCHEDULED
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    response = client.post(reverse("portal:resend_booking_email", args=[booking.pk]), follow=True)
    assert "The details are on their way" in response.text
    run_worker()
    (message,) = mail.outbox
    assert message.subject.startswith("Booked: ")
