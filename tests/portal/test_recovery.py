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
        signed_in.post(reverse("portal:register_voucher"), {"number": voucher.plain_number})
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


def test_the_link_dies_once_used(signed_in, registered):
    """SS-6"""
    voucher, _, link = registered
    signed_in.post(link)
    after_first = state(voucher)

    assert signed_in.get(link).status_code == 404
    assert signed_in.post(link).status_code == 404
    assert state(voucher) == after_first


def test_another_signed_in_candidate_gets_404_and_nothing_changes(registered, other_client):
    """SS-6"""
    voucher, _, link = registered
    before = state(voucher)

    assert other_client.get(link).status_code == 404
    response = other_client.post(link)

    assert response.status_code == 404
    assert "We can't find that page" in text(response)
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

    assert signed_in.get(bad).status_code == 404
    assert signed_in.post(bad).status_code == 404
    assert state(voucher) == before


def test_an_expired_vouchers_link_gets_404(signed_in, registered, now):
    """SS-6, SS-2: the link expires with the voucher."""
    voucher, _, link = registered
    voucher.pack.expires_on = now.date() - timedelta(days=3)
    voucher.pack.save()
    before = state(voucher)

    assert signed_in.get(link).status_code == 404
    assert signed_in.post(link).status_code == 404
    assert state(voucher) == before


def test_a_voided_vouchers_link_gets_404(signed_in, registered, now):
    """SS-6"""
    voucher, _, link = registered
    Voucher.objects.filter(pk=voucher.pk).update(voided_at=now)
    assert signed_in.get(link).status_code == 404
    assert signed_in.post(link).status_code == 404
