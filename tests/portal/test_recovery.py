"""Recovering a lost voucher number from the link in the registration e-mail (SS-6)."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import SittingFactory, VoucherFactory
from tests.portal.pages import field_error, path_in, text
from vouchers import numbers
from vouchers.models import Booking, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(signed_in, django_capture_on_commit_callbacks):
    """A voucher the candidate registered on the portal, and the recovery link it e-mailed."""
    voucher = VoucherFactory()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            reverse("portal:register_voucher"), {"number": voucher.plain_number}, follow=True
        )
    link = path_in(mail.outbox[-1], "/recover/")
    mail.outbox.clear()
    return Voucher.objects.get(pk=voucher.pk), voucher.plain_number, link


def new_number_on(response) -> str:
    found = re.search(r'id="new-number">([^<]+)<', response.content.decode())
    assert found, "no new number on the page"
    return found.group(1).strip()


def state(voucher):
    voucher = Voucher.objects.get(pk=voucher.pk)
    return (
        voucher.number_hash,
        voucher.registered_by_id,
        voucher.pack_id,
        voucher.pack.expires_on,
        list(Booking.objects.filter(voucher=voucher).values_list("pk", "status")),
        VoucherEvent.objects.filter(voucher=voucher).count(),
    )


def test_the_owner_opens_the_link_and_sees_what_a_new_number_does(signed_in, registered):
    """SS-6"""
    voucher, _, link = registered
    response = signed_in.get(link)
    assert response.status_code == 200
    page = text(response)
    assert "Get a new voucher number" in page
    assert voucher.masked_number in page
    assert "your earlier number stops working at once." in page


def test_a_new_number_is_shown_once_and_replaces_every_earlier_one(
    signed_in, candidate, registered, other_client, exam, now
):
    """SS-6: the new number works at once, the old one stops, nothing else changes."""
    voucher, old_number, link = registered
    before = state(voucher)

    response = signed_in.post(link)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown = new_number_on(response)
    new_number = numbers.normalize(shown)
    assert shown == numbers.display(new_number)
    assert new_number != old_number
    after = Voucher.objects.get(pk=voucher.pk)
    assert after.number_hash == numbers.digest(new_number)
    assert state(after)[1:5] == before[1:5], "owner, pack, expiry and bookings unchanged"
    assert after.events.filter(action=VoucherEvent.Action.NUMBER_REISSUED).count() == 1
    assert mail.outbox == [], "the number is shown on the page, not e-mailed"
    dashboard = signed_in.get(reverse("portal:dashboard")).content.decode()
    assert new_number not in dashboard and shown not in dashboard, "shown only once"
    assert after.masked_number in text(signed_in.get(reverse("portal:dashboard")))

    old = other_client.post(reverse("portal:register_voucher"), {"number": old_number})
    new = other_client.post(reverse("portal:register_voucher"), {"number": shown})
    assert field_error(old, "number") == (
        "We don't recognise this voucher number. Please check it and try again."
    )
    assert field_error(new, "number") == "This voucher is registered to another account."
    assert Voucher.objects.get(pk=voucher.pk).registered_by == candidate

    sitting = SittingFactory(starts_at=now + timedelta(days=10))
    booked = signed_in.post(
        reverse("portal:review_booking", args=[voucher.pk, sitting.pk]) + f"?exam={exam.pk}"
    )
    assert booked.status_code == 302
    assert Booking.objects.filter(voucher=voucher, candidate=candidate).exists()


def test_a_used_link_explains_itself_to_its_owner_and_offers_a_fresh_one(signed_in, registered):
    """SS-6: no bare 404 for the owner; nothing changes."""
    voucher, _, link = registered
    signed_in.post(link)
    after_first = state(voucher)

    for response in (signed_in.get(link), signed_in.post(link)):
        assert response.status_code == 410
        page = text(response)
        assert "This link no longer works" in page
        assert "This voucher's number has already been changed since this link was sent." in page
        assert Voucher.objects.get(pk=voucher.pk).masked_number in page
        assert "E-mail me a fresh link" in page
    assert state(voucher) == after_first


def test_another_signed_in_candidate_learns_nothing_and_nothing_changes(registered, other_client):
    """SS-6: not the bare 404, and no word of the voucher."""
    voucher, _, link = registered
    before = state(voucher)

    for response in (other_client.get(link), other_client.post(link)):
        assert response.status_code == 404
        page = text(response)
        assert "This link cannot be used here" in page
        assert voucher.number_last4 not in page
        assert voucher.registered_by.email not in page
    assert state(voucher) == before


def test_an_anonymous_visitor_is_sent_to_sign_in(registered):
    """SS-6"""
    voucher, _, link = registered
    before = state(voucher)
    anonymous = Client()

    for response in (anonymous.get(link), anonymous.post(link)):
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={quote(link)}"
    assert state(voucher) == before


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_a_tampered_link_gets_404(signed_in, registered, tamper):
    """SS-6"""
    voucher, _, link = registered
    token = link.rstrip("/").rsplit("/", 1)[1]
    before = state(voucher)
    bad = reverse("portal:recover_number", kwargs={"token": tamper(token)})

    for response in (signed_in.get(bad), signed_in.post(bad)):
        assert response.status_code == 404
        assert "This link cannot be used here" in text(response)
        assert voucher.number_last4 not in text(response)
    assert state(voucher) == before


def test_an_expired_vouchers_link_says_the_voucher_expired(signed_in, registered, now):
    """SS-6, SS-2: the link expires with the voucher, and says so to its owner."""
    voucher, _, link = registered
    voucher.pack.expires_on = now.date() - timedelta(days=3)
    voucher.pack.save()
    before = state(voucher)

    for response in (signed_in.get(link), signed_in.post(link)):
        assert response.status_code == 410
        assert "This voucher expired on" in text(response)
        assert "E-mail me a fresh link" not in text(response)
    assert state(voucher) == before


def test_a_voided_vouchers_link_says_it_was_cancelled(signed_in, registered, now):
    """SS-6"""
    voucher, _, link = registered
    Voucher.objects.filter(pk=voucher.pk).update(voided_at=now)
    for response in (signed_in.get(link), signed_in.post(link)):
        assert response.status_code == 410
        assert "cancelled by its issuer" in text(response)
        assert "E-mail me a fresh link" not in text(response)


# --- recovery again, and again ------------------------------------------------------


def test_each_use_emails_a_notice_with_a_fresh_link_that_works_in_turn(
    signed_in, registered, django_capture_on_commit_callbacks
):
    """SS-6: recovery works any number of times, each use told by e-mail."""
    voucher, _, link = registered
    shown = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            shown.append(new_number_on(signed_in.post(link)))
        (notice,) = mail.outbox
        mail.outbox.clear()
        assert notice.to == [voucher.registered_by.email]
        assert notice.subject == "Your Second Shot voucher number was changed"
        assert "no longer works" in notice.body
        assert not any(number in notice.body for number in shown), "never the number"
        assert numbers.normalize(shown[-1])[-4:] in notice.body  # the masked new number
        fresh = path_in(notice, "/recover/")
        assert fresh != link
        link = fresh

    assert len(set(shown)) == 3
    after = Voucher.objects.get(pk=voucher.pk)
    assert after.number_hash == numbers.digest(numbers.normalize(shown[-1]))
    assert after.events.filter(action=VoucherEvent.Action.NUMBER_REISSUED).count() == 3


def test_lost_your_number_emails_a_fresh_link_to_the_account(
    signed_in, registered, django_capture_on_commit_callbacks
):
    """SS-6: from the voucher's page, without the registration e-mail."""
    voucher, _, old_link = registered
    page = text(signed_in.get(reverse("portal:voucher", args=[voucher.pk])))
    assert "Lost your number?" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("portal:send_recovery_link", args=[voucher.pk]), follow=True
        )

    assert "We sent a link to get a new number to" in text(response)
    (message,) = mail.outbox
    assert message.to == [voucher.registered_by.email]
    assert message.subject == "Your link to a new Second Shot voucher number"
    link = path_in(message, "/recover/")
    assert new_number_on(signed_in.post(link))
    event = voucher.events.get(action=VoucherEvent.Action.RECOVERY_LINK_SENT)
    assert event.actor == voucher.registered_by


def test_lost_your_number_is_not_offered_for_an_expired_voucher(signed_in, registered, now):
    voucher, _, _ = registered
    voucher.pack.expires_on = now.date() - timedelta(days=3)
    voucher.pack.save()

    page = text(signed_in.get(reverse("portal:voucher", args=[voucher.pk])))
    response = signed_in.post(reverse("portal:send_recovery_link", args=[voucher.pk]), follow=True)

    assert "Lost your number?" not in page
    assert "This voucher expired on" in text(response)
    assert mail.outbox == []
    assert not voucher.events.filter(action=VoucherEvent.Action.RECOVERY_LINK_SENT).exists()


def test_lost_your_number_for_someone_elses_voucher_is_404_and_sends_nothing(
    registered, other_client, django_capture_on_commit_callbacks
):
    voucher, _, _ = registered
    with django_capture_on_commit_callbacks(execute=True):
        response = other_client.post(reverse("portal:send_recovery_link", args=[voucher.pk]))
        missing = other_client.post(reverse("portal:send_recovery_link", args=[999999]))
    assert (response.status_code, missing.status_code) == (404, 404)
    assert mail.outbox == []
    assert not voucher.events.filter(action=VoucherEvent.Action.RECOVERY_LINK_SENT).exists()
