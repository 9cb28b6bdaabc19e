"""The sitting search's countries and cities are cached; the back office keeps them true."""

from django.urls import reverse

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


def test_a_centre_closed_in_the_back_office_is_no_longer_offered(
    exam_admin_client, django_capture_on_commit_callbacks
):
    centre = TestCenterFactory(country="JP", city="Tokyo")
    assert centre_places() == {"JP": ["Tokyo"]}

    with django_capture_on_commit_callbacks(execute=True) as forgetting:
        exam_admin_client.post(
            reverse("admin:exams_testcenter_delete", args=[centre.pk]), {"post": "yes"}
        )
        assert centre_places() == {"JP": ["Tokyo"]}, "forgotten once committed, not before"

    assert forgetting

    assert not TestCenter.objects.exists()
    assert centre_places() == {}
