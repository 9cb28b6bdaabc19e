"""The benchmark's reference pages: the ceiling touches no database, the floor makes four
indexed queries, as ``bench/README.md`` says they do."""

import pytest

from tests.factories import RegisteredVoucherFactory, UserFactory


def test_the_health_check_touches_no_database(client):
    # No django_db mark: pytest-django refuses any database access in this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_the_health_check_answers_plain_http_in_production(client, settings):
    """A load balancer checks over HTTP: no redirect to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("bench_app")
def test_the_floor_page_makes_four_queries(client, django_assert_num_queries):
    candidate = UserFactory()
    RegisteredVoucherFactory(registered_by=candidate)
    client.force_login(candidate)
    with django_assert_num_queries(4):
        response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert b'<data value="1">1</data>' in response.content


def test_the_floor_page_is_not_routed_outside_the_benchmark(client, db, settings):
    assert "bench" not in settings.INSTALLED_APPS
    assert client.get("/bench/floor/").status_code == 404
