"""A task worker that dies mid-task: its task is put back in the queue, and its e-mail
goes once.

django-tasks-db leaves the task of a killed worker RUNNING for good;
``requeue_stale_tasks`` (run as a worker starts, and now and then) puts it back,
and the e-mail's record (``NoticeSent``) keeps a task run twice to
one e-mail.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.security.test_faults import FailingBackend
from vouchers import emails, notices, services, tasks
from vouchers.models import NoticeSent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued_notice(database_queue, candidate, voucher, exam, sitting):
    """A booking made, its "booked" notice waiting in the queue."""
    booking = services.book_sitting(
        candidate=candidate, voucher=voucher, exam=exam, sitting=sitting
    )
    return booking, DBTaskResult.objects.get()


def taken_by(result: DBTaskResult, worker_id: str, *, started_at=None) -> None:
    """The worker took the task and died before finishing it: what SIGKILL leaves."""
    result.claim(worker_id)
    if started_at:
        DBTaskResult.objects.filter(pk=result.pk).update(started_at=started_at)


def status(result: DBTaskResult) -> str:
    return DBTaskResult.objects.get(pk=result.pk).status


def test_a_task_left_running_by_a_dead_worker_is_never_run_again_on_its_own(
    queued_notice, run_worker
):
    """The control: without requeueing, the e-mail is lost."""
    _, result = queued_notice
    taken_by(result, "worker-1")

    run_worker()

    assert status(result) == "RUNNING"
    assert mail.outbox == []


def test_a_worker_starting_again_gets_back_the_task_it_died_in_and_sends_it_once(
    queued_notice, run_worker
):
    booking, result = queued_notice
    taken_by(result, "worker-1")

    call_command("requeue_stale_tasks", worker_id="worker-1", stdout=mock.Mock())
    run_worker()

    (message,) = mail.outbox
    assert message.subject.startswith("Booked: ")
    assert status(result) == "SUCCESSFUL"
    assert NoticeSent.objects.filter(key=f"booking:{booking.pk}:booked").count() == 1


def test_another_workers_task_is_left_to_it(queued_notice):
    """A task still running on a live worker is not run twice."""
    _, result = queued_notice
    taken_by(result, "worker-2")

    assert tasks.requeue_stale_tasks(worker_id="worker-1") == 0
    assert status(result) == "RUNNING"


def test_a_task_running_too_long_is_put_back_whichever_worker_took_it(queued_notice):
    """A worker on a machine that never came back."""
    _, result = queued_notice
    taken_by(result, "gone", started_at=timezone.now() - timedelta(minutes=20))

    assert tasks.requeue_stale_tasks(started_before=timezone.now() - timedelta(minutes=30)) == 0
    assert tasks.requeue_stale_tasks(started_before=timezone.now() - timedelta(minutes=15)) == 1
    assert status(result) == "READY"


def test_the_command_needs_a_worker_or_an_age_that_no_live_task_reaches():
    with pytest.raises(CommandError, match="Name the worker"):
        call_command("requeue_stale_tasks")
    with pytest.raises(CommandError, match="at least 60 seconds"):
        call_command("requeue_stale_tasks", older_than=5)


def test_a_notice_whose_task_runs_twice_is_sent_once(queued_notice, run_worker):
    """The worker died after the e-mail went and its record committed, before the task
    was marked done: the task put back finds the record and sends nothing."""
    booking, result = queued_notice
    run_worker()
    DBTaskResult.objects.filter(pk=result.pk).update(status="RUNNING")
    taken_by(DBTaskResult.objects.get(pk=result.pk), "worker-1")

    tasks.requeue_stale_tasks(worker_id="worker-1")
    run_worker()

    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get(pk=result.pk).return_value == "already_sent"


def test_a_send_cut_short_leaves_no_record_so_the_notice_can_go_later(
    queued_notice, run_worker, settings
):
    """The record commits with the send: a send that did not finish keeps nothing."""
    booking, result = queued_notice
    settings.MAILERS = {"default": {"BACKEND": f"{FailingBackend.__module__}.FailingBackend"}}

    run_worker()

    assert status(result) == "FAILED"
    assert not NoticeSent.objects.exists()


def test_a_database_connection_cut_before_the_email_went_is_tried_again(queued_notice, run_worker):
    """pg_terminate_backend as the worker reads the booking: nothing sent yet, so once more."""
    booking, result = queued_notice
    cut = {"done": False}

    def cut_once(execute, sql, params, many, context):
        if not cut["done"] and "vouchers_booking" in sql:
            cut["done"] = True
            raise OperationalError("terminating connection due to administrator command")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_once):
        notices.send_unless_overtaken(booking_id=booking.pk, what="booked")

    assert cut["done"]
    assert len(mail.outbox) == 1
    assert NoticeSent.objects.filter(key__startswith=f"booking:{booking.pk}:").count() == 1


def test_a_database_connection_cut_after_the_email_went_fails_without_sending_again(
    queued_notice, run_worker
):
    """The commit lost after the mail server took the message: the task fails for support
    to see, and nothing sends the notice a second time."""
    booking, result = queued_notice
    send = emails.send_booking_notice

    def send_then_lose_the_connection(*args):
        send(*args)
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(emails, "send_booking_notice", send_then_lose_the_connection):
        run_worker()

    assert len(mail.outbox) == 1
    result.refresh_from_db()
    assert result.status == "FAILED"
    assert result.exception_class_path.endswith("NoticeNotRecorded")
