"""Reminders run through Django's tasks framework: at once by default, or from a database
queue with a worker in production (``TASKS_BACKEND=db``, ``manage.py db_worker``)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django_tasks_db.models import DBTaskResult

from tests.reminders.conftest import before_expiry
from tests.reminders.helpers import book_at, result
from vouchers import services, tasks
from vouchers.models import Booking, ReminderSent

ROOT = Path(__file__).resolve().parents[2]


def settings_in_a_new_process(**env) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.TASKS)"
    environment = {k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"} | env
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment | {"DJANGO_SETTINGS_MODULE": "secondshot.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_default_backend_runs_tasks_at_once():
    assert settings.TASKS == {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }


def test_tasks_backend_db_selects_the_database_queue():
    found = settings_in_a_new_process(TASKS_BACKEND="db")

    assert found.returncode == 0, found.stderr
    assert "django_tasks_db.DatabaseBackend" in found.stdout


def test_an_unknown_tasks_backend_stops_the_portal_with_a_clear_message():
    found = settings_in_a_new_process(TASKS_BACKEND="celery")

    assert found.returncode != 0
    assert "TASKS_BACKEND must be one of immediate, db, not 'celery'." in found.stderr


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_worker_sends_each_reminder_once(
    database_queue, run_worker, voucher
):
    now = before_expiry(30)

    assert len(tasks.enqueue_due_reminders(now=now)) == 1
    assert mail.outbox == [], "queued, not sent"
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "vouchers.tasks.send_reminder"

    run_worker()

    (message,) = mail.outbox
    assert "30 June 2027" in message.subject
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == "claimed"
    assert ReminderSent.objects.get().status == ReminderSent.Status.SENT

    tasks.enqueue_due_reminders(now=now)  # the job runs again: nothing new to queue
    tasks.enqueue_reminder(
        tasks.reminders.Reminder(voucher.pk, "expiry_30"), now=now
    )  # and a stale duplicate task is refused by the claim
    run_worker()
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_retake_reminder_is_queued_when_the_result_is_committed(
    database_queue, run_worker, candidate, voucher, exam, berlin
):
    booking = book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(40, hour=13),
        booked_at=before_expiry(60),
    )
    # Booking queues its own e-mail (tests/vouchers/test_booking_notices.py): run it first.
    run_worker()
    mail.outbox.clear()

    result(booking, Booking.Outcome.FAILED)

    (queued,) = DBTaskResult.objects.filter(status="READY")
    assert queued.args_kwargs["args"][:2] == [voucher.pk, "retake_open"]
    run_worker()
    (message,) = mail.outbox
    assert message.subject == "Your free retake of exam 070-483 is ready to book"


@pytest.mark.django_db
def test_a_refused_results_file_announces_no_retake_and_the_corrected_one_does(
    committed, candidate, voucher, exam, berlin
):
    """The reminder is enqueued on commit: a file applied whole or not at all (README)."""
    booking = book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(40, hour=13),
        booked_at=before_expiry(60),
    )
    header = "booking_reference,candidate_email,exam_number,sitting_start_utc,outcome\n"
    row = (
        f"{booking.pk},{candidate.email},070-483,"
        f"{booking.sitting.starts_at:%Y-%m-%dT%H:%M:%SZ},failed\n"
    )
    bad_row = f"999999,{candidate.email},070-483,2027-01-01T09:00:00Z,failed\n"

    def import_file(text):
        return lambda: services.import_results(
            file=io.BytesIO(text.encode()), recorded_by=None, now=before_expiry(39)
        )

    assert committed(import_file(header + row + bad_row)) == []
    assert not ReminderSent.objects.exists()
    (message,) = committed(import_file(header + row))
    assert message.subject == "Your free retake of exam 070-483 is ready to book"
