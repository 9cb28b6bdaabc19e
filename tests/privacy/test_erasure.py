"""A person's data erased: the account scrubbed in place, the numbers dead, a booking still
to come cancelled through its workflow once confirmed, and everything the business keeps
(vouchers, bookings, outcomes, the audit trail, the usage report) as it was."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django_tasks_db.models import DBTaskResult

from core.mail import is_deliverable
from privacy.models import AccountEvent
from privacy.services import erase_person, obstacles_to_erasure
from tests.privacy.world import ADA, build
from vouchers import services
from vouchers.errors import Refused
from vouchers.models import Booking, Customer, ReminderSent, VoucherEvent
from vouchers.personal_data import CANCEL_SCHEDULED
from vouchers.usage import customer_usage

pytestmark = pytest.mark.django_db
User = get_user_model()


def trail():
    return list(VoucherEvent.objects.order_by("pk").values_list("pk", "action", "details", "at"))


def usage(now):
    return customer_usage(Customer.objects.order_by("pk"), today=now.date())


def test_the_account_row_is_scrubbed_in_place_and_can_no_longer_sign_in(w, now):
    erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=now)

    ada = User.objects.get(pk=w.ada.pk)
    assert ada.email == f"erased-{ada.pk}@erased.invalid"
    assert not is_deliverable(ada.email)
    assert (ada.legal_name, ada.time_zone, ada.language) == ("", "", "")
    assert not ada.is_active and not ada.has_usable_password()
    assert not ada.reminders_enabled and ada.last_login is None
    assert not Client().login(username=ADA["email"], password="correct horse battery staple")
    assert not User.objects.with_email(ADA["email"]).exists()


def test_the_vouchers_numbers_stop_working_and_each_is_audited(w, now):
    erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=now)

    for voucher in (w.failed, w.pending):
        with pytest.raises(Refused) as refused:
            services.register_voucher(candidate=w.bruno, number=voucher.plain_number, now=now)
        assert refused.value.code == "number_unknown"
    retired = VoucherEvent.objects.filter(action=VoucherEvent.Action.NUMBER_RETIRED)
    assert sorted(retired.values_list("voucher", flat=True)) == [
        w.failed.pk,
        w.pending.pk,
        w.unused.pk,
    ]
    assert {e.actor for e in retired} == {w.ada}


def test_what_the_business_keeps_stays_and_the_usage_report_is_unchanged(db, now):
    """SS-12: every event stays, unchanged; the vouchers, bookings and outcomes stay."""
    w = build(now, pending=False)
    events, report = trail(), usage(now)
    bookings = list(Booking.objects.order_by("pk").values_list("pk", "status", "outcome"))

    erase_person(person=w.ada, actor=w.support, reason="Asked by letter", now=now)

    after = trail()
    assert after[: len(events)] == events
    assert {action for _, action, _, _ in after[len(events) :]} == {"voucher.number_retired"}
    assert usage(now) == report
    assert list(Booking.objects.order_by("pk").values_list("pk", "status", "outcome")) == bookings
    assert w.pack.vouchers.filter(registered_by=w.ada).count() == 3


def test_erasure_is_written_to_the_accounts_trail_with_what_was_done(w, now):
    event = erase_person(
        person=w.ada, actor=w.support, reason="Asked by letter", consents={CANCEL_SCHEDULED}
    )

    assert (event.action, event.actor, event.reason) == (
        AccountEvent.Action.ERASED,
        w.support,
        "Asked by letter",
    )
    assert event.details["voucher_numbers_retired"] == 3
    assert event.details["bookings_cancelled"] == 1
    assert AccountEvent.is_erased(w.ada)


def test_a_booking_still_to_come_is_refused_until_its_cancellation_is_confirmed(w, now):
    """SS-10: erasure cancels it through the booking workflow, only once confirmed."""
    (obstacle,) = obstacles_to_erasure(w.ada, at=now)
    assert obstacle.key == CANCEL_SCHEDULED and obstacle.can_be_lifted()
    events = trail()

    with pytest.raises(Refused) as refused:
        erase_person(person=w.ada, actor=w.ada, now=now)
    assert refused.value.code == "erasure_booking_scheduled"
    assert "Exam 070-483 is booked for" in str(refused.value)
    assert "please confirm that it may be cancelled" in str(refused.value)
    assert User.objects.get(pk=w.ada.pk).email == ADA["email"]
    assert trail() == events

    erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=now)
    w.booking.refresh_from_db()
    w.ahead.refresh_from_db()
    assert w.booking.status == Booking.Status.CANCELLED
    assert w.ahead.seats_taken == 1  # Bruno's seat only
    cancelled = VoucherEvent.objects.get(action=VoucherEvent.Action.CANCELLED)
    assert cancelled.details == {"booking": w.booking.pk, "sitting": w.ahead.pk}


def test_a_booking_inside_the_cut_off_refuses_erasure_until_its_sitting_has_started(w, now):
    """SS-10: it can no longer be cancelled, so the account waits until it counts as taken."""
    soon = w.ahead.starts_at - timedelta(hours=2)
    (obstacle,) = obstacles_to_erasure(w.ada, at=soon)
    assert not obstacle.can_be_lifted()

    with pytest.raises(Refused) as refused:
        erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=soon)
    assert refused.value.code == "erasure_booking_soon"
    assert "can be cancelled only until 24 hours before the sitting" in str(refused.value)
    assert "once the sitting has started" in str(refused.value)
    assert not AccountEvent.is_erased(w.ada)

    started = w.ahead.starts_at + timedelta(minutes=1)
    assert obstacles_to_erasure(w.ada, at=started) == []
    erase_person(person=w.ada, actor=w.ada, now=started)
    w.booking.refresh_from_db()
    assert w.booking.status == Booking.Status.SCHEDULED  # taken: it stays, for its outcome


def test_staff_accounts_and_erased_accounts_are_not_erased(w, now):
    with pytest.raises(Refused, match="staff account"):
        erase_person(person=w.support, actor=w.support, now=now)
    erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=now)
    with pytest.raises(Refused, match="already been erased"):
        erase_person(person=w.ada, actor=w.support, now=now)
    assert AccountEvent.objects.filter(action=AccountEvent.Action.ERASED).count() == 1


def test_the_persons_sessions_end_and_everyone_elses_stay(w, now):
    ada_phone, ada_laptop, bruno = Client(), Client(), Client()
    ada_phone.force_login(w.ada)
    ada_laptop.force_login(w.ada)
    bruno.force_login(w.bruno)
    # A browser that signed up as Ada keeps her address in its session.
    signing_up = Client()
    session = signing_up.session
    session["signup_email"] = ADA["email"]
    session.save()

    event = erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=now)

    assert event.details["sessions_ended"] == 3
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        bruno.session.session_key
    ]
    assert ada_phone.get("/vouchers/").status_code == 302  # sent to sign in


def failed_task(now, error: str) -> DBTaskResult:
    """A booking notice that failed in the database queue with ``error``."""
    return DBTaskResult.objects.create(
        status="FAILED",
        args_kwargs={"args": [1, "booked"], "kwargs": {}},
        task_path="vouchers.tasks.send_booking_notice",
        backend_name="default",
        run_after=now,
        exception_class_path="smtplib.SMTPException",
        traceback=error,
    )


def test_the_admins_history_and_the_task_queue_forget_the_address(w, now):
    LogEntry.objects.log_actions(
        user_id=w.support.pk, queryset=[w.ada], action_flag=CHANGE, change_message="[]"
    )
    failed = failed_task(now, f"SMTPRecipientsRefused: {{'{ADA['email']}': (550, b'no')}}")
    kept = failed_task(now, "SMTPServerDisconnected: Connection unexpectedly closed")

    erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=now)

    assert list(LogEntry.objects.values_list("object_repr", flat=True)) == [
        f"erased-{w.ada.pk}@erased.invalid"
    ]
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not DBTaskResult.objects.filter(pk=failed.pk).exists()


def test_a_reminders_error_that_quotes_the_address_is_cleared(w, now):
    erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=now)
    w.reminder.refresh_from_db()
    assert w.reminder.last_error == ""
    assert ReminderSent.objects.filter(pk=w.reminder.pk).exists()


def test_no_e_mail_goes_to_an_erased_account(w, now, django_capture_on_commit_callbacks):
    """The booking cancelled on erasure has its notice queued, as any cancellation does; it
    goes nowhere, and a reissued number goes nowhere either."""
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        services.reissue_number_on_behalf(voucher=w.failed, actor=w.support, reason="test")
    assert mail.outbox == []


def test_only_the_reserved_invalid_domain_is_undeliverable():
    assert not is_deliverable("erased-12@erased.invalid")
    assert not is_deliverable("someone@host.INVALID.")
    assert is_deliverable("ada@example.com")
    assert is_deliverable("ada@invalid.example.com")
