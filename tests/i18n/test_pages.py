"""The portal in five languages: the switcher, the pages, the choice kept on the account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from tests.factories import CandidateFactory
from tests.portal.pages import PASSWORD, text
from vouchers.emails import recovery_url

pytestmark = pytest.mark.django_db

# A phrase each page shows, in each language.
DASHBOARD = {
    "en": "My vouchers",
    "es": "Mis vales",
    "fr": "Mes bons",
    "de": "Meine Gutscheine",
    "ja": "マイバウチャー",
}
CHOOSE = {
    "en": "1. Choose the exam",
    "es": "1. Elija el examen",
    "fr": "1. Choisissez l'examen",
    "de": "1. Prüfung wählen",
    "ja": "1. 試験を選ぶ",
}
REVIEW = {
    "en": "Check and confirm your booking",
    "es": "Revise y confirme su reserva",
    "fr": "Vérifiez et confirmez votre réservation",
    "de": "Prüfen und bestätigen Sie Ihre Buchung",
    "ja": "予約内容を確認して確定してください",
}
LANGUAGES = list(DASHBOARD)


def switch(client, language, next_url="/"):
    """Choose a language with the switcher's form, as a person would."""
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    return response


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_every_portal_page_offers_the_language_switcher(client, candidate, voucher):
    """Signed out and signed in, each page has the form that posts to set_language."""
    signed_out = [reverse("home"), reverse("login"), reverse("signup"), reverse("password_reset")]
    for url in signed_out:
        page = client.get(url)
        assert f'action="{reverse("set_language")}"' in page.content.decode(), url
    client.force_login(candidate)
    signed_in = [
        reverse("portal:dashboard"),
        reverse("portal:register_voucher"),
        reverse("portal:results"),
        reverse("portal:book", args=[voucher.pk]),
        reverse("account"),
    ]
    for url in signed_in:
        page = client.get(url)
        content = page.content.decode()
        assert f'action="{reverse("set_language")}"' in content, url
        for code in LANGUAGES:
            assert f'<option value="{code}"' in content, (url, code)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_speaks_the_chosen_language(client, candidate, voucher, language):
    """The dashboard in each of the five languages, chosen with the switcher."""
    client.force_login(candidate)
    switch(client, language, reverse("portal:dashboard"))
    page = client.get(reverse("portal:dashboard"))
    assert html_lang(page) == language
    assert DASHBOARD[language] in text(page)
    with translation.override(language):
        expires = date_format(voucher.pack.expires_on, "DAY_FORMAT")
    assert expires in text(page), "the expiry date is written the language's way"


@pytest.mark.parametrize("language", LANGUAGES)
def test_booking_pages_speak_the_chosen_language(
    client, candidate, voucher, exam, sitting, language
):
    """Choosing the exam, then checking the booking, in each language."""
    client.force_login(candidate)
    switch(client, language)
    choose = client.get(reverse("portal:book", args=[voucher.pk]))
    assert CHOOSE[language] in text(choose)

    url = reverse("portal:review_booking", args=[voucher.pk, sitting.pk]) + f"?exam={exam.pk}"
    review = client.get(url)
    assert REVIEW[language] in text(review)
    with translation.override(language):
        when = date_format(sitting.local_start(), "SITTING_FORMAT")
    assert f"{when} {sitting.local_start().tzname()}" in text(review)


def test_english_stays_the_default(client):
    """With no choice made and no browser preference, the portal speaks English."""
    page = client.get(reverse("home"))
    assert html_lang(page) == "en"
    assert "A second shot at your certification" in text(page)


def test_the_browser_language_is_used_until_a_choice_is_made(client):
    page = client.get(reverse("home"), headers={"accept-language": "de-DE,de;q=0.9"})
    assert html_lang(page) == "de"
    assert "Eine zweite Chance für Ihre Zertifizierung" in text(page)


def test_switching_while_signed_in_keeps_the_language_on_the_account(client, candidate):
    client.force_login(candidate)
    switch(client, "fr")
    candidate.refresh_from_db()
    assert candidate.language == "fr"


def test_switching_while_signed_out_changes_no_account(client, candidate):
    switch(client, "ja")
    candidate.refresh_from_db()
    assert candidate.language == "en"


def test_a_choice_outside_the_five_languages_is_ignored(client, candidate):
    client.force_login(candidate)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    candidate.refresh_from_db()
    assert candidate.language == "en"


def test_the_language_is_remembered_across_signing_out_and_in(client, candidate):
    """Chosen once while signed in, the language comes back on another browser at sign-in."""
    client.post(reverse("login"), {"username": candidate.email, "password": PASSWORD})
    switch(client, "de")
    client.post(reverse("logout"))

    client.cookies.clear()  # another browser, or the cookie gone
    assert html_lang(client.get(reverse("login"))) == "en"
    signed_in = client.post(
        reverse("login"), {"username": candidate.email, "password": PASSWORD}, follow=True
    )
    assert html_lang(signed_in) == "de"
    assert DASHBOARD["de"] in text(signed_in)

    client.post(reverse("logout"))
    after = client.get(reverse("home"))
    assert html_lang(after) == "de", "the pages stay in the person's language after signing out"


def test_the_account_language_wins_over_a_stale_cookie(client):
    """A page that loaded the account brings the cookie in line for the next page."""
    person = CandidateFactory(language="es")
    client.force_login(person)
    client.cookies["django_language"] = "fr"
    assert html_lang(client.get(reverse("portal:dashboard"))) == "fr"
    assert html_lang(client.get(reverse("portal:dashboard"))) == "es"


def test_signing_up_keeps_the_language_the_person_signed_up_in(client):
    switch(client, "ja")
    client.post(
        reverse("signup"),
        {
            "email": "hanako@example.com",
            "legal_name": "Yamada Hanako",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert get_user_model().objects.get(email="hanako@example.com").language == "ja"


def test_the_copy_button_says_copied_in_the_page_language(client, candidate, voucher):
    """portal.js shows the words the page gives it (data-copied), in the page's language."""
    client.force_login(candidate)
    switch(client, "fr")
    path = recovery_url(voucher).split("://", 1)[1].split("/", 1)[1]
    page = client.post("/" + path)
    assert 'data-copied="Copié."' in page.content.decode()


def test_sign_up_lists_the_countries_by_their_names_in_the_chosen_language(client):
    """Named and ordered in French (accents do not move a name); the value is the ISO code."""
    switch(client, "fr", reverse("signup"))
    page = client.get(reverse("signup")).content.decode()
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', page)
    countries = [label for value, label in options if len(value) == 2]
    assert len(countries) > 200, "every country (django-countries), not only those with a zone"
    assert countries.index("Afrique du Sud") < countries.index("Allemagne")
    assert countries.index("Égypte") < countries.index("Espagne") < countries.index("Estonie")
    assert ("DE", "Allemagne") in options
