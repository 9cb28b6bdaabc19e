"""Background tasks (``django.tasks``): every e-mail a workflow causes, and the reminders.

``settings.TASKS`` runs them at once in the enqueuing process by default, or
queues them in the database for ``manage.py db_worker`` (``TASKS_BACKEND=db``).
Arguments are plain JSON values, as a database queue stores them. The tasks are
thin: what they send is decided in ``reminders`` and ``notices``. Workflows queue
them with their change (``with_the_change``, through the ``enqueue_*`` helpers) and
never send. Their names are the paths a database queue stores
(``vouchers.tasks.send_reminder``): renaming one would orphan the tasks already waiting.
"""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import notices, numbers, reminders


@task
def send_reminder(
    voucher_id: int, occasion: str, booking_id: int | None = None, now: str | None = None
) -> str:
    """Send one reminder if it is still due and not yet sent (``reminders.send_once``).

    ``now`` (ISO 8601) judges it at a given moment; without it, at the moment the
    task runs, so a task that waited in the queue is judged afresh.
    """
    return reminders.send_once(
        voucher_id=voucher_id,
        occasion=occasion,
        booking_id=booking_id,
        now=datetime.fromisoformat(now) if now else None,
    )


def enqueue_reminder(reminder: reminders.Reminder, *, now: datetime | None = None):
    return send_reminder.enqueue(
        reminder.voucher_id,
        reminder.occasion,
        reminder.booking_id,
        now.isoformat() if now else None,
    )


def enqueue_due_reminders(*, now: datetime | None = None) -> list[reminders.Reminder]:
    """Enqueue one task per reminder due at ``now`` (default: the real time); return them."""
    due = reminders.find_due_reminders(now=now or timezone.now())
    for reminder in due:
        enqueue_reminder(reminder, now=now)
    return due


def enqueue_retake_reminder(voucher_id: int, *, now: datetime) -> None:
    """Queue the reminder that a free retake is open, with the result that opens it."""
    reminder = reminders.Reminder(voucher_id, reminders.Occasion.RETAKE_OPEN)
    with_the_change(send_reminder, reminder.voucher_id, reminder.occasion, None, now.isoformat())


@task
def send_booking_notice(booking_id: int, what: str, copy: str | None = None) -> str:
    """Tell the candidate a booking was made, moved or cancelled (``what``); see
    ``notices.send_unless_overtaken`` for what a notice that waited in the queue sends."""
    return notices.send_unless_overtaken(booking_id=booking_id, what=what, copy=copy)


def enqueue_booking_notice(booking_id: int, what: str, *, copy: str | None = None) -> None:
    """Queue the booking's notice with the workflow's change (``with_the_change``)."""
    if copy is None:
        with_the_change(send_booking_notice, booking_id, what)
    else:
        with_the_change(send_booking_notice, booking_id, what, copy)


@task
def send_event_email(event_id: int, sealed_number: str | None = None) -> str:
    """Send the e-mail an audit event causes (``notices.send_event_email``)."""
    return notices.send_event_email(event_id=event_id, sealed_number=sealed_number)


def enqueue_event_email(event, *, number: str | None = None) -> None:
    """Queue the e-mail the audit event causes; a new number travels sealed."""
    if number is None:
        with_the_change(send_event_email, event.pk)
    else:
        with_the_change(send_event_email, event.pk, numbers.seal([number]).decode())


@task
def send_pack_numbers(pack_id: int, sealed_numbers: str, language: str) -> str:
    """E-mail a new pack's numbers to its customer's contact (``notices.send_pack_numbers``)."""
    return notices.send_pack_numbers(
        pack_id=pack_id, sealed_numbers=sealed_numbers, language=language
    )


def enqueue_pack_numbers(pack, plain_numbers: list[str], *, language: str) -> None:
    with_the_change(send_pack_numbers, pack.pk, numbers.seal(plain_numbers).decode(), language)


def with_the_change(task_to_run, *args) -> None:
    """Queue the task with the workflow's change: a rolled-back change sends nothing,
    and a mail server that fails loses no change (the e-mail can be sent again).

    In the database queue the task's row is written in the workflow's transaction, so
    it commits with the change: a server that stops just after the commit loses no
    e-mail. A task run at once (the immediate backend) waits for the commit.
    """
    if queued_in_the_database():
        task_to_run.enqueue(*args)
    else:
        transaction.on_commit(partial(task_to_run.enqueue, *args), robust=True)


def queued_in_the_database() -> bool:
    """Return True if tasks wait in the database queue: enqueuing writes a row in the
    caller's transaction, which commits, or rolls back, with it."""
    return isinstance(send_booking_notice.get_backend(), DatabaseBackend)


def requeue_stale_tasks(*, worker_id: str | None = None, started_before: datetime | None = None):
    """Put back in the queue the tasks that dead workers left running; return how many.

    django-tasks-db marks a task RUNNING as a worker takes it and never looks at it
    again, so a worker killed mid-task leaves it RUNNING for good: its e-mail would
    never go. Two ways to know the worker is dead: ``worker_id`` names a worker that
    is starting (again), so anything it was running it runs no longer; ``started_before``
    catches a worker that never came back, long after any task here would have ended.

    Every task here may safely run twice: a reminder's claim and an e-mail's record
    (``NoticeSent``) keep each e-mail to one.
    """
    running = DBTaskResult.objects.running()
    if started_before is not None:
        running = running.filter(started_at__lt=started_before)
    stale = [
        result.pk
        for result in running.only("pk", "worker_ids")
        if worker_id is None or result.worker_ids[-1:] == [worker_id]
    ]
    # Compare-and-set: a task that finished meanwhile stays finished.
    return (
        DBTaskResult.objects.running()
        .filter(pk__in=stale)
        .update(status=TaskResultStatus.READY, started_at=None)
    )
