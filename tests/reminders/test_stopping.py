"""Reminders stop when the voucher is used or voided, and when the candidate turns them off."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import StaffFactory, VoucherFactory, local_datetime
from tests.reminders.conftest import before_expiry
from tests.reminders.helpers import book_at, result
from vouchers import reminders, services
from vouchers.models import Booking, ReminderSent
from vouchers.reminders import Reminder, find_due_reminders

pytestmark = pytest.mark.django_db


def test_a_voucher_booked_for_its_exam_gets_no_expiry_reminder(
    job, candidate, voucher, exam, berlin
):
    """Used: its sitting is booked (and then taken)."""
    book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(20, hour=8),
        booked_at=before_expiry(40),
    )

    assert job(before_expiry(30)) == []
    assert job(before_expiry(7)) == []


def test_a_passed_voucher_gets_no_reminder_at_all(committed, job, candidate, voucher, exam, berlin):
    booking = book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(40, hour=13),
        booked_at=before_expiry(60),
    )

    assert committed(lambda: result(booking, Booking.Outcome.PASSED)) == []
    for days in (30, 14, 7):
        assert job(before_expiry(days)) == []


def test_a_voided_voucher_gets_no_reminder_and_its_sitting_none_either(
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
    services.void_voucher(
        voucher=voucher, actor=StaffFactory(), reason="refunded", now=before_expiry(35)
    )

    assert job(before_expiry(30)) == []
    assert job(local_datetime("Europe/Berlin", 2027, 6, 19, 7)) == []
    assert job(before_expiry(7)) == []
    assert not ReminderSent.objects.exists()


def test_a_voided_voucher_gets_no_retake_reminder(committed, job, candidate, voucher, exam, berlin):
    booking = book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(40, hour=13),
        booked_at=before_expiry(60),
    )
    committed(lambda: result(booking, Booking.Outcome.FAILED))
    services.void_voucher(voucher=voucher, actor=StaffFactory(), reason="fraud")

    assert job(before_expiry(14)) == []


def test_a_candidate_who_turned_reminders_off_gets_none(
    committed, job, client, candidate, voucher, exam, berlin
):
    """Turned off on the account page; not even the retake announcement."""
    client.force_login(candidate)
    client.post(reverse("account"), {"time_zone": candidate.time_zone})
    candidate.refresh_from_db()
    assert candidate.reminders_enabled is False

    assert job(before_expiry(30)) == []
    booking = book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(20, hour=13),
        booked_at=before_expiry(25),
    )
    assert job(before_expiry(21, hour=6)) == []  # the day before the sitting
    assert committed(lambda: result(booking, Booking.Outcome.FAILED)) == []
    assert job(before_expiry(14)) == []
    assert not ReminderSent.objects.exists()


def test_reminders_turned_off_after_the_job_listed_them_are_not_sent(committed, candidate, voucher):
    """The task checks again when it runs: the list may be minutes (or a queue) old."""
    now = before_expiry(30)
    (due,) = find_due_reminders(now=now)
    candidate.reminders_enabled = False
    candidate.save()

    assert (
        committed(
            lambda: reminders.send_once(voucher_id=due.voucher_id, occasion=due.occasion, now=now)
        )
        == []
    )
    assert not ReminderSent.objects.exists()


def test_a_voucher_used_after_the_job_listed_it_is_not_reminded(
    committed, candidate, voucher, exam, berlin
):
    now = before_expiry(30)
    due = find_due_reminders(now=now)
    assert due == [Reminder(voucher.pk, ReminderSent.Occasion.EXPIRY_30)]
    book_at(candidate, voucher, exam, centre=berlin, starts_at=before_expiry(20), booked_at=now)

    outcome = reminders.send_once(
        voucher_id=voucher.pk, occasion="expiry_30", now=now + timedelta(minutes=5)
    )

    assert outcome == reminders.NOT_DUE


def test_an_unregistered_voucher_or_an_inactive_candidate_gets_none(job, candidate, voucher):
    VoucherFactory(pack__expires_on=voucher.pack.expires_on)
    candidate.is_active = False
    candidate.save()

    assert job(before_expiry(30)) == []
