"""Every door is limited: each place a password is checked, and each page that hashes a
password or sends an e-mail. What the pages do takes the same work whether or not
an account exists, and the e-mails carry nothing a stranger typed."""

import re
from unittest import mock

import pytest
from django.contrib.auth import hashers
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services, tasks
from tests.factories import (
    BookingFactory,
    CandidateFactory,
    RegisteredVoucherFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_limit_window")]

PASSWORD = "correct horse battery staple"
ADDRESS = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


def portal_sign_in(client, email, password, address=ADDRESS):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def admin_sign_in(client, email, password, address=ADDRESS):
    return client.post(
        reverse("admin:login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def change_password(client, url_name, old, address=ADDRESS):
    new = "a brand new passphrase 42"
    return client.post(
        reverse(url_name),
        {"old_password": old, "new_password1": new, "new_password2": new},
        REMOTE_ADDR=address,
    )


# --- passwords: every door, counted together ----------------------------------------


def test_the_back_office_sign_in_is_limited_like_the_portals(client):
    staff = StaffFactory(is_superuser=True)
    for _ in range(10):
        assert admin_sign_in(client, staff.email, "wrong").status_code == 200
    refused = admin_sign_in(client, staff.email, PASSWORD)
    assert refused.status_code == 429
    assert "Please try again in" in refused.text and int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    # The real staff member, elsewhere, signs in as usual.
    assert admin_sign_in(client, staff.email, PASSWORD, address=ELSEWHERE).status_code == 302


def test_the_back_office_address_limit_spans_accounts(client):
    for _ in range(5):
        staff = StaffFactory()
        for _ in range(10):
            admin_sign_in(client, staff.email, "wrong")
    assert admin_sign_in(client, StaffFactory().email, PASSWORD).status_code == 429


def test_failures_at_every_password_door_count_together(client):
    """Four doors, one count: guesses spread over them reach the same limit."""
    candidate = StaffFactory(is_superuser=True)
    for _ in range(3):
        portal_sign_in(client, candidate.email, "wrong")
        admin_sign_in(client, candidate.email, "wrong")
    client.force_login(candidate)
    for _ in range(2):
        assert change_password(client, "password_change", "wrong").status_code == 200
        assert change_password(client, "admin:password_change", "wrong").status_code == 200
    assert change_password(client, "password_change", PASSWORD).status_code == 429
    candidate.refresh_from_db()
    assert candidate.check_password(PASSWORD), "the password is unchanged"


def test_the_old_password_of_the_password_change_page_cannot_be_guessed(client):
    candidate = CandidateFactory()
    client.force_login(candidate)
    for _ in range(10):
        assert change_password(client, "password_change", "wrong").status_code == 200
    refused = change_password(client, "password_change", PASSWORD)
    assert refused.status_code == 429
    assert "too many wrong passwords" in refused.text
    candidate.refresh_from_db()
    assert candidate.check_password(PASSWORD)


def test_the_back_office_password_change_is_limited(client):
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    for _ in range(10):
        assert change_password(client, "admin:password_change", "wrong").status_code == 200
    assert change_password(client, "admin:password_change", PASSWORD).status_code == 429
    assert change_password(client, "admin:password_change", PASSWORD, ELSEWHERE).status_code == 302


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_pause_says_the_same_for_an_account_that_does_not_exist(client):
    """No hint whether the account exists: the same page, in the reader's language."""
    known = UserFactory()
    for email in (known.email, "nobody@example.com"):
        for _ in range(10):
            portal_sign_in(client, email, "wrong")
    pages = [
        client.post(
            reverse("admin:login"),
            {"username": email, "password": "wrong"},
            REMOTE_ADDR=ADDRESS,
            HTTP_ACCEPT_LANGUAGE="de",
        )
        for email in (known.email, "nobody@example.com")
    ]
    assert [page.status_code for page in pages] == [429, 429]
    assert without_tokens(pages[0].text) == without_tokens(pages[1].text)
    assert "Bitte versuchen Sie es in" in pages[0].text


# --- pages that hash a password or send an e-mail ------------------------------------


def sign_up(client, email, address=ADDRESS):
    return client.post(
        reverse("signup"),
        {
            "email": email,
            "legal_name": "Ada Lovelace",
            "password1": "Analytical engine 1843",
            "password2": "Analytical engine 1843",
        },
        REMOTE_ADDR=address,
    )


def test_sign_ups_from_one_address_are_limited(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            assert sign_up(client, f"person{n}@example.com").status_code == 302
        with mock.patch.object(hashers, "make_password") as hashing:
            refused = sign_up(client, "person20@example.com")
    assert refused.status_code == 429
    assert "too many requests for e-mails" in refused.text
    assert not hashing.called, "a refused sign-up hashes nothing"
    assert not UserFactory._meta.model.objects.filter(email="person20@example.com").exists()
    assert sign_up(client, "person20@example.com", address=ELSEWHERE).status_code == 302


def test_one_inbox_gets_at_most_five_emails_an_hour_whatever_the_page(
    client, django_capture_on_commit_callbacks
):
    """Sign-up and password reset, from many addresses, to one inbox."""
    victim = UserFactory(email="victim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [sign_up(client, victim.email, address=f"192.0.2.{n}") for n in range(3)]
        answers += [
            client.post(
                reverse("password_reset"), {"email": victim.email}, REMOTE_ADDR=f"192.0.2.{n}"
            )
            for n in range(10, 30)
        ]
    assert [a.status_code for a in answers].count(302) == 5
    assert {a.status_code for a in answers[5:]} == {429}
    assert len(mail.outbox) == 5
    assert {m.to[0] for m in mail.outbox} == {victim.email}


def test_resending_the_confirmation_link_is_limited(client, django_capture_on_commit_callbacks):
    unverified = UserFactory()
    client.force_login(unverified)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(reverse("resend_verification")) for _ in range(7)]
    assert [a.status_code for a in answers] == [302] * 5 + [429] * 2
    assert len(mail.outbox) == 5


def test_emailing_a_booking_again_is_limited(client, django_capture_on_commit_callbacks):
    booking = BookingFactory(
        voucher=RegisteredVoucherFactory(registered_by=CandidateFactory()),
    )
    booking.candidate = booking.voucher.registered_by
    booking.save()
    client.force_login(booking.candidate)
    url = reverse("portal:resend_booking_email", args=[booking.pk])
    # The details go through the task queue once each request commits.
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url) for _ in range(7)]
    assert [a.status_code for a in answers] == [302] * 5 + [429] * 2
    assert len(mail.outbox) == 5


def test_the_name_typed_at_sign_up_is_not_in_the_verification_email(
    client, django_capture_on_commit_callbacks
):
    """An unconfirmed address gets no words a stranger chose: no phishing relay."""
    bait = "Click https://evil.example/login to claim your prize"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("signup"),
            {
                "email": "target@example.com",
                "legal_name": bait,
                "password1": "Analytical engine 1843",
                "password2": "Analytical engine 1843",
            },
        )
    (message,) = mail.outbox
    assert "evil.example" not in message.body
    assert all("evil.example" not in body for body, _ in message.alternatives)


# --- the same work whether or not an account exists ----------------------------------


def work_done(call):
    """Run ``call`` with the tasks queued in the database; return (hashes, tasks, e-mails)."""
    from django_tasks_db.models import DBTaskResult

    queued_before = DBTaskResult.objects.count()
    with mock.patch("accounts.services.make_password", wraps=hashers.make_password) as hashing:
        call()
    return hashing.call_count, DBTaskResult.objects.count() - queued_before, len(mail.outbox)


def test_sign_up_does_the_same_work_for_a_known_and_a_new_address(database_queue):
    UserFactory(email="known@example.com")

    def sign_up_as(email):
        return lambda: services.sign_up(
            email=email, legal_name="A", password="Analytical 1843", country="", language="en"
        )

    known = work_done(sign_up_as("known@example.com"))
    new = work_done(sign_up_as("new@example.com"))
    assert known == new == (1, 1, 0), "one hash, one queued e-mail, nothing sent in the request"


def test_password_reset_does_the_same_work_for_a_known_and_an_unknown_address(
    client, database_queue
):
    UserFactory(email="known@example.com")

    def ask(email):
        return lambda: client.post(reverse("password_reset"), {"email": email})

    assert work_done(ask("known@example.com"))[1:] == work_done(ask("nobody@example.com"))[1:]
    assert work_done(ask("known@example.com"))[1:] == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_the_queued_reset_email_goes_to_the_account_only(run_worker, database_queue):
    UserFactory(email="known@example.com")
    tasks.send_password_reset.enqueue("known@example.com")
    tasks.send_password_reset.enqueue("nobody@example.com")
    run_worker()
    assert [m.to for m in mail.outbox] == [["known@example.com"]]


def test_password_reset_links_are_built_on_site_url_not_the_host_header(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.example.com"
    settings.ALLOWED_HOSTS = ["portal.example.com", "evil.example"]
    UserFactory(email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("password_reset"),
            {"email": "known@example.com"},
            HTTP_HOST="evil.example:6666",
        )
    (message,) = mail.outbox
    assert "https://portal.example.com/accounts/password/reset/" in message.body
    assert "evil.example" not in message.body


def test_a_verified_account_gets_no_new_verification_link_from_a_stale_task():
    user = UserFactory(email_verified_at=timezone.now())
    tasks.send_verification.enqueue(user.pk)
    assert mail.outbox == []


def test_asking_for_a_link_to_a_new_number_is_limited(client, django_capture_on_commit_callbacks):
    """SS-6: "Lost your number?" sends mail, so it is limited like every such page."""
    voucher = RegisteredVoucherFactory(registered_by=CandidateFactory())
    client.force_login(voucher.registered_by)
    url = reverse("portal:send_recovery_link", args=[voucher.pk])
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url) for _ in range(7)]
    assert [a.status_code for a in answers] == [302] * 5 + [429] * 2
    assert len(mail.outbox) == 5
