"""Faults in the middle of a booking: nothing half-written, the candidate told to try again."""

from datetime import timedelta

import psycopg
import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from exams.models import Sitting
from tests.factories import ExamFactory, RegisteredVoucherFactory, SittingFactory, UserFactory
from vouchers.models import Booking, ExamPack, VoucherEvent


class FailingBackend:
    """An e-mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def booking_request(client):
    """A signed-in candidate about to confirm a booking, and what must stay unchanged."""
    candidate = UserFactory(email_verified_at=timezone.now())
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    exam = ExamFactory(number="070-483")
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=6), seats=3)
    client.force_login(candidate)
    url = reverse("portal:review_booking", args=[voucher.pk, sitting.pk]) + f"?exam={exam.pk}"
    return {"client": client, "url": url, "voucher": voucher, "sitting": sitting}


def assert_nothing_changed(booking_request, events_before):
    assert not Booking.objects.exists()
    assert Sitting.objects.get(pk=booking_request["sitting"].pk).seats_taken == 0
    assert ExamPack.objects.get(pk=booking_request["voucher"].pack_id).candidate_id is None
    assert VoucherEvent.objects.count() == events_before


def count_queries_of_a_booking(booking_request):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        booking_request["client"].get(booking_request["url"])
    return len(queries)


@pytest.mark.django_db
def test_an_error_after_any_number_of_queries_leaves_everything_as_it_was(booking_request):
    """The database failing at each step of the booking in turn: never half a booking."""
    client, url = booking_request["client"], booking_request["url"]
    events = VoucherEvent.objects.count()
    failures_seen = 0
    for fail_at in range(1, 60):
        calls = {"n": 0}

        def fail_on_nth(execute, sql, params, many, context, fail_at=fail_at, calls=calls):
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise OperationalError("server closed the connection unexpectedly")
            return execute(sql, params, many, context)

        with connection.execute_wrapper(fail_on_nth):
            response = client.post(url)
        if response.status_code == 302:  # the failure came after the last query: booked
            assert calls["n"] < fail_at
            break
        failures_seen += 1
        assert response.status_code == 503, response.status_code
        assert "please try again" in response.text and "Nothing was changed" in response.text
        assert_nothing_changed(booking_request, events)
    print(f"\nfault injection: the booking failed cleanly at each of {failures_seen} queries")
    assert failures_seen > 5
    assert Booking.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_cut_mid_booking_writes_nothing(booking_request):
    """pg_terminate_backend from a second connection just before the booking row is written."""
    events = VoucherEvent.objects.count()
    settings_dict = connection.settings_dict

    def cut_before_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "vouchers_booking"'):
            pid = connection.connection.info.backend_pid
            with psycopg.connect(
                host=settings_dict["HOST"],
                port=settings_dict["PORT"] or 5432,
                user=settings_dict["USER"],
                dbname=settings_dict["NAME"],
                autocommit=True,
            ) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_before_insert):
        response = booking_request["client"].post(booking_request["url"])
    assert response.status_code == 503
    assert "Nothing was changed" in response.text
    assert_nothing_changed(booking_request, events)
    # And the candidate's next try goes through.
    assert booking_request["client"].post(booking_request["url"]).status_code == 302


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_lock_not_had_in_time_gives_busy_please_try_again(booking_request):
    settings_dict = connection.settings_dict
    sitting = booking_request["sitting"]
    with psycopg.connect(
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        dbname=settings_dict["NAME"],
    ) as holder:
        holder.execute("SELECT 1 FROM exams_sitting WHERE id = %s FOR UPDATE", [sitting.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        response = booking_request["client"].post(booking_request["url"])
        holder.rollback()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "please try again" in response.text
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_a_failing_mail_server_loses_no_booking_and_the_email_can_be_sent_again(
    booking_request, settings, django_capture_on_commit_callbacks
):
    client = booking_request["client"]
    settings.MAILERS = {"default": {"BACKEND": "tests.security.test_faults.FailingBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(booking_request["url"])
    assert response.status_code == 302
    booking = Booking.objects.get()

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    page = client.get(reverse("portal:booking", args=[booking.pk]))
    assert "E-mail me the details again" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:resend_booking_email", args=[booking.pk]), follow=True
        )
    assert "The details are on their way" in response.text
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0].endswith(".ics")


@pytest.mark.django_db
def test_sending_again_while_the_mail_server_is_down_keeps_the_booking_for_another_try(
    booking_request, settings, django_capture_on_commit_callbacks
):
    """The e-mail is queued, not sent by the page: a failing server fails its task only."""
    client = booking_request["client"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(booking_request["url"])
    booking = Booking.objects.get()
    mail.outbox.clear()

    settings.MAILERS = {"default": {"BACKEND": "tests.security.test_faults.FailingBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:resend_booking_email", args=[booking.pk]), follow=True
        )
    assert response.status_code == 200
    assert mail.outbox == []
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SCHEDULED

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:resend_booking_email", args=[booking.pk]))
    (message,) = mail.outbox
    assert message.subject.startswith("Booked: ")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when it ends
def test_a_new_confirmation_link_while_the_mail_server_is_down_waits_in_the_queue(
    client, settings, database_queue, run_worker
):
    """The page queues the e-mail (accounts/tasks.py) and never talks to the mail server,
    so a server that is down neither slows it nor fails it; the task stays on record."""
    from django_tasks_db.models import DBTaskResult

    candidate = UserFactory(email_verified_at=None)
    client.force_login(candidate)
    settings.MAILERS = {"default": {"BACKEND": "tests.security.test_faults.FailingBackend"}}
    response = client.post(reverse("resend_verification"), follow=True)
    assert response.status_code == 200
    assert "We sent a new confirmation link" in response.text
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "accounts.tasks.send_verification"
    run_worker()
    queued.refresh_from_db()
    assert queued.status == "FAILED", "the failure is recorded, not lost"


@pytest.mark.django_db
def test_a_session_the_database_could_not_read_gives_busy_not_a_server_error(
    booking_request, monkeypatch
):
    """A connection cut as the page reads the session: 503 "try again", kept out of caches."""
    from django.contrib.sessions.backends.db import SessionStore

    def cut(self):
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(SessionStore, "load", cut)
    response = booking_request["client"].get(booking_request["url"])

    assert response.status_code == 503
    assert "no-store" in response["Cache-Control"]
