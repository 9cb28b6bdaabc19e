"""Each reminder is sent once per voucher (or booking) and occasion, and a failed one again.

The record of what was sent is the claim: ``reminders/sending.py`` inserts it
before sending, and the database refuses a second one.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import RegisteredVoucherFactory, local_datetime
from tests.reminders.conftest import EXPIRES, before_expiry
from tests.reminders.helpers import book_at
from vouchers import reminders
from vouchers.clock import anywhere_on_earth_date
from vouchers.models import MAX_REMINDER_ATTEMPTS, ReminderSent
from vouchers.reminders import emails as reminder_emails

pytestmark = pytest.mark.django_db

Occasion, Status = ReminderSent.Occasion, ReminderSent.Status


@pytest.fixture
def mail_server_down(monkeypatch):
    """The mail server refuses every message until ``.up()``."""

    class Down:
        def __init__(self):
            self.refused = 0
            monkeypatch.setattr(reminder_emails, "send_templated", self.refuse)

        def refuse(self, **kwargs):
            self.refused += 1
            raise ConnectionRefusedError("mail server unreachable")

        def up(self):
            monkeypatch.undo()

    return Down()


def test_running_the_job_twice_sends_nothing_new(job, candidate, voucher, exam, berlin):
    others = [
        RegisteredVoucherFactory(
            registered_by=candidate, registered_at=before_expiry(200), pack__expires_on=EXPIRES
        )
        for _ in range(2)
    ]
    book_at(
        candidate,
        others[0],
        exam,
        centre=berlin,
        starts_at=before_expiry(29, hour=8),
        booked_at=before_expiry(40),
    )
    now = before_expiry(30)

    first = job(now)
    again = job(now)
    later_that_day = job(now + timedelta(hours=6))

    assert sorted(m.subject for m in first) == [
        "Reminder: exam 070-483 on 01 June 2027 at 10:00 CEST",
        "Your Second Shot voucher expires on 30 June 2027",
        "Your Second Shot voucher expires on 30 June 2027",
    ]
    assert again == [] and later_that_day == []
    assert ReminderSent.objects.filter(status=Status.SENT).count() == 3


def test_sending_the_same_reminder_again_is_refused_by_the_claim(committed, voucher):
    """Even when the caller's list is out of date (another worker has just sent it)."""
    now = before_expiry(30)

    def send():
        return reminders.send_once(voucher_id=voucher.pk, occasion=Occasion.EXPIRY_30, now=now)

    assert len(committed(send)) == 1
    outcomes = []
    assert committed(lambda: outcomes.append(send())) == []
    assert outcomes == [reminders.ALREADY_CLAIMED]


def test_the_database_refuses_a_second_record_of_the_same_reminder(candidate, voucher):
    ReminderSent.objects.create(
        voucher=voucher, occasion=Occasion.EXPIRY_7, candidate=candidate, status=Status.SENT
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(
            voucher=voucher, occasion=Occasion.EXPIRY_7, candidate=candidate, status=Status.CLAIMED
        )


def test_the_database_refuses_a_second_record_of_a_sitting_reminder(
    candidate, voucher, exam, berlin
):
    booking = book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(10),
        booked_at=before_expiry(40),
    )
    ReminderSent.objects.create(
        voucher=voucher,
        booking=booking,
        occasion=Occasion.SITTING_TOMORROW,
        candidate=candidate,
        status=Status.SENT,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(
            voucher=voucher,
            booking=booking,
            occasion=Occasion.SITTING_TOMORROW,
            candidate=candidate,
            status=Status.SENT,
        )


@pytest.mark.parametrize(
    ("occasion", "with_booking"),
    [(Occasion.EXPIRY_30, True), (Occasion.SITTING_TOMORROW, False)],
)
def test_the_database_refuses_a_booking_on_a_voucher_reminder_and_none_on_a_sitting_one(
    candidate, voucher, exam, berlin, occasion, with_booking
):
    """Otherwise a voucher reminder with a booking set would escape the once-per-voucher rule."""
    booking = book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(10),
        booked_at=before_expiry(40),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(
            voucher=voucher,
            booking=booking if with_booking else None,
            occasion=occasion,
            candidate=candidate,
            status=Status.SENT,
        )


# --- a failed send is tried again ---------------------------------------------------------


def test_a_failed_send_is_recorded_and_retried_on_the_next_run(job, voucher, mail_server_down):
    assert job(before_expiry(30)) == []
    record = ReminderSent.objects.get()
    assert record.status == Status.FAILED
    assert record.last_error == "ConnectionRefusedError: mail server unreachable"
    assert record.sent_at is None

    mail_server_down.up()
    (message,) = job(before_expiry(29))

    assert "It expires on 30 June 2027, in 29 days." in message.body
    record.refresh_from_db()
    assert (record.status, record.attempts, record.last_error) == (Status.SENT, 2, "")
    assert record.sent_at is not None
    assert job(before_expiry(28)) == []


def test_a_failed_send_is_retried_within_the_same_day_too(job, voucher, mail_server_down):
    now = before_expiry(30)
    job(now)
    mail_server_down.up()

    assert len(job(now + timedelta(hours=1))) == 1


def test_a_failing_reminder_is_given_up_after_the_last_attempt(job, voucher, mail_server_down):
    now = before_expiry(30)
    for _ in range(MAX_REMINDER_ATTEMPTS + 2):
        job(now)

    assert mail_server_down.refused == MAX_REMINDER_ATTEMPTS
    record = ReminderSent.objects.get()
    assert (record.status, record.attempts) == (Status.FAILED, MAX_REMINDER_ATTEMPTS)


def test_a_failed_send_is_not_retried_once_the_reminder_is_no_longer_due(
    job, voucher, mail_server_down
):
    job(before_expiry(30))
    mail_server_down.up()

    assert job(before_expiry(20)) == []


def test_a_claim_left_by_a_worker_that_died_is_taken_over_an_hour_later(
    committed, candidate, voucher
):
    """A claim still "being sent" after an hour: its worker died before it could send."""
    ReminderSent.objects.create(
        voucher=voucher,
        occasion=Occasion.EXPIRY_30,
        candidate=candidate,
        status=Status.CLAIMED,
        claimed_at=timezone.now() - timedelta(minutes=30),
    )

    def send():
        reminders.send_once(
            voucher_id=voucher.pk, occasion=Occasion.EXPIRY_30, now=before_expiry(30)
        )

    assert committed(send) == []  # still being sent, perhaps
    ReminderSent.objects.update(claimed_at=timezone.now() - timedelta(minutes=61))
    assert len(committed(send)) == 1
    assert ReminderSent.objects.get().status == Status.SENT


# --- the command cron runs ----------------------------------------------------------------


def test_the_command_enqueues_what_is_due_and_says_how_many(candidate, exam, berlin):
    """Run at the real time: a voucher expiring 30 days from today, anywhere on Earth."""
    today = anywhere_on_earth_date(timezone.now())
    RegisteredVoucherFactory(
        registered_by=candidate,
        registered_at=timezone.now() - timedelta(days=90),
        pack__expires_on=today + timedelta(days=30),
    )
    out = StringIO()

    call_command("enqueue_reminders", "--dry-run", stdout=out)
    assert out.getvalue() == "Due: 1 reminder.\n  Voucher unused, 30 days before expiry: 1\n"
    assert not ReminderSent.objects.exists()

    out = StringIO()
    call_command("enqueue_reminders", stdout=out)
    assert out.getvalue().startswith("Enqueued: 1 reminder.\n")
    assert ReminderSent.objects.get().status == Status.CLAIMED  # sent when the test commits

    out = StringIO()
    call_command("enqueue_reminders", stdout=out)
    assert out.getvalue() == "Enqueued: 0 reminders.\n"
    assert mail.outbox == []


def test_the_sitting_reminder_goes_once_whatever_the_hour_the_job_runs(
    job, candidate, voucher, exam, berlin
):
    book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=local_datetime("Europe/Berlin", 2027, 6, 20, 9),
        booked_at=before_expiry(60),
    )

    sent = [
        message
        for hour in (0, 6, 12, 18, 23)
        for message in job(local_datetime("Europe/Berlin", 2027, 6, 19, hour))
    ]

    assert len(sent) == 1
