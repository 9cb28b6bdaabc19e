"""Sign-up asks the candidate's country and sets their time zone from it."""

import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.timezones import COUNTRY_TIME_ZONES, OTHER_COUNTRY, guess_time_zone
from exams.places import country_code
from tests.portal.pages import field_error, text
from vouchers.management.commands.seed_demo import CENTRES

User = get_user_model()

SIGN_UP = {
    "email": "ada@example.com",
    "legal_name": "Ada King Lovelace",
    "password1": "Analytical engine 1843",
    "password2": "Analytical engine 1843",
}


def sign_up(client, **fields):
    return client.post(reverse("signup"), SIGN_UP | fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "time_zone"),
    [
        ("DE", "Europe/Berlin"),
        ("JP", "Asia/Tokyo"),
        ("NZ", "Pacific/Auckland"),
        # several zones: the one most people live in, changed later on the account page
        ("US", "America/New_York"),
        ("AU", "Australia/Sydney"),
        ("BR", "America/Sao_Paulo"),
    ],
)
def test_signing_up_from_a_country_sets_its_usual_time_zone(client, country, time_zone):
    """SS-9"""
    response = sign_up(client, country=country)

    assert response.status_code == 302
    assert User.objects.get(email="ada@example.com").time_zone == time_zone


@pytest.mark.django_db
@pytest.mark.parametrize("country", ["", OTHER_COUNTRY])
def test_signing_up_without_a_listed_country_leaves_the_time_zone_unset(client, country):
    """SS-9: sittings are then shown in the centre's time only."""
    response = sign_up(client, country=country)

    assert response.status_code == 302
    assert User.objects.get(email="ada@example.com").time_zone == ""


@pytest.mark.django_db
def test_a_country_not_on_the_list_is_refused_next_to_the_field_and_creates_nothing(client):
    response = sign_up(client, country="Atlantis")

    assert response.status_code == 200
    assert "Atlantis is not one of the available choices" in field_error(response, "country")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_sign_up_page_asks_the_country_and_says_why(client):
    page = text(client.get(reverse("signup")))

    assert "Country you live in" in page
    assert "you can change it on your account page" in page
    assert "My country is not listed" in page


def test_every_country_on_the_list_has_a_time_zone_zoneinfo_knows():
    known = zoneinfo.available_timezones()
    assert {zone for zone in COUNTRY_TIME_ZONES.values() if zone not in known} == set()


def test_every_demo_test_centre_country_is_on_the_list_with_the_centres_own_zone():
    """The centres' countries are the first a candidate is likely to pick."""
    for centre in CENTRES:
        code = country_code(centre.country)
        assert guess_time_zone(code) == centre.time_zone, centre.country
