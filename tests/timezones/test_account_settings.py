"""The account page's settings: the candidate's own time zone and their e-mail reminders."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.portal.pages import field_error, text

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("account")


def selected_time_zone(response) -> str:
    select = re.search(
        r'<select[^>]*name="time_zone"[^>]*>(.*?)</select>', response.content.decode(), re.DOTALL
    )
    assert select, "no time zone select on the page"
    chosen = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(1))
    return unescape(chosen.group(1)) if chosen else ""


def test_the_account_page_needs_a_signed_in_candidate(client):
    response = client.get(ACCOUNT)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_account_page_shows_the_time_zone_and_reminders_as_they_are(signed_in, candidate):
    candidate.time_zone = "Asia/Tokyo"
    candidate.save()

    response = signed_in.get(ACCOUNT)

    assert selected_time_zone(response) == "Asia/Tokyo"
    assert re.search(r'<input[^>]*name="reminders_enabled"[^>]*checked', response.content.decode())
    assert "Send me e-mail reminders" in text(response)


def test_the_time_zones_are_every_zone_grouped_by_region(signed_in):
    content = signed_in.get(ACCOUNT).content.decode()

    europe = re.search(r'<optgroup label="Europe">(.*?)</optgroup>', content, re.DOTALL)
    assert europe
    assert '<option value="Europe/Berlin">Berlin (Europe/Berlin)</option>' in europe.group(1)
    assert (
        '<option value="America/Argentina/Buenos_Aires">'
        "Argentina/Buenos Aires (America/Argentina/Buenos_Aires)</option>"
    ) in content
    assert '<option value="UTC">UTC</option>' in content


def test_changing_the_time_zone_saves_it_and_says_so(signed_in, candidate):
    response = signed_in.post(
        ACCOUNT, {"time_zone": "America/Chicago", "reminders_enabled": "on"}, follow=True
    )

    candidate.refresh_from_db()
    assert candidate.time_zone == "America/Chicago"
    assert candidate.reminders_enabled
    assert "Your settings are saved." in text(response)
    assert selected_time_zone(response) == "America/Chicago"


def test_turning_reminders_off_saves_it(signed_in, candidate):
    signed_in.post(ACCOUNT, {"time_zone": ""})

    candidate.refresh_from_db()
    assert candidate.reminders_enabled is False
    assert candidate.time_zone == ""


def test_an_unknown_time_zone_is_refused_with_a_clear_message_and_changes_nothing(
    signed_in, candidate
):
    """Bad input: a message next to the field; neither setting is saved."""
    candidate.time_zone = "Europe/Berlin"
    candidate.save()

    response = signed_in.post(ACCOUNT, {"time_zone": "Mars/Olympus_Mons"})

    assert response.status_code == 200
    assert field_error(response, "time_zone") == (
        "“Mars/Olympus_Mons” is not a time zone we know. Choose one from the list, "
        "such as Europe/Paris."
    )
    candidate.refresh_from_db()
    assert candidate.time_zone == "Europe/Berlin"
    assert candidate.reminders_enabled is True
    assert "Your settings are saved." not in text(response)


def test_a_refused_form_does_not_change_the_page_around_it(signed_in, candidate):
    """The navigation still shows the account as it is, not the refused input."""
    response = signed_in.post(ACCOUNT, {"time_zone": "x" * 500, "reminders_enabled": "on"})

    assert response.status_code == 200
    assert "is not a time zone we know" in field_error(response, "time_zone")
    assert response.context["user"].time_zone == ""
