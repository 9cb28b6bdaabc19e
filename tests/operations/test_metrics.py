"""/metrics: who may read it, and each figure moving when the thing it counts happens."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import CandidateFactory, RegisteredVoucherFactory, SittingFactory
from tests.operations.metrics import figure, scrape
from vouchers import services
from vouchers.errors import Reason, Refused

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"


@pytest.fixture
def prometheus(settings):
    """Prometheus scrapes from 127.0.0.1, the test client's address."""
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]


# --- who may read it ------------------------------------------------------------------


def test_nobody_reads_the_metrics_when_no_address_or_token_is_configured(client):
    assert client.get("/metrics").status_code == 404


def test_an_allowed_address_reads_the_metrics(client, prometheus):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "secondshot_bookings_made_total" in response.content.decode()


def test_an_address_outside_the_allowed_networks_is_told_there_is_no_such_page(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_a_client_coming_through_the_load_balancer_is_known_by_its_own_address(
    client, settings, prometheus
):
    """The balancer is 127.0.0.1 too, but what it forwards is the outside client's."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR=OUTSIDE).status_code == 404


def test_the_token_opens_the_metrics_from_any_address(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    response = client.get(
        "/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer s3cret-scrape-token"
    )
    assert response.status_code == 200


def test_a_wrong_token_is_refused_and_no_token_is_not_found(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403
    assert "bookings" not in wrong.content.decode()
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404


def test_a_token_means_nothing_when_none_is_configured(client):
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


# --- each figure moves ----------------------------------------------------------------


def test_requests_are_counted_and_timed_by_view_method_and_status(client, prometheus):
    labels = {"view": "healthz", "method": "GET", "status": "200"}
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    after = scrape(client)
    name = "secondshot_request_duration_seconds"
    assert figure(after, f"{name}_count", **labels) == figure(before, f"{name}_count", **labels) + 2
    assert figure(after, f"{name}_sum", **labels) > figure(before, f"{name}_sum", **labels)
    assert figure(after, f"{name}_count", view="unresolved", method="GET", status="404") >= 0


def test_a_booking_made_on_its_page_is_counted(
    client, candidate, voucher, exam, sitting, prometheus, django_capture_on_commit_callbacks
):
    before = figure(scrape(client), "secondshot_bookings_made_total")
    client.force_login(candidate)
    review = reverse("portal:review_booking", args=[voucher.pk, sitting.pk]) + f"?exam={exam.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(review).status_code == 302

    assert figure(scrape(client), "secondshot_bookings_made_total") == before + 1


def test_a_refusal_is_counted_by_its_code(client, voucher, exam, sitting, now, prometheus):
    code = Reason.VOUCHER_NOT_YOURS.value
    before = figure(scrape(client), "secondshot_refusals_total", code=code)
    with pytest.raises(Refused):
        services.book_sitting(
            candidate=CandidateFactory(), voucher=voucher, exam=exam, sitting=sitting, now=now
        )

    assert figure(scrape(client), "secondshot_refusals_total", code=code) == before + 1


def test_a_refusal_shown_on_the_booking_page_is_counted(
    client, candidate, voucher, exam, berlin, now, prometheus
):
    """A sitting full between choosing it and confirming: refused, counted once."""
    full = SittingFactory(centre=berlin, starts_at=now + timedelta(days=10), seats=1)
    other = CandidateFactory()
    services.book_sitting(
        candidate=other,
        voucher=RegisteredVoucherFactory(registered_by=other),
        exam=exam,
        sitting=full,
        now=now,
    )
    before = scrape(client)
    client.force_login(candidate)
    review = reverse("portal:review_booking", args=[voucher.pk, full.pk]) + f"?exam={exam.pk}"
    response = client.post(review)

    assert response.status_code == 409  # the form again, with the reason
    after = scrape(client)
    moved = {
        key: value - before.get(key, 0)
        for key, value in after.items()
        if key[0] == "secondshot_refusals_total" and value != before.get(key, 0)
    }
    assert list(moved.values()) == [1], moved


@pytest.mark.django_db(transaction=True)  # the worker closes the connection as it ends
def test_a_queued_task_shows_in_the_depth_and_its_wait_in_the_age(
    client, candidate, voucher, exam, sitting, now, prometheus, database_queue, run_worker
):
    empty = scrape(client)
    assert figure(empty, "secondshot_tasks_queued") == 0
    assert figure(empty, "secondshot_oldest_queued_task_age_seconds") == 0

    services.book_sitting(candidate=candidate, voucher=voucher, exam=exam, sitting=sitting, now=now)
    queued = scrape(client)
    assert figure(queued, "secondshot_tasks_queued") == 1
    assert figure(queued, "secondshot_oldest_queued_task_age_seconds") > 0

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=90))
    assert figure(scrape(client), "secondshot_oldest_queued_task_age_seconds") >= 90

    run_worker()
    done = scrape(client)
    assert figure(done, "secondshot_tasks_queued") == 0
    assert figure(done, "secondshot_oldest_queued_task_age_seconds") == 0


def test_the_request_figures_still_come_when_the_database_does_not_answer(
    client, prometheus, monkeypatch
):
    from django.db import OperationalError

    from vouchers.models import Booking

    def fail(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Booking.objects, "count", fail)
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "secondshot_bookings_made_total" not in text
    assert "secondshot_request_duration_seconds" in text
