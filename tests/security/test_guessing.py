"""Guessing voucher numbers and passwords is limited, counted atomically in the cache."""

import os
import threading
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import ratelimit
from tests.factories import UserFactory, VoucherFactory
from vouchers import numbers
from vouchers.models import Voucher

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_limit_window")]
REDIS_URL = os.environ.get("SECONDSHOT_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def candidate_client(client):
    candidate = UserFactory(email_verified_at=timezone.now())
    client.force_login(candidate)
    client.candidate = candidate
    return client


def guess(client, number=None, address="203.0.113.7"):
    return client.post(
        reverse("portal:register_voucher"),
        {"number": number or numbers.generate()},
        REMOTE_ADDR=address,
    )


def test_the_eleventh_wrong_guess_in_fifteen_minutes_gets_429_saying_when_to_retry(
    candidate_client,
):
    for _ in range(10):
        assert guess(candidate_client).status_code == 200  # "we don't recognise…"
    voucher = VoucherFactory()
    blocked = guess(candidate_client, voucher.plain_number)
    assert blocked.status_code == 429
    assert "Please try again in" in blocked.text and "minute" in blocked.text
    assert 0 < int(blocked["Retry-After"]) <= 15 * 60
    assert not Voucher.objects.filter(registered_by=candidate_client.candidate).exists()
    print("\nthrottled guesses: 1 after 10 failures")


def test_typos_and_successful_registrations_do_not_count(candidate_client):
    for _ in range(12):
        typo = numbers.generate()
        typo = typo[:-1] + ("2" if typo[-1] != "2" else "3")
        assert "typing mistake" in guess(candidate_client, typo).text
    for _ in range(12):
        assert guess(candidate_client, VoucherFactory().plain_number).status_code == 302
    assert guess(candidate_client).status_code == 200


def test_the_address_limit_spans_accounts(client):
    for _ in range(3):
        client.force_login(UserFactory(email_verified_at=timezone.now()))
        for _ in range(10):
            assert guess(client).status_code == 200
    client.force_login(UserFactory(email_verified_at=timezone.now()))
    assert guess(client).status_code == 429
    assert guess(client, address="198.51.100.9").status_code == 200


def test_counts_start_again_when_the_window_ends(candidate_client, monkeypatch):
    start = time.time()
    for _ in range(10):
        guess(candidate_client)
    assert guess(candidate_client).status_code == 429
    monkeypatch.setattr(time, "time", lambda: start + 16 * 60)
    assert guess(candidate_client).status_code == 200


def sign_in(client, email, password, address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_sign_in_failures_are_limited_without_locking_the_real_candidate_out(client):
    candidate = UserFactory(password="the right one 123")
    for _ in range(10):
        assert sign_in(client, candidate.email, "wrong").status_code == 200
    refused = sign_in(client, candidate.email, "the right one 123")
    assert refused.status_code == 429 and "Please try again in" in refused.text
    # The real candidate, elsewhere, signs in as usual.
    assert (
        sign_in(client, candidate.email, "the right one 123", address="198.51.100.9").status_code
        == 302
    )


def test_a_successful_sign_in_does_not_count(client):
    candidate = UserFactory(password="the right one 123")
    for _ in range(15):
        assert sign_in(client, candidate.email, "the right one 123").status_code == 302
        client.logout()


def test_the_client_address_is_read_through_trusted_proxies_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXIES = []
    assert ratelimit.client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ratelimit.client_address(request) == "203.0.113.7"


def test_a_client_reaching_an_app_server_directly_cannot_name_its_own_address(rf, settings):
    """A forged X-Forwarded-For from a peer that is no trusted proxy is ignored."""
    settings.TRUSTED_PROXIES = ["10.0.0.10", "10.0.0.11"]
    direct = rf.get("/", REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert ratelimit.client_address(direct) == "198.51.100.66"
    # Through the balancer, what the client wrote further left is its own claim.
    through = rf.get("/", REMOTE_ADDR="10.0.0.10", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.66")
    assert ratelimit.client_address(through) == "198.51.100.66"
    # Two balancers in a row are both skipped.
    chained = rf.get("/", REMOTE_ADDR="10.0.0.11", HTTP_X_FORWARDED_FOR="198.51.100.66, 10.0.0.10")
    assert ratelimit.client_address(chained) == "198.51.100.66"


def test_forged_forwarded_addresses_do_not_escape_the_sign_in_limit(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.10"]
    candidate = UserFactory(password="the right one 123")
    for attempt in range(10):
        response = client.post(
            reverse("login"),
            {"username": candidate.email, "password": "wrong"},
            REMOTE_ADDR="198.51.100.66",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
        assert response.status_code == 200
    assert sign_in(client, candidate.email, "wrong", address="198.51.100.66").status_code == 429


def test_the_portal_refuses_to_start_with_the_old_proxy_count_alone():
    """TRUSTED_PROXY_COUNT believed X-Forwarded-For from any peer; .env.example says
    how to move to TRUSTED_PROXIES."""
    import subprocess
    import sys

    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={k: v for k, v in os.environ.items() if k != "TRUSTED_PROXIES"}
        | {"DJANGO_SETTINGS_MODULE": "secondshot.settings", "TRUSTED_PROXY_COUNT": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT is replaced by TRUSTED_PROXIES" in result.stderr


def parallel_guesses(count):
    limit = ratelimit.Limit("parallel-test", attempts=10, window_seconds=900)
    start, results = threading.Barrier(count), []

    def attempt():
        start.wait(timeout=10)
        results.append(ratelimit.reserve((limit, "same-account")).allowed)

    threads = [threading.Thread(target=attempt) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_twenty_parallel_guesses_cannot_slip_past_the_limit():
    results = parallel_guesses(20)
    allowed, throttled = sum(results), results.count(False)
    print(f"\nlocal memory: 20 parallel guesses, {allowed} allowed, {throttled} throttled")
    assert sum(results) == 10


def redis_reachable():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


@pytest.mark.skipif(
    not redis_reachable() and os.environ.get("SECONDSHOT_REQUIRE_REDIS") != "1",
    reason=f"no Redis at {REDIS_URL}",
)
def test_twenty_parallel_guesses_cannot_slip_past_the_limit_on_redis():
    """The production cache: the limiter against a real Redis."""
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
            }
        }
    ):
        assert isinstance(caches["default"], RedisCache)
        caches["default"].clear()
        results = parallel_guesses(20)
        caches["default"].clear()
    print(f"\nRedis: 20 parallel guesses, {sum(results)} allowed, {results.count(False)} throttled")
    assert sum(results) == 10
