"""Errors are seen: JSON lines on standard output with the request's id and the user's id,
nothing shaped like a voucher number; personal pages kept out of every cache."""

import io
import json
import logging
import logging.config
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from core import views as core_views
from core.logs import logging_config, redact
from tests.factories import CandidateFactory, StaffFactory

pytestmark = pytest.mark.django_db
NUMBER = "7KQ2-M9XD-4HTB-R3WA-PZ6C"


@pytest.fixture
def json_logs():
    """The production logging (``LOG_FORMAT=json``) for one test; returns its lines."""
    logging.config.dictConfig(logging_config(json=True))
    (handler,) = logging.getLogger().handlers
    assert handler.stream is sys.stdout
    handler.setStream(io.StringIO())

    def lines():
        return [json.loads(line) for line in handler.stream.getvalue().splitlines()]

    yield lines
    logging.config.dictConfig(django_settings.LOGGING)


def test_a_server_error_is_logged_as_one_json_line_with_request_and_user_but_no_number(
    json_logs, monkeypatch
):
    candidate = CandidateFactory()

    def broken(self, request, *args, **kwargs):
        assert request.user.is_authenticated
        raise RuntimeError(f"could not read {NUMBER} nor {NUMBER.replace('-', '')}")

    monkeypatch.setattr(core_views.HomeView, "get", broken)
    client = Client(raise_request_exception=False)
    client.force_login(candidate)
    response = client.get(reverse("home"))

    assert response.status_code == 500
    lines = json_logs()
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["request_id"] == response["X-Request-ID"]
    assert error["user_id"] == candidate.pk
    assert "RuntimeError" in error["exc_info"]
    whole = json.dumps(error)
    assert NUMBER not in whole and NUMBER.replace("-", "") not in whole
    assert "[voucher number removed]" in error["exc_info"]
    assert candidate.email not in whole


def test_a_refused_or_busy_answer_is_logged_with_its_request_id(json_logs, client):
    """Django logs a 4xx or 5xx answer after the middleware ends: the id is still on it."""
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    (warning,) = [line for line in json_logs() if line["logger"] == "django.request"]
    assert warning["message"] == "Not Found: /no-such-page/"
    assert warning["request_id"] == response["X-Request-ID"]


def test_every_response_names_its_request(client):
    first, second = client.get(reverse("home")), client.get(reverse("home"))
    assert len(first["X-Request-ID"]) >= 16
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_load_balancers_request_id_is_kept_from_a_trusted_proxy_only(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.10"]
    trusted = client.get(reverse("home"), REMOTE_ADDR="10.0.0.10", HTTP_X_REQUEST_ID="lb-42.7")
    forged = client.get(reverse("home"), REMOTE_ADDR="198.51.100.66", HTTP_X_REQUEST_ID="lb-42.7")
    odd = client.get(reverse("home"), REMOTE_ADDR="10.0.0.10", HTTP_X_REQUEST_ID="a\nb c")
    assert trusted["X-Request-ID"] == "lb-42.7"
    assert forged["X-Request-ID"] != "lb-42.7"
    assert odd["X-Request-ID"] != "a\nb c"


def test_a_direct_client_cannot_claim_tls_only_a_trusted_proxy_can(client, settings):
    """With a load balancer named, a client reaching the app server directly over plain
    HTTP and sending X-Forwarded-Proto: https is still sent to https, as any plain
    request is; the same header from the load balancer is believed."""
    settings.TRUSTED_PROXIES = ["10.0.0.10"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True

    forged = client.get(
        reverse("home"), REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_PROTO="https"
    )
    balanced = client.get(reverse("home"), REMOTE_ADDR="10.0.0.10", HTTP_X_FORWARDED_PROTO="https")

    assert forged.status_code == 301
    assert forged["Location"].startswith("https://")
    assert balanced.status_code == 200


@pytest.mark.parametrize(
    "url_name, user",
    [
        ("portal:dashboard", CandidateFactory),
        ("account", CandidateFactory),
        ("admin:index", lambda: StaffFactory(is_superuser=True)),
    ],
)
def test_personal_pages_are_private_and_never_stored(client, url_name, user):
    client.force_login(user())
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control


def test_a_public_page_is_not_marked_private(client):
    response = client.get(reverse("home"))
    assert "private" not in response.get("Cache-Control", "")


def test_the_error_pages_show_the_reference_that_finds_the_request_in_the_logs(monkeypatch):
    """A person who quotes it leads support to the request's lines on every server."""

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(core_views.HomeView, "get", broken)
    response = Client(raise_request_exception=False).get(reverse("home"))

    assert response.status_code == 500
    assert "please quote this reference" in response.content.decode()
    assert response["X-Request-ID"] in response.content.decode()


def test_the_busy_page_shows_the_reference_too(monkeypatch):
    from django.db import OperationalError

    def busy(self, request, *args, **kwargs):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(core_views.HomeView, "get", busy)
    response = Client().get(reverse("home"))

    assert response.status_code == 503
    reference = f'reference: <span class="font-monospace">{response["X-Request-ID"]}</span>'
    assert reference in response.content.decode()


def test_a_task_id_is_kept_while_a_number_beside_it_is_removed():
    task = "d04e0e8c-a58e-469a-aebe-1abb529c29c9"

    line = redact(f"Task id={task} for {NUMBER} and {NUMBER.replace('-', '').lower()}")

    assert line == f"Task id={task} for [voucher number removed] and [voucher number removed]"
