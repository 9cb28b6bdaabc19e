"""The ``seed_demo`` command: a believable demo, safe to run again.

The registration e-mails it sends on commit go to ``mail.outbox``: Django's test
environment already routes mail to the locmem backend, so no EMAIL_BACKEND
override is needed (in Django 6.1 one only adds a deprecation warning).
"""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from exams.models import Exam, Sitting, TestCenter
from tests.factories import UserFactory
from vouchers import numbers
from vouchers.models import Booking, Customer, ExamPack, Voucher, VoucherEvent, is_exam_eligible
from vouchers.services import register_voucher

DISPLAYED_NUMBER = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b")
STAFF_GROUPS = {
    "manager@secondshot.test": "Account managers",
    "support@secondshot.test": "Support",
    "examadmin@secondshot.test": "Exam administrators",
}


@pytest.fixture(autouse=True)
def _development_settings(settings):
    settings.DEBUG = True


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="not for production"):
        call_command("seed_demo", stdout=io.StringIO())


def seed_demo(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, no_color=True)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [Exam, TestCenter, Sitting, get_user_model(), Group, Customer, ExamPack]
    models += [Voucher, Booking, VoucherEvent]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_creates_catalogue_centres_and_users():
    """SS-3: the catalogue holds eligible 070-/072- exams and a few the offer refuses."""
    seed_demo()

    exams = list(Exam.objects.all())
    assert len(exams) >= 12
    assert any(exam.number.startswith("070-") for exam in exams)
    assert any(exam.number.startswith("072-") for exam in exams)
    ineligible = [exam for exam in exams if not is_exam_eligible(exam)]
    assert len(ineligible) >= 2
    assert {exam.track for exam in ineligible} == {Exam.Track.OTHER}
    assert TestCenter.objects.exclude(address="").count() == TestCenter.objects.count() >= 4

    users = get_user_model().objects
    for email, group in STAFF_GROUPS.items():
        staff = users.get(email=email)
        assert staff.is_staff and not staff.is_superuser
        assert staff.groups.filter(name=group).exists()
        assert staff.check_password("secondshot-demo")
    assert users.get(email="admin@secondshot.test").is_superuser
    candidate = users.get(email="candidate@secondshot.test")
    assert not candidate.is_staff
    assert candidate.legal_name == "Alex Candidate"
    assert candidate.check_password("secondshot-demo")
    customer = Customer.objects.get(name="Contoso Training Ltd")
    assert customer.account_manager.email == "manager@secondshot.test"


@pytest.mark.django_db
def test_seed_demo_puts_staff_into_role_groups_that_already_exist():
    """The roles migration owns the groups: the seed joins the one it finds."""
    existing, _ = Group.objects.get_or_create(name="Support")

    seed_demo()

    assert Group.objects.filter(name="Support").get() == existing
    assert existing.user_set.filter(email="support@secondshot.test").exists()


@pytest.mark.django_db
def test_seed_demo_is_safe_to_run_twice():
    """Nothing is made twice but the newcomer's pack of one, new on every run."""
    first_output = seed_demo()
    counts = row_counts()

    second_output = seed_demo()

    newcomer = {"ExamPack": 1, "Voucher": 1, "VoucherEvent": 1}
    assert row_counts() == {model: n + newcomer.get(model, 0) for model, n in counts.items()}
    assert "seed_demo --new-pack" in second_output
    assert len(DISPLAYED_NUMBER.findall(second_output)) == 1, "only the newcomer's number"
    for output in (first_output, second_output):
        assert "secondshot-demo" in output
        for email in [*STAFF_GROUPS, "admin@secondshot.test", "candidate@secondshot.test"]:
            assert email in output


@pytest.mark.django_db
def test_seed_demo_centres_span_four_continents():
    """SS-9: the offer is worldwide; every centre has a real IANA time zone."""
    seed_demo()

    zones = set(TestCenter.objects.values_list("time_zone", flat=True))
    assert {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "Africa/Johannesburg"} <= zones
    continents = {zone.split("/")[0] for zone in zones}
    assert len(continents & {"Europe", "America", "Asia", "Africa", "Australia"}) >= 4
    for centre in TestCenter.objects.all():
        centre.full_clean()


@pytest.mark.django_db
def test_seed_demo_sittings_fall_within_next_90_days_at_local_times():
    """SS-9: sittings are planned at 09:00 and 14:00 at the centre and stored in UTC.

    The one sitting in the past is where the demo candidate failed a first attempt.
    """
    before = timezone.now()
    seed_demo()
    after = timezone.now()

    sittings = Sitting.objects.select_related("centre")
    upcoming = sittings.filter(bookings__isnull=True)
    assert 300 <= upcoming.count() <= 1500
    assert set(upcoming.values_list("centre", flat=True)) == set(
        TestCenter.objects.values_list("pk", flat=True)
    )
    for sitting in upcoming:
        assert before < sitting.starts_at <= after + timedelta(days=90)
        assert sitting.local_start().weekday() < 5
        assert 8 <= sitting.seats <= 20
    for sitting in sittings:
        assert (sitting.local_start().hour, sitting.local_start().minute) in {(9, 0), (14, 0)}
    assert sittings.exclude(pk__in=upcoming).filter(starts_at__gt=before).count() == 0


@pytest.mark.django_db
def test_seed_demo_candidate_has_registered_vouchers(django_capture_on_commit_callbacks):
    """SS-1, SS-5, SS-6: two registered vouchers (each confirmed by e-mail), one failed
    with its free retake open; the third number printed registers for the candidate."""
    with django_capture_on_commit_callbacks(execute=True):
        output = seed_demo()
    candidate = get_user_model().objects.get(email="candidate@secondshot.test")

    registered = Voucher.objects.filter(registered_by=candidate)
    assert registered.count() == 2
    pack = registered.first().pack
    assert pack.is_second_shot
    assert pack.exam_count == 3
    assert pack.candidate == candidate
    assert sum(voucher.retake_available() for voucher in registered) == 1
    failed = Booking.objects.get(candidate=candidate)
    assert (failed.exam.number, failed.outcome) == ("070-483", Booking.Outcome.FAILED)
    confirmations = [m for m in mail.outbox if m.subject.endswith("voucher is registered")]
    assert [message.to for message in confirmations] == [[candidate.email]] * 2

    printed, _newcomers = DISPLAYED_NUMBER.findall(output)
    third = register_voucher(candidate=candidate, number=printed)
    assert third.pack == pack
    assert candidate.vouchers.count() == 3


@pytest.mark.django_db
def test_the_demo_candidates_booking_search_starts_in_their_country(client):
    """The demo candidate signed up in Germany: step 2 opens on the German centres."""
    seed_demo()
    candidate = get_user_model().objects.get(email="candidate@secondshot.test")
    vouchers = Voucher.objects.filter(registered_by=candidate)
    retake = next(v for v in vouchers if v.retake_available())
    client.force_login(candidate)

    response = client.get(reverse("portal:book", args=[retake.pk]))

    assert response.status_code == 200
    assert re.search(r'<option value="DE"[^>]*selected', response.content.decode())
    assert "Berlin" in response.content.decode()
    assert "Auckland" not in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_new_pack_prints_numbers_that_normalize_accepts():
    seed_demo()
    packs_before = set(ExamPack.objects.values_list("pk", flat=True))

    output = seed_demo("--new-pack")

    # The other new pack is the newcomer's pack of one.
    new_pack = ExamPack.objects.exclude(pk__in=packs_before).get(exam_count=3)
    *printed, _newcomers = DISPLAYED_NUMBER.findall(output)
    assert len(printed) == new_pack.exam_count == 3
    hashes = {numbers.digest(numbers.normalize(number)) for number in printed}
    assert hashes == set(new_pack.vouchers.values_list("number_hash", flat=True))
    assert new_pack.is_second_shot
    assert new_pack.customer.name == "Contoso Training Ltd"


@pytest.mark.django_db
@pytest.mark.parametrize("run", [1, 2], ids=["first run", "later run"])
def test_every_run_prints_a_number_a_new_candidate_can_register(run, settings):
    """SS-5: the number is of a pack of its own, tied to nobody; the way there (sign-up,
    the verification link in the terminal) is printed with it, on the port served."""
    settings.SITE_URL = "http://127.0.0.1:8001"
    for _ in range(run):
        output = seed_demo()
    newcomer = UserFactory(email_verified_at=timezone.now())

    voucher = register_voucher(candidate=newcomer, number=DISPLAYED_NUMBER.findall(output)[-1])

    assert voucher.pack.exam_count == 1
    assert voucher.pack.candidate is None
    assert "Try it as a new candidate" in output
    assert "http://127.0.0.1:8001/accounts/signup/" in output
    assert "E-mails print in this terminal" in output
