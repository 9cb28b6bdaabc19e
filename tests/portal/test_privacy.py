"""The account page's "Your data": the candidate downloads their data, or erases their
account after entering their password again and confirming."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from privacy.models import AccountEvent
from tests.portal.pages import PASSWORD, field_error, has_link, text
from tests.privacy.world import ADA, build
from vouchers.models import Booking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_limit_window")]
User = get_user_model()


def in_english(w):
    """The pages in English: Ada's account keeps French, which the portal would switch to."""
    User.objects.filter(pk=w.ada.pk).update(language="en")
    w.ada.language = "en"
    return w


@pytest.fixture
def w(db, now):
    return in_english(build(now))


@pytest.fixture
def ada(client, w):
    client.force_login(w.ada)
    return client


def erase(client, **fields):
    return client.post(reverse("privacy:erase"), {"understood": "on", **fields})


def test_the_account_page_offers_the_download_and_the_erasure(ada):
    page = ada.get(reverse("account"))
    assert "Download your data" in text(page)
    assert f'action="{reverse("privacy:export")}"' in page.content.decode()
    assert has_link(page, reverse("privacy:erase"), "Erase your account")


def test_the_download_is_a_json_file_of_the_candidates_data(ada, w):
    response = ada.post(reverse("privacy:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="second-shot-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == ADA["email"]
    assert {"vouchers", "bookings", "results", "reminders_sent", "audit_events"} <= set(data)
    assert AccountEvent.objects.filter(person=w.ada, action="account.exported").count() == 1


def test_the_download_is_a_post_and_only_for_the_signed_in_candidate(client, ada):
    assert ada.get(reverse("privacy:export")).status_code == 405
    client.logout()
    response = client.post(reverse("privacy:export"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_erasure_page_says_what_goes_what_stays_and_asks_about_the_booking(ada):
    page = text(ada.get(reverse("privacy:erase")))
    assert "removes your e-mail address, your name" in page
    assert "Your vouchers, bookings and results stay, without your name" in page
    assert "Exam 070-483 is booked for" in page
    assert "Cancel this booking" in page


def test_a_wrong_password_or_an_unticked_box_erases_nothing(ada, w):
    wrong = erase(ada, password="not the password", consent_0="on")
    assert field_error(wrong, "password") == "This is not your password."
    unticked = erase(ada, password=PASSWORD)
    assert field_error(unticked, "consent_0") == "Tick the box to confirm."
    nothing = ada.post(reverse("privacy:erase"), {"password": PASSWORD, "consent_0": "on"})
    assert field_error(nothing, "understood") == "Tick the box to confirm."

    assert User.objects.get(pk=w.ada.pk).email == ADA["email"]
    assert not AccountEvent.objects.filter(action="account.erased").exists()
    assert ada.get(reverse("portal:dashboard")).status_code == 200


def test_the_candidate_erases_their_account_and_is_signed_out(client, ada, w):
    response = erase(ada, password=PASSWORD, consent_0="on")

    assert response.status_code == 302 and response["Location"] == reverse("privacy:erased")
    page = client.get(response["Location"])
    assert "Your account is erased" in text(page)
    assert client.get(reverse("portal:dashboard")).status_code == 302  # signed out
    assert not client.login(username=ADA["email"], password=PASSWORD)
    assert User.objects.get(pk=w.ada.pk).email == f"erased-{w.ada.pk}@erased.invalid"
    w.booking.refresh_from_db()
    assert w.booking.status == Booking.Status.CANCELLED
    event = AccountEvent.objects.get(action="account.erased")
    assert (event.person_id, event.actor_id, event.reason) == (w.ada.pk, w.ada.pk, "")


def test_a_booking_inside_the_cut_off_keeps_the_account_and_the_page_says_until_when(client, now):
    """SS-10: the booking can no longer be cancelled, so the account cannot be erased yet."""
    w = in_english(build(now - timedelta(days=9, hours=12)))  # the sitting is 12 hours away
    client.force_login(w.ada)
    page = client.get(reverse("privacy:erase"))
    assert "The account can be erased once the sitting has started." in text(page)
    assert 'name="password"' not in page.content.decode()

    refused = erase(client, password=PASSWORD, consent_0="on")
    assert "can be cancelled only until 24 hours before the sitting" in text(refused)
    assert not AccountEvent.objects.filter(action="account.erased").exists()


def test_wrong_passwords_are_limited_and_counted_with_the_sign_ins(ada, w):
    """SECURITY.md: a password door like the sign-in page, its failures counted together."""
    for _ in range(10):
        assert erase(ada, password="guess").status_code == 200
    paused = erase(ada, password=PASSWORD, consent_0="on")
    assert paused.status_code == 429
    assert "so we have paused erasing accounts" in text(paused)
    assert User.objects.get(pk=w.ada.pk).email == ADA["email"]
    signing_in = Client().post(reverse("login"), {"username": ADA["email"], "password": PASSWORD})
    assert signing_in.status_code == 429


def test_the_page_after_erasure_is_open_to_anyone(client):
    assert client.get(reverse("privacy:erased")).status_code == 200
