"""Registering a voucher number on the portal (SS-2, SS-5, SS-6)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import ExamPackFactory, RegisteredVoucherFactory, VoucherFactory
from tests.portal.pages import field_error, input_value, path_in, take, text
from vouchers import numbers
from vouchers.models import Booking, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db


def register(client, typed):
    return client.post(reverse("portal:register_voucher"), {"number": typed})


def test_a_registered_voucher_shows_on_my_vouchers(
    signed_in, candidate, django_capture_on_commit_callbacks
):
    """SS-5: registering claims the voucher for the account."""
    voucher = VoucherFactory()
    typed = numbers.display(voucher.plain_number).lower().replace("-", " ")

    with django_capture_on_commit_callbacks(execute=True):
        response = register(signed_in, typed)

    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    voucher.refresh_from_db()
    assert voucher.registered_by == candidate
    page = text(signed_in.get(response.url))
    assert f"Voucher {voucher.masked_number} is registered." in page
    assert "First attempt available" in page


def test_registering_emails_the_confirmation_with_the_recovery_link(
    signed_in, candidate, django_capture_on_commit_callbacks
):
    """SS-6"""
    voucher = VoucherFactory()
    with django_capture_on_commit_callbacks(execute=True):
        register(signed_in, voucher.plain_number)

    (message,) = mail.outbox
    assert message.to == [candidate.email]
    assert message.subject == "Your Second Shot voucher is registered"
    assert voucher.masked_number in message.body
    assert f"{voucher.pack.expires_on:%B} {voucher.pack.expires_on.year}" in message.body
    assert signed_in.get(path_in(message, "/recover/")).status_code == 200


def _typo(number):
    wrong = "A" if number[5] != "A" else "B"
    return numbers.display(number[:5] + wrong + number[6:])


def _other_registered(candidate, other, now, exam):
    voucher = RegisteredVoucherFactory(registered_by=other)
    return voucher.plain_number, voucher


def _used(candidate, other, now, exam):
    voucher = RegisteredVoucherFactory(registered_by=other)
    take(other, voucher, exam, Booking.Outcome.PASSED, now=now)
    return voucher.plain_number, voucher


def _pack_tied_elsewhere(candidate, other, now, exam):
    pack = ExamPackFactory(vouchers=True, exam_count=2)
    used, free = pack.voucher_list
    Voucher.objects.filter(pk=used.pk).update(registered_by=other, registered_at=now)
    take(other, Voucher.objects.get(pk=used.pk), exam, Booking.Outcome.FAILED, now=now)
    return free.plain_number, free


CASES = {
    "empty": (lambda *a: ("", None), "This field is required."),
    "wrong length": (
        lambda *a: ("7KQ4-MZ2X-ABCD", None),
        "A voucher number has 20 letters and digits, like XXXX-XXXX-XXXX-XXXX-XXXX. "
        "Please check the number you typed.",
    ),
    "look-alike characters": (
        lambda *a: ("7KQ4-MZ2X-ABCD-EFGH-JK0O", None),
        "Voucher numbers never contain 0, O, 1, I or L. Please check the number you typed.",
    ),
    "typo": (
        lambda *a: (_typo((v := VoucherFactory()).plain_number), v),
        "This voucher number has a typing mistake in it. Please check it and try again.",
    ),
    "unknown": (
        lambda *a: (numbers.display(numbers.generate()), None),
        "We don't recognise this voucher number. Please check it and try again.",
    ),
    "expired": (
        lambda c, o, now, e: (
            (v := VoucherFactory(pack__expires_on=now.date() - timedelta(days=3))).plain_number,
            v,
        ),
        "This voucher expired on {expires_on}.",
    ),
    "voided": (
        lambda c, o, now, e: ((v := VoucherFactory(voided_at=now)).plain_number, v),
        "This voucher has been cancelled by its issuer and can no longer be used.",
    ),
    "already used": (_used, "This voucher has already been used."),
    "registered to another account": (
        _other_registered,
        "This voucher is registered to another account.",
    ),
    "already yours": (
        lambda c, o, now, e: (
            (v := RegisteredVoucherFactory(registered_by=c)).plain_number,
            v,
        ),
        "This voucher is already on your account.",
    ),
    "pack tied to someone else": (
        _pack_tied_elsewhere,
        "This voucher belongs to an exam pack that is in use by another person. "
        "Vouchers in a pack can only be used by one person.",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_voucher_input_gets_its_own_message_next_to_the_field_and_changes_nothing(
    case, signed_in, candidate, other_candidate, exam, now, django_capture_on_commit_callbacks
):
    """SS-2, SS-5: a typo, an unknown, expired, voided or used number, one registered
    elsewhere or from someone else's pack each get their own message."""
    arrange, message = CASES[case]
    typed, voucher = arrange(candidate, other_candidate, now, exam)
    owner = voucher.registered_by_id if voucher else None
    events = VoucherEvent.objects.count()
    if voucher is not None:
        message = message.format(expires_on=f"{voucher.pack.expires_on:%-d %B %Y}")

    with django_capture_on_commit_callbacks(execute=True):
        response = register(signed_in, typed)

    assert response.status_code == 200
    assert field_error(response, "number") == message
    assert input_value(response, "number") == (typed or None), "the typed number is kept"
    assert VoucherEvent.objects.count() == events
    assert mail.outbox == []
    if voucher is not None:
        assert Voucher.objects.get(pk=voucher.pk).registered_by_id == owner
    if case != "already yours":
        assert not Voucher.objects.filter(registered_by=candidate).exists()
