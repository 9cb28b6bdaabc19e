"""The sitting search's countries and cities are cached; the back office keeps them true."""

from django.core.cache import cache
from django.urls import reverse

from exams import places
from exams.models import TestCenter
from exams.places import centre_places
from tests.factories import TestCenterFactory


def test_a_centre_opened_in_the_back_office_is_offered_at_once(
    exam_admin_client, django_capture_on_commit_callbacks
):
    TestCenterFactory(country="JP", city="Tokyo")
    assert centre_places() == {"JP": ["Tokyo"]}  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        response = exam_admin_client.post(
            reverse("admin:exams_testcenter_add"),
            {
                "name": "Osaka Umeda Testing",
                "site_id": "JP-OSA-0001",
                "country": "JP",
                "city": "Osaka",
                "address": "",
                "time_zone": "Asia/Tokyo",
            },
        )

    assert response.status_code == 302, response.content[:2000]
    assert centre_places() == {"JP": ["Osaka", "Tokyo"]}


def test_a_centre_closed_in_the_back_office_is_no_longer_offered(exam_admin_client):
    centre = TestCenterFactory(country="JP", city="Tokyo")
    assert centre_places() == {"JP": ["Tokyo"]}

    exam_admin_client.post(
        reverse("admin:exams_testcenter_delete", args=[centre.pk]), {"post": "yes"}
    )

    assert not TestCenter.objects.exists()
    assert centre_places() == {}


def test_another_app_server_offers_a_centre_opened_here_within_seconds(db, monkeypatch):
    """Each process keeps the places it read for PLACES_PROCESS_SECONDS: a centre opened
    through another app server (which forgets only its own copy and the shared cache's)
    is offered here once those seconds are over, and the shared cache is not read before."""
    clock = [1000.0]
    monkeypatch.setattr(places.time, "monotonic", lambda: clock[0])
    TestCenterFactory(country="JP", city="Tokyo")
    assert centre_places() == {"JP": ["Tokyo"]}
    TestCenterFactory(country="JP", city="Osaka")
    cache.delete(places.PLACES_CACHE_KEY)  # what the other server's forgetting does here
    reads = []
    monkeypatch.setattr(
        places, "_from_the_cache", lambda real=places._from_the_cache: reads.append(1) or real()
    )

    clock[0] += places.PLACES_PROCESS_SECONDS - 0.1
    assert centre_places() == {"JP": ["Tokyo"]}, "this process's copy, a few seconds old"
    assert reads == []

    clock[0] += 0.2
    assert centre_places() == {"JP": ["Osaka", "Tokyo"]}
    assert reads == [1]
