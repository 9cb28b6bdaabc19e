"""What the monitoring costs: /readyz one query, /metrics four whatever the data size; both
over plain HTTP in production, as a monitor on the internal network asks."""

import pytest

from tests.factories import CandidateFactory, RegisteredVoucherFactory
from tests.vouchers.helpers import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def prometheus(settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]


def test_readiness_asks_the_database_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("bookings", [1, 12])
def test_a_scrape_makes_four_queries_whatever_the_data_size(
    client, prometheus, exam, django_assert_num_queries, bookings
):
    for _ in range(bookings):
        candidate = CandidateFactory()
        book(candidate, RegisteredVoucherFactory(registered_by=candidate), exam)
    with django_assert_num_queries(4):
        assert client.get("/metrics").status_code == 200


@pytest.mark.parametrize("path", ["/readyz", "/metrics"])
def test_readiness_and_metrics_answer_plain_http_in_production(client, settings, prometheus, path):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(path).status_code == 200
