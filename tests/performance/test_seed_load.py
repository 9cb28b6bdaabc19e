"""``seed_load``: the benchmark's data set, built small here, keeps the booking rules."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from bench.loadset import BENCH_PASSWORD
from bench.loadset_checks import consistency_problems
from bench.pages import BOOKERS_SQL, _one, cast
from exams.models import Exam, Sitting
from vouchers import numbers, services
from vouchers.models import Booking, ExamPack, Voucher, VoucherEvent

pytestmark = pytest.mark.usefixtures("bench_app")

TINY = ["--scale", "0.001"]


@pytest.fixture(autouse=True)
def _development_settings(settings):
    settings.DEBUG = True


def bookable() -> list:
    return _one(BOOKERS_SQL, 100_000)


def seed_load(*args) -> str:
    out = io.StringIO()
    call_command("seed_load", *args, stdout=out, no_color=True)
    return out.getvalue()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_seed_load_builds_a_consistent_data_set_and_says_how_fast():
    """SS-1, SS-2, SS-4, SS-5, SS-8, SS-11, SS-12"""
    output = seed_load(*TINY, "--reset")

    assert "rows/s" in output and "vouchers_voucher" in output
    assert consistency_problems() == dict.fromkeys(consistency_problems(), 0)
    assert Voucher.objects.count() == 1000
    assert ExamPack.objects.count() == 50
    assert Sitting.objects.count() == 20
    assert Booking.objects.filter(status=Booking.Status.SCHEDULED).exists()
    assert Booking.objects.filter(attempt=Booking.Attempt.RETAKE).exists()
    assert Booking.objects.filter(outcome=Booking.Outcome.FAILED).exists()
    issued = VoucherEvent.objects.filter(action=VoucherEvent.Action.ISSUED)
    assert issued.count() == Voucher.objects.count()
    # Numbers went through the keyed hash: a hash is the HMAC of some 20-symbol number.
    voucher = Voucher.objects.first()
    assert len(voucher.number_hash) == 64 and voucher.number_hash != numbers.digest("")
    candidate = Booking.objects.first().candidate
    assert authenticate(username=candidate.email, password=BENCH_PASSWORD) == candidate


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_seed_load_runs_again_with_reset_and_refuses_without():
    seed_load(*TINY, "--reset")
    with pytest.raises(CommandError, match="--reset"):
        seed_load(*TINY)
    seed_load(*TINY, "--reset", "--vouchers", "500")
    assert Voucher.objects.count() == 500
    assert consistency_problems() == dict.fromkeys(consistency_problems(), 0)
    # New rows get ids after the loaded ones.
    assert (
        Sitting.objects.create(
            centre_id=1, starts_at=Sitting.objects.latest("starts_at").starts_at, seats=1
        ).pk
        > Sitting.objects.count() - 1
    )


@pytest.mark.django_db
def test_seed_load_refuses_sqlite_unless_allowed_at_a_small_scale(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("about SQLite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        seed_load(*TINY)
    with pytest.raises(CommandError, match="0.01"):
        seed_load("--scale", "0.5", "--allow-sqlite")


@pytest.mark.django_db(transaction=True)
def test_seed_load_on_sqlite_when_allowed_keeps_the_rules_too():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("about SQLite")
    seed_load(*TINY, "--allow-sqlite", "--reset")
    assert Voucher.objects.count() == 1000
    assert consistency_problems() == dict.fromkeys(consistency_problems(), 0)


def test_seed_load_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="not for production"):
        seed_load(*TINY)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_books_for_distinct_candidates_and_again_once_cancelled():
    """SS-4: a candidate cast to book has no exam booked; one whose booking was
    cancelled can book again, and comes after those who never booked."""
    seed_load(*TINY, "--reset")
    found = cast(bookers=2, at_once=2)

    assert len({b.email for b in found.bookers}) == len({b.voucher for b in found.bookers}) == 2
    assert all(len(b.sittings) == 4 for b in found.bookers)
    everyone = [b.email for b in cast(bookers=len(bookable()), at_once=2).bookers]

    first = found.bookers[0]
    candidate = get_user_model().objects.get(email=first.email)
    booking = services.book_sitting(
        candidate=candidate,
        voucher=Voucher.objects.get(pk=first.voucher),
        exam=Exam.objects.get(pk=found.exam),
        sitting=Sitting.objects.get(pk=first.sittings[0]),
    )
    services.cancel_booking(candidate=candidate, booking=booking)

    again = [b.email for b in cast(bookers=len(everyone), at_once=2).bookers]
    assert sorted(again) == sorted(everyone)
    assert everyone[0] == first.email and again[0] != first.email
