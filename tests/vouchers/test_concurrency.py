"""The rules that must hold under simultaneous requests, on PostgreSQL with real threads.

Each race starts its threads together on a ``threading.Barrier``. Each has a
control that takes the lock away (``vouchers.locking.for_update`` made a no-op)
and holds every thread after its check until all have checked, the worst
interleaving: the control then shows the race reaching the database, where a
constraint or compare-and-set catches it (``conflict``) and the main test's
assertion of clean refusals would have failed. So the main tests can fail, and
the data stays right even without the locks.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from exams import services as exam_workflows
from exams.models import Sitting
from tests.factories import (
    CandidateFactory,
    ExamFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    UserFactory,
    VoucherFactory,
)
from tests.threads import run_together
from vouchers import locking, services
from vouchers.errors import Refused
from vouchers.models import Booking, ExamPack, Voucher
from vouchers.tokens import make_recovery_token, read_recovery_token

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 20


def codes(results):
    """Count refusals by reason, successes as 'ok', anything else by exception type."""
    return Counter(
        r.code if isinstance(r, Refused) else type(r).__name__ if isinstance(r, Exception) else "ok"
        for r in results
    )


@pytest.fixture
def without_locks(monkeypatch):
    """Take the row locks away, as a bug would."""
    monkeypatch.setattr(locking, "for_update", lambda queryset, **_: queryset)


def hold_after(monkeypatch, owner, name, count):
    """Make every thread wait after ``owner.name`` returns until all ``count`` have passed it."""
    checked = threading.Barrier(count)
    original = getattr(owner, name)

    def checked_then_wait(*args, **kwargs):
        result = original(*args, **kwargs)
        checked.wait(timeout=30)
        return result

    monkeypatch.setattr(owner, name, checked_then_wait)


# --- SS-11: the last seat ---------------------------------------------------------


def last_seat_race(count):
    exam = ExamFactory(number="070-483")
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=5), seats=1)
    vouchers = [RegisteredVoucherFactory() for _ in range(count)]

    def work(i):
        return services.book_sitting(
            candidate=vouchers[i].registered_by, voucher=vouchers[i], exam=exam, sitting=sitting
        )

    return sitting, work


def test_twenty_candidates_for_the_last_seat_get_one_booking_and_nineteen_clean_refusals():
    """SS-11"""
    sitting, work = last_seat_race(THREADS)
    outcome = codes(run_together(THREADS, work))
    print(f"\nlast seat: {THREADS} concurrent attempts, {outcome['ok']} booked, {dict(outcome)}")
    assert outcome == {"ok": 1, "sitting_full": THREADS - 1}
    assert Booking.objects.filter(sitting=sitting).count() == 1
    assert Sitting.objects.get(pk=sitting.pk).seats_taken == 1


def test_control_without_the_lock_the_last_seat_race_reaches_the_database(
    monkeypatch, without_locks
):
    """SS-11 control: the check constraint still refuses the oversell, but not cleanly."""
    sitting, work = last_seat_race(THREADS)
    hold_after(monkeypatch, Voucher, "attempt_to_book", THREADS)
    outcome = codes(run_together(THREADS, work))
    print(f"\nlast seat without lock: {dict(outcome)}")
    assert outcome["ok"] == 1
    assert outcome["conflict"] == THREADS - 1, "the race must show, or the main test proves nothing"
    assert Booking.objects.filter(sitting=sitting).count() == 1


# --- SS-11: K candidates for K seats --------------------------------------------


def test_k_candidates_for_k_seats_all_get_one():
    """SS-11: the lock makes requests wait their turn, never refuse for nothing."""
    seats = 8
    exam = ExamFactory(number="070-486")
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=5), seats=seats)
    vouchers = [RegisteredVoucherFactory() for _ in range(seats)]
    outcome = codes(
        run_together(
            seats,
            lambda i: services.book_sitting(
                candidate=vouchers[i].registered_by, voucher=vouchers[i], exam=exam, sitting=sitting
            ),
        )
    )
    print(f"\n{seats} seats, {seats} candidates: {dict(outcome)}")
    assert outcome == {"ok": seats}
    assert Sitting.objects.get(pk=sitting.pk).seats_taken == seats


def test_control_a_lock_that_refuses_instead_of_waiting_is_caught(monkeypatch):
    """SS-11 control: the K-for-K test notices requests refused for lock contention."""
    monkeypatch.setattr(
        locking,
        "for_update",
        lambda qs, first=(): qs.select_for_update(nowait=True, of=(*first, "self")),
    )
    seats = 8
    exam = ExamFactory(number="070-486")
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=5), seats=seats)
    vouchers = [RegisteredVoucherFactory() for _ in range(seats)]

    def work(i):
        return services.book_sitting(
            candidate=vouchers[i].registered_by, voucher=vouchers[i], exam=exam, sitting=sitting
        )

    outcomes = [codes(run_together(seats, work)) for _ in range(5)]
    print(f"\n{seats} seats with NOWAIT locks: {outcomes[0]}")
    assert any(outcome["ok"] < seats for outcome in outcomes)


# --- SS-4: one candidate, two sittings at once ------------------------------------


def double_booking_race():
    candidate = UserFactory()
    vouchers = [RegisteredVoucherFactory(registered_by=candidate) for _ in range(2)]
    exams = [ExamFactory(number="070-410"), ExamFactory(number="070-411")]
    sittings = [
        SittingFactory(starts_at=timezone.now() + timedelta(days=d), seats=5) for d in (5, 9)
    ]

    def work(i):
        return services.book_sitting(
            candidate=candidate, voucher=vouchers[i], exam=exams[i], sitting=sittings[i]
        )

    return candidate, work


def test_one_candidate_booking_two_sittings_at_once_gets_exactly_one():
    """SS-4"""
    candidate, work = double_booking_race()
    outcome = codes(run_together(2, work))
    print(f"\none candidate, two sittings at once: {dict(outcome)}")
    assert outcome == {"ok": 1, "one_at_a_time": 1}
    assert Booking.objects.filter(candidate=candidate).count() == 1


def test_control_without_the_lock_the_double_booking_reaches_the_database(
    monkeypatch, without_locks
):
    """SS-4 control: the partial unique constraint still refuses the second booking."""
    candidate, work = double_booking_race()
    hold_after(monkeypatch, Booking, "check_one_at_a_time", 2)
    outcome = codes(run_together(2, work))
    print(f"\ndouble booking without lock: {dict(outcome)}")
    assert outcome == {"ok": 1, "conflict": 1}
    assert Booking.objects.filter(candidate=candidate).count() == 1


# --- SS-5: two accounts, one number ----------------------------------------------


def registration_race():
    voucher = VoucherFactory()
    people = [CandidateFactory(), CandidateFactory()]
    return voucher, lambda i: services.register_voucher(
        candidate=people[i], number=voucher.plain_number
    )


def test_two_accounts_registering_the_same_number_at_once_give_one_owner():
    """SS-5"""
    voucher, work = registration_race()
    outcome = codes(run_together(2, work))
    print(f"\ntwo accounts, one number: {dict(outcome)}")
    assert outcome == {"ok": 1, "registered_elsewhere": 1}
    assert Voucher.objects.get(pk=voucher.pk).registered_by is not None


def test_control_without_the_lock_the_registration_race_reaches_the_database(
    monkeypatch, without_locks
):
    """SS-5 control: the compare-and-set still lets only one account claim it."""
    voucher, work = registration_race()
    hold_after(monkeypatch, Voucher, "check_can_register", 2)
    outcome = codes(run_together(2, work))
    print(f"\nregistration without lock: {dict(outcome)}")
    assert outcome == {"ok": 1, "conflict": 1}
    assert voucher.events.filter(action="voucher.registered").count() == 1


# --- SS-6: two reissues with one recovery link -----------------------------------


def reissue_race():
    voucher = RegisteredVoucherFactory()
    _, prefix = read_recovery_token(make_recovery_token(voucher))
    return voucher, lambda i: services.reissue_number(
        voucher=voucher, actor=voucher.registered_by, expected_hash_prefix=prefix
    )


def only_valid_numbers(voucher, results):
    from vouchers import numbers

    current = Voucher.objects.get(pk=voucher.pk).number_hash
    return [r for r in results if isinstance(r, str) and numbers.digest(r) == current]


def test_two_reissues_at_once_leave_one_valid_number():
    """SS-6"""
    voucher, work = reissue_race()
    results = run_together(2, work)
    outcome = codes(results)
    print(f"\ntwo reissues at once: {dict(outcome)}")
    assert outcome == {"ok": 1, "number_changed": 1}
    assert len(only_valid_numbers(voucher, results)) == 1
    assert voucher.events.filter(action="voucher.number_reissued").count() == 1


def test_control_without_the_lock_the_reissue_race_reaches_the_database(monkeypatch, without_locks):
    """SS-6 control: the compare-and-set on the old number lets only one reissue through."""
    voucher, work = reissue_race()
    hold_after(monkeypatch, Voucher, "check_can_reissue", 2)
    results = run_together(2, work)
    outcome = codes(results)
    print(f"\nreissue without lock: {dict(outcome)}")
    assert outcome == {"ok": 1, "conflict": 1}
    assert len(only_valid_numbers(voucher, results)) == 1


# --- another person's ids: nothing of theirs is locked -----------------------------


def test_posting_another_persons_voucher_or_booking_never_waits_on_their_rows():
    """A candidate who posts someone else's voucher or booking id is refused without
    locking (so without waiting on) any row of theirs: here the owner holds their pack,
    voucher and booking locked, and the intruder's connection gives up on any lock
    after 200 ms, which would turn a wait into a database error, not a refusal."""
    exam = ExamFactory(number="070-483")
    theirs = RegisteredVoucherFactory()
    owner = theirs.registered_by
    later = timezone.now() + timedelta(days=5)
    booking = services.book_sitting(
        candidate=owner, voucher=theirs, exam=exam, sitting=SittingFactory(starts_at=later)
    )
    intruder = UserFactory(email_verified_at=timezone.now())
    free_sitting = SittingFactory(starts_at=later)
    held, release = threading.Event(), threading.Event()

    def owner_holds_their_rows():
        try:
            with transaction.atomic():
                ExamPack.objects.select_for_update().get(pk=theirs.pack_id)
                Voucher.objects.select_for_update().get(pk=theirs.pk)
                Booking.objects.select_for_update().get(pk=booking.pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=owner_holds_their_rows)
    holder.start()
    assert held.wait(timeout=10)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        with pytest.raises(Refused) as booked:
            services.book_sitting(
                candidate=intruder, voucher=Voucher(pk=theirs.pk), exam=exam, sitting=free_sitting
            )
        with pytest.raises(Refused) as cancelled:
            services.cancel_booking(candidate=intruder, booking=Booking(pk=booking.pk))
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert (booked.value.code, cancelled.value.code) == ("voucher_not_yours", "voucher_not_yours")
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.SCHEDULED


# --- SS-11 and the catalogue: a seat taken while the sitting loses seats -------------


def seats_race():
    """A sitting of two seats, one taken: one candidate books the last seat while an exam
    administrator cuts the sitting to one seat."""
    exam = ExamFactory(number="070-483")
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=5), seats=2)
    first = RegisteredVoucherFactory()
    services.book_sitting(candidate=first.registered_by, voucher=first, exam=exam, sitting=sitting)
    voucher = RegisteredVoucherFactory()

    def work(i):
        if i == 0:
            return services.book_sitting(
                candidate=voucher.registered_by, voucher=voucher, exam=exam, sitting=sitting
            )
        edited = Sitting.objects.get(pk=sitting.pk)
        edited.seats = 1
        return exam_workflows.save_sitting(sitting=edited)

    return sitting, work


def test_a_booking_and_a_seat_cut_at_once_never_leave_more_bookings_than_seats():
    """SS-11: whichever goes first, the other is refused with its reason."""
    sitting, work = seats_race()
    outcome = codes(run_together(2, work))
    print(f"\na booking and a seat cut at once: {dict(outcome)}")
    assert outcome in ({"ok": 1, "sitting_full": 1}, {"ok": 1, "seats_below_taken": 1})
    sitting.refresh_from_db()
    assert sitting.seats_taken <= sitting.seats


def test_control_without_the_lock_the_seat_cut_reaches_the_database(monkeypatch, without_locks):
    """SS-11 control: both pass their checks; the check constraint refuses the second write."""
    sitting, work = seats_race()
    monkeypatch.setattr(exam_workflows, "for_update", lambda queryset: queryset)
    checked = threading.Barrier(2)
    for owner, name in ((Voucher, "check_sitting"), (Sitting, "check_can_change")):
        original = getattr(owner, name)

        def checked_then_wait(*args, _original=original, **kwargs):
            result = _original(*args, **kwargs)
            checked.wait(timeout=30)
            return result

        monkeypatch.setattr(owner, name, checked_then_wait)
    outcome = codes(run_together(2, work))
    print(f"\nseat cut race without lock: {dict(outcome)}")
    assert outcome == {"ok": 1, "conflict": 1}
    sitting.refresh_from_db()
    assert sitting.seats_taken <= sitting.seats
