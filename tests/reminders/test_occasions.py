"""Each reminder goes out once, on the right day: reminders that arrive in time.

The days are counted as the portal counts them (README, "Reminders"): a
voucher's by the date anywhere on Earth, a sitting's at its test centre.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from tests.factories import (
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
    local_datetime,
)
from tests.reminders.conftest import EXPIRES, before_expiry, on
from tests.reminders.helpers import book_at, result
from vouchers import services
from vouchers.models import Booking, ReminderSent
from vouchers.reminders import emails as reminder_emails

pytestmark = pytest.mark.django_db

FAILED, NO_SHOW, PASSED = Booking.Outcome.FAILED, Booking.Outcome.NO_SHOW, Booking.Outcome.PASSED


def occasions():
    return sorted(ReminderSent.objects.values_list("occasion", flat=True))


# --- an unused voucher, 30 and 7 days before it expires --------------------------------


def test_an_unused_voucher_is_reminded_30_days_before_it_expires_and_only_then(
    job, voucher, candidate
):
    """SS-2: the e-mail names the expiry date and the days left."""
    assert job(before_expiry(31)) == []

    (message,) = job(before_expiry(30))

    assert message.to == [candidate.email]
    assert message.subject == "Your Second Shot voucher expires on 30 June 2027"
    assert f"Your voucher {voucher.masked_number} has not been used yet." in message.body
    assert "It expires on 30 June 2027, in 30 days." in message.body
    assert f"/vouchers/{voucher.pk}/book/" in message.body
    assert "free retake must also be taken by 30 June 2027" in message.body
    assert job(before_expiry(29)) == []
    assert job(before_expiry(20)) == []


def test_an_unused_voucher_is_reminded_again_7_days_before_it_expires(job, voucher):
    job(before_expiry(30))

    (message,) = job(before_expiry(7))

    assert "It expires on 30 June 2027, in 7 days." in message.body
    assert occasions() == ["expiry_30", "expiry_7"]
    assert job(before_expiry(6)) == []
    assert job(before_expiry(0)) == []


def test_a_day_the_job_did_not_run_is_caught_up_for_a_few_days_only(job, voucher):
    (late,) = job(before_expiry(28))  # the job did not run on days 30 and 29
    assert "in 28 days" in late.body

    assert job(before_expiry(8)) == []
    assert len(job(before_expiry(5))) == 1  # the 7-day reminder, two days late
    assert job(before_expiry(1)) == []


def test_a_reminder_is_not_caught_up_once_the_next_one_is_due(job, voucher):
    """The job did not run for weeks: only the 7-day reminder goes, not both."""
    (message,) = job(before_expiry(7))

    assert "in 7 days" in message.body
    assert occasions() == ["expiry_7"]


def test_a_voucher_registered_after_the_day_gets_no_reminder_of_it(job, candidate):
    """The registration e-mail has just named the expiry date."""
    RegisteredVoucherFactory(
        registered_by=candidate, registered_at=before_expiry(25), pack__expires_on=EXPIRES
    )

    assert job(before_expiry(24)) == []
    assert len(job(before_expiry(7))) == 1


def test_a_plain_pack_voucher_is_reminded_without_the_retake_sentence(job, candidate):
    """SS-7: a plain pack has no free retake to mention."""
    RegisteredVoucherFactory(
        registered_by=candidate,
        registered_at=before_expiry(100),
        pack__expires_on=EXPIRES,
        pack__is_second_shot=False,
    )

    (message,) = job(before_expiry(30))

    assert "free retake" not in message.body


# --- a free retake available but not booked ---------------------------------------------


def failed_first_attempt(committed, candidate, voucher, exam, berlin, outcome=FAILED, days=60):
    """Book and sit the first attempt ``days`` before expiry; return the e-mails of the result."""
    booking = book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(days, hour=13),
        booked_at=before_expiry(days + 20),
    )
    return committed(lambda: result(booking, outcome))


@pytest.mark.parametrize("outcome", [FAILED, NO_SHOW])
def test_a_free_retake_is_announced_as_soon_as_the_result_is_recorded(
    committed, candidate, voucher, exam, berlin, outcome
):
    """SS-1: failed or no-show opens the retake; the e-mail says so and names the expiry."""
    (message,) = failed_first_attempt(committed, candidate, voucher, exam, berlin, outcome)

    assert message.subject == "Your free retake of exam 070-483 is ready to book"
    assert "Your first attempt at exam 070-483 was not passed" in message.body
    assert "Your voucher expires on 30 June 2027, in 60 days" in message.body
    assert f"/vouchers/{voucher.pk}/book/" in message.body
    assert occasions() == ["retake_open"]


def test_the_daily_job_does_not_announce_the_retake_again(
    committed, job, candidate, voucher, exam, berlin
):
    failed_first_attempt(committed, candidate, voucher, exam, berlin)

    assert job(before_expiry(60, hour=20)) == []
    assert job(before_expiry(59)) == []


def test_an_unbooked_retake_is_reminded_14_days_before_expiry(
    committed, job, candidate, voucher, exam, berlin
):
    failed_first_attempt(committed, candidate, voucher, exam, berlin)
    assert job(before_expiry(15)) == []

    (message,) = job(before_expiry(14))

    assert message.subject == "Book your free retake of exam 070-483 before 30 June 2027"
    assert "Your free retake of exam 070-483 is not booked yet." in message.body
    assert "in 14 days: the retake must be taken by then" in message.body
    assert job(before_expiry(13)) == []
    assert occasions() == ["retake_14", "retake_open"]


def test_a_result_within_the_last_14_days_gets_one_retake_e_mail_not_two(
    committed, job, candidate, voucher, exam, berlin
):
    assert len(failed_first_attempt(committed, candidate, voucher, exam, berlin, days=10)) == 1

    assert job(before_expiry(9)) == []
    assert occasions() == ["retake_open"]


def test_no_retake_e_mail_after_a_pass(committed, job, candidate, voucher, exam, berlin):
    """SS-1: a passed exam has no retake."""
    assert failed_first_attempt(committed, candidate, voucher, exam, berlin, PASSED) == []
    assert job(before_expiry(14)) == []


def test_no_retake_e_mail_for_a_plain_pack(committed, job, candidate, exam, berlin):
    """SS-7: a plain pack has no free retake."""
    plain = RegisteredVoucherFactory(
        registered_by=candidate,
        registered_at=before_expiry(200),
        pack__expires_on=EXPIRES,
        pack__is_second_shot=False,
    )

    assert failed_first_attempt(committed, candidate, plain, exam, berlin) == []
    assert job(before_expiry(14)) == []


def test_a_booked_retake_stops_the_retake_reminder(
    committed, job, candidate, voucher, exam, berlin
):
    failed_first_attempt(committed, candidate, voucher, exam, berlin)
    book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=before_expiry(5, hour=8),
        booked_at=before_expiry(30),
    )

    assert [m.subject for m in job(before_expiry(14))] == []


# --- a sitting, the day before ---------------------------------------------------------


def booked_in_berlin(candidate, voucher, exam, berlin, day=20, booked_at=None):
    return book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=local_datetime("Europe/Berlin", 2027, 6, day, 9),
        booked_at=booked_at or before_expiry(60),
    )


def test_a_sitting_is_reminded_the_day_before_with_the_address_and_what_to_bring(
    job, candidate, voucher, exam, berlin
):
    booking = booked_in_berlin(candidate, voucher, exam, berlin)
    assert job(on(booking.sitting.local_date() - timedelta(days=2))) == []

    (message,) = job(local_datetime("Europe/Berlin", 2027, 6, 19, 7))

    assert message.subject == "Reminder: exam 070-483 on 20 June 2027 at 09:00 CEST"
    body = message.body
    assert (
        "Your exam 070-483 Programming in C# is on Sunday 20 June 2027, 09:00 CEST "
        "(local time at the test centre, Europe/Berlin)." in body
    )
    assert "That is 08:00 BST your time." in body  # the candidate lives in London
    assert "Berlin Mitte Testing Centre, Friedrichstraße 68, 10117 Berlin, Berlin, Germany" in body
    assert "Photo ID showing your name exactly as on your booking: Ada King Lovelace." in body
    assert "Arrive 15 minutes early" in body
    assert f"Voucher {voucher.masked_number}, valid until 30 June 2027." in body
    assert f"/bookings/{booking.pk}/" in body
    assert "Friedrichstraße 68" in message.alternatives[0][0]
    assert job(local_datetime("Europe/Berlin", 2027, 6, 19, 20)) == []
    assert job(local_datetime("Europe/Berlin", 2027, 6, 20, 7)) == []


def test_the_day_before_is_the_day_before_at_the_test_centre(job, candidate, voucher, exam):
    """Auckland is 12 hours ahead: its day before starts at noon UTC two days before."""
    auckland = TestCenterFactory(city="Auckland", time_zone="Pacific/Auckland")
    book_at(
        candidate,
        voucher,
        exam,
        centre=auckland,
        starts_at=local_datetime("Pacific/Auckland", 2027, 6, 20, 9),
        booked_at=on(EXPIRES - timedelta(days=60)),
    )

    assert job(datetime(2027, 6, 18, 11, 0, tzinfo=UTC)) == []  # 23:00 on the 18th there
    assert len(job(datetime(2027, 6, 18, 12, 30, tzinfo=UTC))) == 1  # 00:30 on the 19th


def test_a_booking_made_the_day_before_gets_no_reminder(job, candidate, voucher, exam, berlin):
    """The booking e-mail has just said it all."""
    book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=local_datetime("Europe/Berlin", 2027, 6, 20, 9),
        booked_at=local_datetime("Europe/Berlin", 2027, 6, 19, 8),
    )

    assert job(local_datetime("Europe/Berlin", 2027, 6, 19, 12)) == []


def test_a_moved_booking_is_reminded_once_for_its_new_sitting(
    job, candidate, voucher, exam, berlin
):
    booking = booked_in_berlin(candidate, voucher, exam, berlin, day=20)
    later = SittingFactory(centre=berlin, starts_at=local_datetime("Europe/Berlin", 2027, 6, 25, 9))
    moved = services.move_booking(
        candidate=candidate, booking=booking, sitting=later, now=on(EXPIRES - timedelta(days=30))
    )

    assert job(local_datetime("Europe/Berlin", 2027, 6, 19, 7)) == []
    (message,) = job(local_datetime("Europe/Berlin", 2027, 6, 24, 7))
    assert f"/bookings/{moved.pk}/" in message.body


# --- what every reminder has ------------------------------------------------------------


def test_a_reminder_is_sent_in_the_candidates_language(job, voucher, candidate, monkeypatch):
    """Rendered under the candidate's language, whatever the job's own."""
    candidate.language = "de"
    candidate.save()
    languages = []
    send = reminder_emails.send_templated
    monkeypatch.setattr(
        reminder_emails,
        "send_templated",
        lambda **kwargs: (languages.append(kwargs["language"]), send(**kwargs)),
    )

    with translation.override("en"):
        assert len(job(before_expiry(30))) == 1

    assert languages == ["de"]


def test_every_reminder_names_the_vouchers_expiry_date(
    committed, job, candidate, voucher, exam, berlin
):
    """Every occasion, in the order they come over three vouchers' last weeks."""
    booked_later, unused = (
        RegisteredVoucherFactory(
            registered_by=candidate, registered_at=before_expiry(200), pack__expires_on=EXPIRES
        )
        for _ in range(2)
    )
    sent = failed_first_attempt(committed, candidate, voucher, exam, berlin, days=40)
    sent += job(before_expiry(30))
    sent += job(before_expiry(14))
    booked_in_berlin(candidate, booked_later, exam, berlin, day=20, booked_at=before_expiry(13))
    sent += job(local_datetime("Europe/Berlin", 2027, 6, 19, 7))
    sent += job(before_expiry(7))

    assert [(r.voucher, r.occasion) for r in ReminderSent.objects.order_by("pk")] == [
        (voucher, "retake_open"),
        (booked_later, "expiry_30"),
        (unused, "expiry_30"),
        (voucher, "retake_14"),
        (booked_later, "sitting_tomorrow"),
        (unused, "expiry_7"),
    ]
    assert len(sent) == 6
    for message in sent:
        assert "30 June 2027" in message.body, message.subject
        assert "30 June 2027" in message.alternatives[0][0], message.subject
        assert "/accounts/" in message.body  # where to turn reminders off
    assert set(ReminderSent.objects.values_list("status", flat=True)) == {"sent"}
