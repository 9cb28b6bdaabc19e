"""The retention job erases accounts with no activity and no live voucher for
PRIVACY_RETENTION_YEARS (3 by default), says what it would do first, and names accounts
by their number only (its output goes to the logs)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from privacy.models import AccountEvent
from privacy.retention import years_before
from tests.factories import CandidateFactory, ExamPackFactory, SittingFactory, StaffFactory
from vouchers import services
from vouchers.models import Customer
from vouchers.usage import customer_usage

pytestmark = pytest.mark.django_db
User = get_user_model()


def person(email, *, joined, signed_in=None, **fields):
    return CandidateFactory(email=email, date_joined=joined, last_login=signed_in, **fields)


def with_voucher(candidate, *, registered, expires_on, sat=None, outcome_at=None, exam=None):
    """Register a voucher of a fresh pack; if ``sat``, book a sitting then and record it."""
    pack = ExamPackFactory(exam_count=1, expires_on=expires_on, vouchers=True)
    (voucher,) = pack.voucher_list
    services.register_voucher(candidate=candidate, number=voucher.plain_number, now=registered)
    if sat is not None:
        sitting = SittingFactory(starts_at=sat)
        booking = services.book_sitting(
            candidate=candidate,
            voucher=voucher,
            exam=exam,
            sitting=sitting,
            now=sat - timedelta(days=10),
        )
        services.record_outcome(
            booking=booking, outcome="passed", recorded_by=None, now=outcome_at or sat
        )
    return voucher


@pytest.fixture
def people(now, exam):
    old = now - timedelta(days=4 * 365)
    long_expired = (old + timedelta(days=200)).date()
    p = {
        "idle": person("idle@example.com", joined=old, signed_in=old + timedelta(days=40)),
        "never": person("never@example.com", joined=old),
        "recent_sign_in": person(
            "back@example.com", joined=old, signed_in=now - timedelta(days=300)
        ),
        "live_voucher": person("saving@example.com", joined=old, signed_in=old),
        "late_result": person("late@example.com", joined=old, signed_in=old),
        "new": person("new@example.com", joined=now - timedelta(days=20)),
        "staff": StaffFactory(email="old.staff@secondshot.test", date_joined=old),
    }
    sat = old + timedelta(days=30)
    with_voucher(p["idle"], registered=old, expires_on=long_expired, sat=sat, exam=exam)
    with_voucher(p["live_voucher"], registered=old, expires_on=(now + timedelta(days=30)).date())
    with_voucher(
        p["late_result"],
        registered=old,
        expires_on=long_expired,
        sat=sat,
        outcome_at=now - timedelta(days=2 * 365),
        exam=exam,
    )
    return p


def run(*args) -> str:
    out = StringIO()
    call_command("erase_inactive_accounts", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_says_which_accounts_and_why_and_changes_nothing(people, now):
    output = run("--dry-run")

    since = years_before(now, 3)
    assert f"2 accounts with no activity since {since:%Y-%m-%d} (3 years)" in output
    idle, never = people["idle"], people["never"]
    assert f"would erase account #{idle.pk}: joined {idle.date_joined:%Y-%m-%d}" in output
    assert f"last signed in {idle.last_login:%Y-%m-%d}" in output
    assert f"would erase account #{never.pk}:" in output and "last signed in never" in output
    assert "Dry run: nothing was erased." in output
    assert not AccountEvent.objects.exists()
    assert User.objects.filter(email="idle@example.com", is_active=True).exists()
    assert "@" not in output  # nobody's address goes to the logs


def test_the_run_erases_only_the_inactive_accounts_without_a_live_voucher(people, now):
    report = customer_usage(Customer.objects.order_by("pk"), today=now.date())
    output = run()

    erased = set(
        AccountEvent.objects.filter(action=AccountEvent.Action.ERASED).values_list(
            "person", flat=True
        )
    )
    assert erased == {people["idle"].pk, people["never"].pk}
    assert f"erased account #{people['idle'].pk}" in output
    assert "Erased 2 accounts." in output
    for kept in ("recent_sign_in", "live_voucher", "late_result", "new", "staff"):
        assert User.objects.get(pk=people[kept].pk).is_active, kept
    event = AccountEvent.objects.get(person=people["idle"])
    assert event.actor is None
    assert event.details["retention_years"] == 3
    assert event.details["voucher_numbers_retired"] == 1
    assert customer_usage(Customer.objects.order_by("pk"), today=now.date()) == report
    assert run().startswith("0 accounts")  # nothing erased twice


def test_the_number_of_years_is_a_setting(people, settings):
    settings.PRIVACY_RETENTION_YEARS = 5
    assert run("--dry-run").startswith("0 accounts with no activity since")
    settings.PRIVACY_RETENTION_YEARS = 1
    output = run("--dry-run")
    assert output.startswith("3 accounts")  # the late result, two years ago, is old too
    assert f"account #{people['late_result'].pk}" in output


def test_years_before_a_29th_of_february_is_the_28th(now):
    leap = now.replace(year=2028, month=2, day=29)
    assert years_before(leap, 3).date().isoformat() == "2025-02-28"
