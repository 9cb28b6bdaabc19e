"""Accounts: sign up, confirm the e-mail address, sign in and out, change or reset a password."""

from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.emails import verification_url
from tests.factories import CandidateFactory, UserFactory, VoucherFactory
from tests.portal.pages import PASSWORD, field_error, input_value, path_in, text
from vouchers.models import VoucherEvent

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "a brand new passphrase 42"
SIGN_UP = {
    "email": "ada@example.com",
    "legal_name": "Ada King Lovelace",
    "password1": "Analytical engine 1843",
    "password2": "Analytical engine 1843",
}


def sign_up(client, **fields):
    return client.post(reverse("signup"), SIGN_UP | fields)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- signing up and confirming the address -----------------------------------------


def test_signing_up_creates_an_unverified_account_with_the_legal_name(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, legal_name="  Ada   King  Lovelace ")

    assert response.status_code == 302
    assert response.url == reverse("signup_done")
    user = User.objects.get(email="ada@example.com")
    assert user.legal_name == "Ada King Lovelace"
    assert not user.has_verified_email()
    assert user.check_password(SIGN_UP["password1"])
    done = client.get(response.url)
    assert "Check your inbox" in text(done)
    assert "ada@example.com" in text(done)


def test_signing_up_emails_a_link_that_confirms_the_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Confirm your e-mail address for Second Shot"

    response = client.get(path_in(message, "/accounts/verify/"), follow=True)

    assert User.objects.get(email="ada@example.com").has_verified_email()
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert "Thank you: your e-mail address is confirmed." in text(response)


def test_the_verification_link_signs_the_person_in_even_in_another_browser(
    client, django_capture_on_commit_callbacks
):
    """Opened on a phone, say: no empty sign-in form, the person lands on their vouchers."""
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    phone = Client()

    response = phone.get(path_in(mail.outbox[0], "/accounts/verify/"), follow=True)

    user = User.objects.get(email="ada@example.com")
    assert signed_in_user_id(phone) == str(user.pk)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert "Register a voucher" in text(response)


def test_a_used_verification_link_signs_nobody_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    link = path_in(mail.outbox[0], "/accounts/verify/")
    Client().get(link)
    later = Client()

    response = later.get(link)

    assert response.status_code == 400
    assert signed_in_user_id(later) is None


def test_the_verification_link_keeps_whoever_is_signed_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    other = CandidateFactory()
    browser = Client()
    browser.force_login(other)

    response = browser.get(path_in(mail.outbox[0], "/accounts/verify/"))

    assert response.url == reverse("portal:dashboard")
    assert signed_in_user_id(browser) == str(other.pk)
    assert User.objects.get(email="ada@example.com").has_verified_email()


def test_the_verification_link_never_signs_a_staff_account_in(client):
    """The back office asks for its password: a link alone never opens it."""
    staff = UserFactory(is_staff=True)

    response = client.get(urlparse(verification_url(staff)).path)

    assert response.url == reverse("login")
    assert signed_in_user_id(client) is None
    staff.refresh_from_db()
    assert staff.has_verified_email()


def test_the_verification_link_works_only_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    link = path_in(mail.outbox[0], "/accounts/verify/")
    client.get(link)
    verified_at = User.objects.get(email="ada@example.com").email_verified_at

    again = client.get(link)

    assert again.status_code == 400
    assert "This link is no longer valid" in text(again)
    assert User.objects.get(email="ada@example.com").email_verified_at == verified_at


def test_a_tampered_verification_link_shows_the_no_longer_valid_page(client):
    user = UserFactory()
    response = client.get(reverse("verify_email", kwargs={"uidb64": "MQ", "token": "nope-123"}))
    assert response.status_code == 400
    assert "This link is no longer valid" in text(response)
    user.refresh_from_db()
    assert not user.has_verified_email()


@pytest.mark.parametrize("typed", ["ada@example.com", "ADA@Example.com"])
def test_signing_up_with_a_registered_address_answers_exactly_as_for_a_new_one(
    typed, django_capture_on_commit_callbacks
):
    """No page reveals whether an account exists: its owner is told by e-mail instead."""
    owner = CandidateFactory(email="ada@example.com", legal_name="Ada Owner")
    newcomer, taken = Client(), Client()

    with django_capture_on_commit_callbacks(execute=True):
        fresh = sign_up(newcomer, email="grace@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        existing = sign_up(taken, email=typed)

    assert (existing.status_code, existing.url) == (fresh.status_code, fresh.url)
    shown = User.objects.normalize_email(typed)
    assert text(taken.get(existing.url)).replace(shown, "X") == text(
        newcomer.get(fresh.url)
    ).replace("grace@example.com", "X")
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.legal_name == "Ada Owner"
    assert owner.check_password(PASSWORD), "the owner's password is untouched"
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "You already have a Second Shot account"
    assert "/accounts/verify/" not in message.body


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"legal_name": ""}, "legal_name", "This field is required."),
        ({"legal_name": "   "}, "legal_name", "This field is required."),
        ({"password2": "Analytical engine 1842"}, "password2", "didn’t match"),
        ({"email": "ada.example.com"}, "email", "Enter a valid email address."),
    ],
    ids=["no legal name", "blank legal name", "passwords differ", "bad e-mail"],
)
def test_bad_sign_up_input_gets_a_message_next_to_the_field_and_creates_nothing(
    client, fields, field, error, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, **fields)

    assert response.status_code == 200
    assert error in field_error(response, field)
    assert not User.objects.exists()
    assert mail.outbox == []
    if field != "email":
        assert input_value(response, "email") == "ada@example.com", "valid input is kept"


# --- signing in and out --------------------------------------------------------------


def test_signing_in_with_email_and_password_lands_on_my_vouchers(client, candidate):
    response = client.post(
        reverse("login"), {"username": candidate.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert "My vouchers" in text(response)
    assert signed_in_user_id(client) == str(candidate.pk)


def test_signing_in_returns_to_the_page_asked_for(client, candidate, voucher):
    page = reverse("portal:voucher", args=[voucher.pk])
    asked = client.get(page)
    response = client.post(
        asked.url, {"username": candidate.email, "password": PASSWORD, "next": page}, follow=True
    )
    assert response.redirect_chain[-1][0] == page
    assert voucher.masked_number in text(response)


def test_signing_in_with_a_wrong_password_shows_the_form_error(client, candidate):
    response = client.post(reverse("login"), {"username": candidate.email, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password." in text(response)
    assert signed_in_user_id(client) is None


def test_signing_out_ends_the_session(signed_in):
    response = signed_in.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(signed_in) is None
    dashboard = signed_in.get(reverse("portal:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard.url.startswith(reverse("login"))


# --- passwords -----------------------------------------------------------------------


def test_changing_the_password_keeps_the_candidate_signed_in(signed_in, candidate):
    response = signed_in.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Your password is changed." in text(response)
    candidate.refresh_from_db()
    assert candidate.check_password(NEW_PASSWORD)
    assert signed_in.get(reverse("portal:dashboard")).status_code == 200


def test_changing_the_password_needs_the_old_one(signed_in, candidate):
    response = signed_in.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in field_error(response, "old_password")
    candidate.refresh_from_db()
    assert candidate.check_password(PASSWORD)


def test_a_password_reset_link_lets_the_candidate_choose_a_new_password(client, candidate):
    asked = client.post(reverse("password_reset"), {"email": candidate.email})
    assert asked.url == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == [candidate.email]
    assert message.subject == "Choose a new Second Shot password"

    form = client.get(path_in(message, "/accounts/password/reset/"), follow=True)
    assert "Choose a new password" in text(form)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Your new password is set." in text(done)

    fresh = Client()
    signed = fresh.post(
        reverse("login"), {"username": candidate.email, "password": NEW_PASSWORD}, follow=True
    )
    assert signed.redirect_chain[-1][0] == reverse("portal:dashboard")


def test_a_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


# --- the account page and the unconfirmed address ---------------------------------


def test_the_account_page_shows_the_email_address_and_the_legal_name(signed_in, candidate):
    page = text(signed_in.get(reverse("account")))
    assert candidate.email in page
    assert "Ada King Lovelace" in page
    assert "confirmed" in page


def test_a_verified_candidate_sees_no_confirmation_banner(signed_in):
    page = text(signed_in.get(reverse("portal:dashboard")))
    assert "Please confirm your e-mail address" not in page


def test_an_unverified_candidate_sees_the_banner_and_cannot_register_a_voucher(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    voucher = VoucherFactory()

    dashboard = text(client.get(reverse("portal:dashboard")))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:register_voucher"), {"number": voucher.plain_number})

    assert "Please confirm your e-mail address" in dashboard
    assert "Send the link again" in dashboard
    assert response.status_code == 200
    assert "Please confirm your e-mail address first" in text(response)
    voucher.refresh_from_db()
    assert voucher.registered_by is None
    assert not VoucherEvent.objects.filter(action=VoucherEvent.Action.REGISTERED).exists()
    assert mail.outbox == []


def test_send_the_link_again_emails_a_link_that_confirms_the_address(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("resend_verification"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert f"We sent a new confirmation link to {user.email}." in text(response)
    (message,) = mail.outbox
    assert message.to == [user.email]
    client.get(path_in(message, "/accounts/verify/"))
    user.refresh_from_db()
    assert user.has_verified_email()
    page = text(client.get(reverse("portal:dashboard")))
    assert "Please confirm your e-mail address" not in page
