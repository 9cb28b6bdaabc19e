"""A lost voucher number: a new number works at once, earlier ones stop (SS-6)."""

from datetime import timedelta

import pytest
from django.core import mail

from tests.factories import RegisteredVoucherFactory, SittingFactory, StaffFactory, VoucherFactory
from tests.vouchers.helpers import FAILED, book, sit
from vouchers import notices, numbers, services
from vouchers.errors import Refused
from vouchers.models import Booking, Voucher, VoucherEvent
from vouchers.tokens import make_recovery_token, read_recovery_token

pytestmark = pytest.mark.django_db


def test_a_new_number_works_at_once_and_the_old_one_stops(candidate, other_candidate):
    """SS-6"""
    voucher = VoucherFactory()
    old_number = voucher.plain_number
    services.register_voucher(candidate=candidate, number=old_number)
    new_number = services.reissue_number(voucher=voucher, actor=candidate)

    assert numbers.normalize(new_number) == new_number
    assert Voucher.objects.get(number_hash=numbers.digest(new_number)).pk == voucher.pk
    assert not Voucher.objects.filter(number_hash=numbers.digest(old_number)).exists()
    with pytest.raises(Refused) as caught:
        services.register_voucher(candidate=other_candidate, number=old_number)
    assert caught.value.code == "number_unknown"
    with pytest.raises(Refused) as caught:
        services.register_voucher(candidate=other_candidate, number=new_number)
    assert caught.value.code == "registered_elsewhere"


def test_nothing_else_about_the_voucher_changes(candidate, exam, now):
    """SS-6: pack, attempts, bookings and expiry stay as they were."""
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    first = sit(book(candidate, voucher, exam, now=now), FAILED)
    retake = book(candidate, voucher, exam, now=first.sitting.starts_at)
    before = Voucher.objects.values().get(pk=voucher.pk)
    bookings_before = list(Booking.objects.filter(voucher=voucher).values())

    services.reissue_number(voucher=voucher, actor=candidate)

    after = Voucher.objects.values().get(pk=voucher.pk)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"number_hash", "number_last4"}
    assert list(Booking.objects.filter(voucher=voucher).values()) == bookings_before
    assert Voucher.objects.get(pk=voucher.pk).retake() == retake


def test_the_recovery_link_dies_once_used(candidate):
    """SS-6: the link is bound to the number it was sent for."""
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    _, prefix = read_recovery_token(make_recovery_token(voucher))
    services.reissue_number(voucher=voucher, actor=candidate, expected_hash_prefix=prefix)
    with pytest.raises(Refused) as caught:
        services.reissue_number(voucher=voucher, actor=candidate, expected_hash_prefix=prefix)
    assert caught.value.code == "number_changed"


def test_a_recovery_token_cannot_be_forged_or_bent_to_another_voucher(candidate):
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    token = make_recovery_token(voucher)
    assert read_recovery_token(token)[0] == voucher.pk
    assert read_recovery_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert read_recovery_token("not-a-token") is None


def test_support_reissues_on_the_candidates_behalf_without_seeing_the_number(
    candidate, django_capture_on_commit_callbacks
):
    """SS-6: the new number goes to the candidate's e-mail, never to support."""
    support = StaffFactory()
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.reissue_number_on_behalf(
            voucher=voucher, actor=support, reason="Candidate lost the e-mail"
        )
    assert returned is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [candidate.email]
    voucher.refresh_from_db()
    new_number = next(
        token.replace("-", "")
        for token in mail.outbox[0].body.split()
        if token.count("-") == 4 and len(token) == 24
    )
    assert numbers.digest(new_number) == voucher.number_hash
    assert str(voucher.pack.expires_on.year) in mail.outbox[0].body
    event = voucher.events.get(action=VoucherEvent.Action.NUMBER_REISSUED)
    assert event.actor == support
    assert event.details["on_behalf_of_candidate"] is True
    assert event.details["reason"] == "Candidate lost the e-mail"
    assert new_number not in str(event.details)


def test_support_resends_the_confirmation_with_its_recovery_link(
    candidate, django_capture_on_commit_callbacks
):
    """SS-6, SS-12"""
    support = StaffFactory()
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_confirmation(voucher=voucher, actor=support, reason="Asked by phone")
    assert len(mail.outbox) == 1 and "/recover/" in mail.outbox[0].body
    assert voucher.events.filter(
        action=VoucherEvent.Action.CONFIRMATION_RESENT, actor=support
    ).exists()


def test_an_unregistered_or_voided_voucher_gets_no_new_number(candidate, now):
    with pytest.raises(Refused) as caught:
        services.reissue_number(voucher=VoucherFactory(), actor=candidate)
    assert caught.value.code == "not_registered"
    voided = RegisteredVoucherFactory(registered_by=candidate, voided_at=now)
    with pytest.raises(Refused) as caught:
        services.reissue_number(voucher=voided, actor=candidate)
    assert caught.value.code == "voucher_voided"


def test_after_a_reissue_the_booking_flow_accepts_the_voucher_under_its_new_number(
    candidate, exam, now
):
    """SS-6: the voucher is the same voucher; bookings go on as before."""
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    services.reissue_number(voucher=voucher, actor=candidate)
    booking = services.book_sitting(
        candidate=candidate,
        voucher=Voucher.objects.get(pk=voucher.pk),
        exam=exam,
        sitting=SittingFactory(starts_at=now + timedelta(days=3)),
        now=now,
    )
    assert booking.voucher_id == voucher.pk


def test_no_confirmation_is_resent_for_an_expired_voucher(candidate, now):
    """SS-6: its recovery link would lead nowhere."""
    support = StaffFactory()
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__expires_on=now.date() - timedelta(days=3)
    )
    with pytest.raises(Refused) as caught:
        services.resend_confirmation(voucher=voucher, actor=support, reason="asked", now=now)
    assert caught.value.code == "voucher_expired"


def test_a_number_changed_notice_overtaken_by_another_change_is_not_sent(
    candidate, django_capture_on_commit_callbacks
):
    """SS-6: of two changes in a row, only the later one's notice goes, so no e-mail
    carries a link that no longer works."""
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    services.reissue_number(voucher=voucher, actor=candidate)
    services.reissue_number(voucher=voucher, actor=candidate)
    first, second = voucher.events.filter(action=VoucherEvent.Action.NUMBER_REISSUED).order_by("pk")

    assert notices.send_event_email(event_id=first.pk) == notices.OVERTAKEN
    assert notices.send_event_email(event_id=second.pk) == notices.SENT
    (message,) = mail.outbox
    assert message.subject == "Your Second Shot voucher number was changed"
    assert "/recover/" in message.body


def test_support_reissuing_sends_the_new_number_not_a_change_notice(
    candidate, django_capture_on_commit_callbacks
):
    """SS-6: one e-mail, with the number, when support acts on the candidate's behalf."""
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    with django_capture_on_commit_callbacks(execute=True):
        services.reissue_number_on_behalf(voucher=voucher, actor=StaffFactory(), reason="lost it")
    (message,) = mail.outbox
    assert message.subject == "Your new Second Shot voucher number"
