"""Booking a sitting with a voucher: the rules a candidate meets when booking."""

from datetime import UTC, date, timedelta

import pytest

from exams.models import Sitting
from tests.factories import (
    CandidateFactory,
    ExamFactory,
    ExamPackFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
    UserFactory,
    VoucherFactory,
    local_datetime,
)
from tests.vouchers.helpers import FAILED, NO_SHOW, PASSED, book, sit
from vouchers import services
from vouchers.errors import Refused
from vouchers.models import Booking, Voucher

pytestmark = pytest.mark.django_db


def refusal(code, **call):
    """Book and return the refusal's code, failing if the booking went through."""
    with pytest.raises(Refused) as caught:
        services.book_sitting(**call)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- SS-1 / SS-8: one free retake of the same exam, per voucher --------------


def test_a_failed_first_attempt_gives_one_free_retake_of_the_same_exam(candidate, voucher, exam):
    """SS-1"""
    first = sit(book(candidate, voucher, exam), FAILED)
    retake_sitting = SittingFactory(starts_at=first.sitting.starts_at + timedelta(days=14))
    retake = services.book_sitting(
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=retake_sitting,
        now=first.sitting.starts_at + timedelta(days=1),
    )
    assert retake.attempt == Booking.Attempt.RETAKE


def test_a_no_show_also_gives_the_free_retake(candidate, voucher, exam):
    """SS-1"""
    first = sit(book(candidate, voucher, exam), NO_SHOW)
    voucher.refresh_from_db()
    assert voucher.retake_available()
    retake = book(candidate, voucher, exam, now=first.sitting.starts_at + timedelta(days=1))
    assert retake.attempt == Booking.Attempt.RETAKE


def test_a_passed_exam_gets_no_retake(candidate, voucher, exam):
    """SS-1"""
    first = sit(book(candidate, voucher, exam), PASSED)
    later = first.sitting.starts_at + timedelta(days=1)
    refused = refusal(
        "voucher_passed",
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=SittingFactory(starts_at=later + timedelta(days=5)),
        now=later,
    )
    assert "You passed exam 070-483" in refused.message


def test_a_retake_that_is_not_passed_gets_nothing_more(candidate, voucher, exam):
    """SS-1"""
    first = sit(book(candidate, voucher, exam), FAILED)
    retake = sit(book(candidate, voucher, exam, now=first.sitting.starts_at), FAILED)
    later = retake.sitting.starts_at + timedelta(days=1)
    refusal(
        "retake_used",
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=SittingFactory(starts_at=later + timedelta(days=5)),
        now=later,
    )


def test_the_retake_must_be_of_the_same_exam(candidate, voucher, exam):
    """SS-1, SS-8"""
    first = sit(book(candidate, voucher, exam), FAILED)
    later = first.sitting.starts_at + timedelta(days=1)
    refused = refusal(
        "retake_same_exam",
        candidate=candidate,
        voucher=voucher,
        exam=ExamFactory(number="070-486"),
        sitting=SittingFactory(starts_at=later + timedelta(days=5)),
        now=later,
    )
    assert "070-483" in refused.message


def test_no_retake_before_an_outcome_is_recorded(candidate, voucher, exam):
    """SS-1: the retake opens only on a recorded failed or no-show outcome."""
    first = book(candidate, voucher, exam)
    after_sitting = first.sitting.starts_at + timedelta(hours=5)
    refusal(
        "awaiting_outcome",
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=SittingFactory(starts_at=after_sitting + timedelta(days=5)),
        now=after_sitting,
    )


def test_a_three_exam_pack_allows_at_most_six_sittings(candidate, now):
    """SS-1: one retake for each of the three exams, and nothing more."""
    pack = ExamPackFactory(exam_count=3, vouchers=True)
    Voucher.objects.filter(pack=pack).update(registered_by=candidate, registered_at=now)
    moment = now
    for index, voucher in enumerate(Voucher.objects.filter(pack=pack)):
        exam = ExamFactory(number=f"070-{410 + index}")
        for _ in range(2):
            booking = book(candidate, voucher, exam, now=moment)
            sit(booking, FAILED)
            moment = booking.sitting.starts_at + timedelta(hours=4)
        refusal(
            "retake_used",
            candidate=candidate,
            voucher=voucher,
            exam=exam,
            sitting=SittingFactory(starts_at=moment + timedelta(days=3)),
            now=moment,
        )
    assert Booking.objects.filter(voucher__pack=pack).count() == 6


def test_an_unused_retake_cannot_pay_for_another_exam_or_a_third_attempt(candidate, now):
    """SS-8: retakes are per voucher, never pooled across the pack."""
    pack = ExamPackFactory(exam_count=2, vouchers=True)
    Voucher.objects.filter(pack=pack).update(registered_by=candidate, registered_at=now)
    passed_voucher, failing_voucher = Voucher.objects.filter(pack=pack).order_by("pk")
    exam_a, exam_b = ExamFactory(number="070-461"), ExamFactory(number="070-462")

    # The first voucher is passed first time: its retake is never used ...
    first = sit(book(candidate, passed_voucher, exam_a, now=now), PASSED)
    moment = first.sitting.starts_at + timedelta(hours=4)
    # ... and the second voucher fails twice.
    second = sit(book(candidate, failing_voucher, exam_b, now=moment), FAILED)
    moment = second.sitting.starts_at + timedelta(hours=4)
    third = sit(book(candidate, failing_voucher, exam_b, now=moment), FAILED)
    moment = third.sitting.starts_at + timedelta(hours=4)

    later = SittingFactory(starts_at=moment + timedelta(days=3))
    # The first voucher's unused retake pays for neither a third attempt at exam B ...
    refusal(
        "voucher_passed",
        candidate=candidate,
        voucher=passed_voucher,
        exam=exam_b,
        sitting=later,
        now=moment,
    )
    # ... nor does the used-up voucher stretch to one.
    refusal(
        "retake_used",
        candidate=candidate,
        voucher=failing_voucher,
        exam=exam_b,
        sitting=later,
        now=moment,
    )


def test_a_discounted_plain_pack_has_no_free_retake(candidate, exam):
    """SS-7: a pack sold with a discount is a plain pack."""
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__is_second_shot=False, pack__discount_percent=15
    )
    first = sit(book(candidate, voucher, exam), FAILED)
    later = first.sitting.starts_at + timedelta(days=1)
    voucher.refresh_from_db()
    assert not voucher.retake_available()
    refusal(
        "no_retake_plain_pack",
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=SittingFactory(starts_at=later + timedelta(days=5)),
        now=later,
    )


# --- SS-2: expiry, judged by the sitting's local date -------------------------


def test_in_auckland_a_sitting_late_on_the_expiry_date_is_allowed_and_after_midnight_refused(
    candidate, exam
):
    """SS-2: both sittings fall on 14 March UTC; only the local date counts."""
    auckland = TestCenterFactory(city="Auckland", country="NZ", time_zone="Pacific/Auckland")
    voucher = RegisteredVoucherFactory(registered_by=candidate, pack__expires_on=date(2027, 3, 14))
    late_on_expiry_day = SittingFactory(
        centre=auckland, starts_at=local_datetime("Pacific/Auckland", 2027, 3, 14, 23, 30)
    )
    just_after_midnight = SittingFactory(
        centre=auckland, starts_at=local_datetime("Pacific/Auckland", 2027, 3, 15, 0, 30)
    )
    utc_dates = {
        s.starts_at.astimezone(UTC).date() for s in (late_on_expiry_day, just_after_midnight)
    }
    assert utc_dates == {date(2027, 3, 14)}
    booked_at = local_datetime("Pacific/Auckland", 2027, 3, 1, 12)

    refused = refusal(
        "sitting_after_expiry",
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=just_after_midnight,
        now=booked_at,
    )
    assert "15 March 2027" in refused.message and "14 March 2027" in refused.message
    booking = services.book_sitting(
        candidate=candidate, voucher=voucher, exam=exam, sitting=late_on_expiry_day, now=booked_at
    )
    assert booking.sitting == late_on_expiry_day


def test_an_expired_voucher_cannot_be_booked(candidate, exam, now):
    """SS-2"""
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__expires_on=now.date() - timedelta(days=2)
    )
    refused = refusal(
        "voucher_expired",
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=SittingFactory(starts_at=now + timedelta(days=1)),
        now=now,
    )
    assert refused.message.startswith("This voucher expired on ")


def test_a_retake_must_also_fit_before_the_expiry_date(candidate, exam, now):
    """SS-2: the retake too must be taken on or before the expiry date."""
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__expires_on=(now + timedelta(days=20)).date()
    )
    first = sit(book(candidate, voucher, exam, days_ahead=10, now=now), FAILED)
    refusal(
        "sitting_after_expiry",
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=SittingFactory(starts_at=now + timedelta(days=25)),
        now=first.sitting.starts_at + timedelta(days=1),
    )


def test_booking_a_first_attempt_close_to_expiry_warns_about_the_retake(candidate, exam, now):
    """SS-2: the warning shows while a first attempt leaves little time for a retake."""
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__expires_on=(now + timedelta(days=40)).date()
    )
    close = SittingFactory(starts_at=now + timedelta(days=30))
    early = SittingFactory(starts_at=now + timedelta(days=2))
    assert voucher.is_retake_window_short(close)
    assert not voucher.is_retake_window_short(early)


# --- SS-3: eligible exams ------------------------------------------------------


@pytest.mark.parametrize("number", ["074-343", "077-418", "098-361"])
def test_an_exam_outside_070_and_072_is_refused_with_the_reason(
    candidate, voucher, sitting, number, now
):
    """SS-3"""
    refused = refusal(
        "exam_not_eligible",
        candidate=candidate,
        voucher=voucher,
        exam=ExamFactory(number=number, track="other"),
        sitting=sitting,
        now=now,
    )
    assert number in refused.message
    assert "070-" in refused.message and "072-" in refused.message
    assert not Booking.objects.exists()


def test_academic_072_exams_are_covered(candidate, voucher, sitting, now):
    """SS-3"""
    academic = ExamFactory(number="072-410", track="academic")
    booking = services.book_sitting(
        candidate=candidate, voucher=voucher, exam=academic, sitting=sitting, now=now
    )
    assert booking.exam == academic


# --- SS-4: one booked exam at a time ------------------------------------------


def test_second_booking_is_refused_until_first_is_taken(candidate, exam, now):
    """SS-4"""
    pack = ExamPackFactory(vouchers=True)
    Voucher.objects.filter(pack=pack).update(registered_by=candidate, registered_at=now)
    first_voucher, second_voucher = Voucher.objects.filter(pack=pack)[:2]
    first = book(candidate, first_voucher, exam, days_ahead=5, now=now)
    other_exam = ExamFactory(number="070-486")
    next_sitting = SittingFactory(starts_at=now + timedelta(days=20))

    refused = refusal(
        "one_at_a_time",
        candidate=candidate,
        voucher=second_voucher,
        exam=other_exam,
        sitting=next_sitting,
        now=now,
    )
    assert "070-483" in refused.message

    # Once the first sitting has started it counts as taken, outcome or not.
    after_start = first.sitting.starts_at + timedelta(minutes=1)
    second = services.book_sitting(
        candidate=candidate,
        voucher=second_voucher,
        exam=other_exam,
        sitting=next_sitting,
        now=after_start,
    )
    first.refresh_from_db()
    assert first.status == Booking.Status.TAKEN
    assert second.status == Booking.Status.SCHEDULED


def test_cancelling_the_first_booking_frees_the_candidate_to_book_another(candidate, exam, now):
    """SS-4"""
    pack = ExamPackFactory(vouchers=True)
    Voucher.objects.filter(pack=pack).update(registered_by=candidate, registered_at=now)
    first_voucher, second_voucher = Voucher.objects.filter(pack=pack)[:2]
    first = book(candidate, first_voucher, exam, days_ahead=5, now=now)
    services.cancel_booking(candidate=candidate, booking=first, now=now)
    second = book(candidate, second_voucher, ExamFactory(number="070-486"), now=now)
    assert second.status == Booking.Status.SCHEDULED


def test_one_at_a_time_counts_bookings_from_every_pack(candidate, exam, now):
    """SS-4: the limit is per candidate, not per pack."""
    voucher_a = RegisteredVoucherFactory(registered_by=candidate)
    voucher_b = RegisteredVoucherFactory(registered_by=candidate)
    book(candidate, voucher_a, exam, now=now)
    refusal(
        "one_at_a_time",
        candidate=candidate,
        voucher=voucher_b,
        exam=exam,
        sitting=SittingFactory(starts_at=now + timedelta(days=30)),
        now=now,
    )


# --- SS-5: not transferable ----------------------------------------------------


def test_the_first_booking_ties_the_whole_pack_to_the_candidate(candidate, exam, now):
    """SS-5"""
    pack = ExamPackFactory(vouchers=True)
    first_voucher, second_voucher, third_voucher = Voucher.objects.filter(pack=pack)
    Voucher.objects.filter(pk=first_voucher.pk).update(registered_by=candidate, registered_at=now)
    earlier = UserFactory()
    Voucher.objects.filter(pk=second_voucher.pk).update(registered_by=earlier, registered_at=now)
    pack.refresh_from_db()
    assert pack.candidate is None

    first_voucher.refresh_from_db()
    book(candidate, first_voucher, exam, now=now)
    pack.refresh_from_db()
    assert pack.candidate == candidate

    # Someone who registered another voucher of the pack earlier cannot book with it:
    # it came back to the pack's owner.
    refusal(
        "voucher_not_yours",
        candidate=earlier,
        voucher=second_voucher,
        exam=exam,
        sitting=SittingFactory(starts_at=now + timedelta(days=3)),
        now=now,
    )
    # And nobody else can register the third.
    with pytest.raises(Refused) as caught:
        services.register_voucher(
            candidate=CandidateFactory(), number=third_voucher_number(pack, third_voucher)
        )
    assert caught.value.code == "pack_tied_elsewhere"


def third_voucher_number(pack, voucher):
    """Give a factory voucher a fresh number we know, as support would reissue it."""
    from vouchers import numbers

    number = numbers.generate()
    Voucher.objects.filter(pk=voucher.pk).update(
        number_hash=numbers.digest(number), number_last4=numbers.last_four(number)
    )
    return number


def test_a_voucher_registered_by_someone_else_cannot_be_booked(
    candidate, other_candidate, sitting, exam, now
):
    """SS-5"""
    voucher = RegisteredVoucherFactory(registered_by=other_candidate)
    refusal(
        "voucher_not_yours",
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=sitting,
        now=now,
    )


def test_an_unregistered_voucher_cannot_be_booked(candidate, sitting, exam, now):
    """SS-5: a voucher is booked by the account that registered it."""
    voucher = VoucherFactory()
    refusal(
        "voucher_not_yours",
        candidate=candidate,
        voucher=voucher,
        exam=exam,
        sitting=sitting,
        now=now,
    )


# --- SS-11: seats, and sittings that have begun --------------------------------


def test_a_full_sitting_is_refused_and_nothing_changes(candidate, voucher, exam, now):
    """SS-11"""
    full = SittingFactory(starts_at=now + timedelta(days=3), seats=1)
    book_other = RegisteredVoucherFactory()
    services.book_sitting(
        candidate=book_other.registered_by, voucher=book_other, exam=exam, sitting=full, now=now
    )
    refusal("sitting_full", candidate=candidate, voucher=voucher, exam=exam, sitting=full, now=now)
    full.refresh_from_db()
    assert full.seats_taken == 1
    assert not Booking.objects.filter(candidate=candidate).exists()
    voucher.pack.refresh_from_db()
    assert voucher.pack.candidate is None


def test_a_sitting_that_has_started_cannot_be_booked(candidate, voucher, exam, now):
    """SS-11"""
    begun = SittingFactory(starts_at=now - timedelta(minutes=5))
    refusal("sitting_past", candidate=candidate, voucher=voucher, exam=exam, sitting=begun, now=now)


def test_the_database_refuses_more_bookings_than_seats(now):
    """SS-11: the constraint stands behind the workflow."""
    from django.db import IntegrityError, transaction

    from exams.models import Sitting

    sitting = SittingFactory(starts_at=now + timedelta(days=3), seats=1)
    Sitting.objects.filter(pk=sitting.pk).update(seats_taken=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sitting.objects.filter(pk=sitting.pk).update(seats_taken=2)


def test_a_booking_takes_a_seat_and_records_who_and_what(candidate, voucher, exam, sitting, now):
    """SS-11, SS-12"""
    booking = services.book_sitting(
        candidate=candidate, voucher=voucher, exam=exam, sitting=sitting, now=now
    )
    sitting.refresh_from_db()
    assert sitting.seats_taken == 1
    assert booking.attempt == Booking.Attempt.FIRST
    assert booking.exam == exam and booking.candidate == candidate
    assert voucher.events.filter(action="voucher.booked", actor=candidate).exists()


def test_saving_a_sitting_loaded_earlier_keeps_the_seats_taken_since(candidate, voucher, exam, now):
    """SS-11: an edit of a sitting never writes back a stale seat count."""
    sitting = SittingFactory(starts_at=now + timedelta(days=3), seats=5)
    stale = Sitting.objects.get(pk=sitting.pk)
    services.book_sitting(candidate=candidate, voucher=voucher, exam=exam, sitting=sitting, now=now)
    stale.seats = 6
    stale.save()
    sitting.refresh_from_db()
    assert (sitting.seats, sitting.seats_taken) == (6, 1)
