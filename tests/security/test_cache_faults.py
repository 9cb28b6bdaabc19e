"""The shared cache (Redis) gone for a moment, as when it restarts: pages still answer, and
what the rate limits guard is refused with "busy, please try again", never a 500."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ExamFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    UserFactory,
    VoucherFactory,
)
from vouchers.models import Voucher

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call fails to connect, as while Redis restarts.
UNREACHABLE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def cache_down():
    with override_settings(CACHES=UNREACHABLE):
        yield


@pytest.fixture
def candidate_client(client):
    candidate = UserFactory(email_verified_at=timezone.now())
    client.force_login(candidate)
    client.candidate = candidate
    return client


def assert_busy(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "please try again" in response.text


def test_the_sitting_search_reads_the_places_from_the_database(candidate_client, cache_down):
    voucher = RegisteredVoucherFactory(registered_by=candidate_client.candidate)
    exam = ExamFactory(number="070-483")
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=6))

    response = candidate_client.get(reverse("portal:book", args=[voucher.pk]) + f"?exam={exam.pk}")

    assert response.status_code == 200
    assert sitting.centre.city in response.text


def test_a_voucher_number_is_not_looked_up_while_its_guesses_cannot_be_counted(
    candidate_client, cache_down
):
    """Fail closed: an uncounted guess would let a guesser past the limit."""
    voucher = VoucherFactory()

    response = candidate_client.post(
        reverse("portal:register_voucher"), {"number": voucher.plain_number}
    )

    assert_busy(response)
    assert Voucher.objects.get(pk=voucher.pk).registered_by is None


def test_a_sign_in_is_not_tried_while_its_failures_cannot_be_counted(client, cache_down):
    UserFactory(email="amira@example.com")

    response = client.post(
        reverse("login"),
        {"username": "amira@example.com", "password": "correct horse battery staple"},
    )

    assert_busy(response)
    assert "_auth_user_id" not in client.session


def test_a_registration_that_succeeded_stands_when_its_count_cannot_be_given_back(
    candidate_client, monkeypatch
):
    """The cache fails between counting the attempt and giving it back: still success."""
    voucher = VoucherFactory()

    def fail(*args, **kwargs):
        raise ConnectionError("Redis restarting")

    monkeypatch.setattr(caches["default"], "decr", fail)
    response = candidate_client.post(
        reverse("portal:register_voucher"), {"number": voucher.plain_number}
    )

    assert response.status_code == 302
    assert Voucher.objects.get(pk=voucher.pk).registered_by == candidate_client.candidate
