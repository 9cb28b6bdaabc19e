"""/readyz: ready when the database and the cache answer, 503 naming what failed."""

import pytest
from django.db import OperationalError
from django.test import override_settings

# The cache is swapped inside the test, not with pytest-django's ``settings``: the
# autouse fixture that empties the cache after each test must find the working one.

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: the cache's client is refused at once.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_ready_when_the_database_and_the_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "failed": [],
        "database": "ok",
        "cache": "ok",
    }


def test_not_ready_when_the_cache_does_not_answer(client):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "failed": ["cache"],
        "database": "ok",
        "cache": "failed",
    }


def test_not_ready_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


def test_the_health_check_stays_up_when_the_cache_does_not_answer(client):
    """Liveness asks only whether the process serves: a load balancer keeps the server."""
    with override_settings(CACHES=UNREACHABLE_REDIS):
        assert client.get("/healthz").status_code == 200
