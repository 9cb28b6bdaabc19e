"""An erasure and a booking by the same candidate at the same moment, on PostgreSQL with
real threads: never an erased account holding a booking still to come.

Both lock the candidate's row first, so one waits for the other: the booking then
finds the account closed, or the erasure finds the booking. The control takes both
locks away and holds each thread after its check until the other has checked: the
race then shows, which proves the main test could fail.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from privacy import services as privacy_services
from privacy.models import AccountEvent
from tests.factories import ExamFactory, RegisteredVoucherFactory, SittingFactory
from tests.threads import run_together
from vouchers import locking, services
from vouchers.errors import Refused
from vouchers.models import Booking, Voucher

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
ROUNDS = 10


def race():
    """Erase a candidate while they book: return what each did."""
    voucher = RegisteredVoucherFactory()
    candidate = voucher.registered_by
    exam = ExamFactory(number="070-483")
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=10), seats=5)

    def work(i):
        if i == 0:
            return privacy_services.erase_person(person=candidate, actor=candidate)
        return services.book_sitting(
            candidate=candidate, voucher=voucher, exam=exam, sitting=sitting
        )

    erased, booked = run_together(2, work)
    pending = Booking.objects.filter(candidate=candidate, status=Booking.Status.SCHEDULED)
    return (
        "erased" if isinstance(erased, AccountEvent) else getattr(erased, "code", repr(erased)),
        "booked" if isinstance(booked, Booking) else getattr(booked, "code", repr(booked)),
        AccountEvent.is_erased(candidate) and pending.exists(),
    )


def test_an_erasure_and_a_booking_at_once_never_leave_an_erased_account_with_a_booking():
    outcomes = Counter(race()[:2] for _ in range(ROUNDS))
    print(f"\nerasure and booking at once, {ROUNDS} rounds: {dict(outcomes)}")
    assert set(outcomes) <= {("erased", "account_closed"), ("erasure_booking_scheduled", "booked")}


def test_control_without_the_locks_the_erased_account_keeps_its_booking(monkeypatch):
    """The worst interleaving: both check before either writes, and the booking writes once
    the erasure has committed (without the locks, nothing makes it wait and look again)."""
    monkeypatch.setattr(locking, "for_update", lambda queryset, **_: queryset)
    monkeypatch.setattr(
        privacy_services,
        "lock_person",
        lambda pk: privacy_services.get_user_model().objects.get(pk=pk),
    )
    checked, erased = threading.Barrier(2), threading.Event()
    obstacles, erase = privacy_services.obstacles_to_erasure, privacy_services.erase_person
    attempt_to_book = Voucher.attempt_to_book

    def obstacles_then_wait(*args, **kwargs):
        found = obstacles(*args, **kwargs)
        checked.wait(timeout=30)
        return found

    def erase_then_tell(*args, **kwargs):
        try:
            return erase(*args, **kwargs)
        finally:
            erased.set()

    def check_then_wait(*args, **kwargs):
        attempt = attempt_to_book(*args, **kwargs)
        checked.wait(timeout=30)
        erased.wait(timeout=30)
        return attempt

    monkeypatch.setattr(privacy_services, "obstacles_to_erasure", obstacles_then_wait)
    monkeypatch.setattr(privacy_services, "erase_person", erase_then_tell)
    monkeypatch.setattr(Voucher, "attempt_to_book", check_then_wait)

    erased_outcome, booked, both = race()
    print(f"\nwithout the locks: {erased_outcome}, {booked}")
    assert both, "the race must show, or the main test proves nothing"


def test_a_booking_for_an_account_erased_before_is_refused(now):
    voucher = RegisteredVoucherFactory()
    privacy_services.erase_person(person=voucher.registered_by, actor=None, now=now)
    with pytest.raises(Refused) as refused:
        services.book_sitting(
            candidate=voucher.registered_by,
            voucher=voucher,
            exam=ExamFactory(),
            sitting=SittingFactory(starts_at=now + timedelta(days=9)),
            now=now,
        )
    assert refused.value.code == "account_closed"
