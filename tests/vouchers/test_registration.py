"""Registering a voucher number for the offer (SS-2, SS-5, SS-6)."""

from datetime import timedelta

import pytest
from django.core import mail

from tests.factories import CandidateFactory, ExamPackFactory, VoucherFactory
from tests.vouchers.helpers import PASSED, book, sit
from vouchers import numbers, services
from vouchers.errors import Refused
from vouchers.models import Voucher, VoucherEvent

pytestmark = pytest.mark.django_db


def refusal(code, **call):
    with pytest.raises(Refused) as caught:
        services.register_voucher(**call)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_registering_claims_the_voucher_and_writes_the_audit_trail(
    candidate, django_capture_on_commit_callbacks
):
    """SS-5, SS-12"""
    voucher = VoucherFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registered = services.register_voucher(
            candidate=candidate, number=numbers.display(voucher.plain_number).lower()
        )
    assert registered.pk == voucher.pk
    voucher.refresh_from_db()
    assert voucher.registered_by == candidate
    assert voucher.events.filter(action=VoucherEvent.Action.REGISTERED, actor=candidate).exists()


def test_registering_emails_a_confirmation_with_the_recovery_link_and_expiry(
    candidate, django_capture_on_commit_callbacks
):
    """SS-6: the confirmation holds the link to a page that gives a new number."""
    voucher = VoucherFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.register_voucher(candidate=candidate, number=voucher.plain_number)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [candidate.email]
    assert "/recover/" in message.body
    assert f"{voucher.pack.expires_on.day} " in message.body
    assert voucher.plain_number not in message.body, "the e-mail must not repeat the number"
    assert message.alternatives and "/recover/" in message.alternatives[0].content


def test_no_email_is_sent_when_the_registration_is_refused(
    candidate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):
        services.register_voucher(candidate=candidate, number=numbers.generate())
    assert mail.outbox == []


def test_a_mistyped_number_is_recognised_before_any_lookup(candidate, django_assert_num_queries):
    number = numbers.generate()
    typo = number[:5] + ("A" if number[5] != "A" else "B") + number[6:]
    with django_assert_num_queries(0):
        refused = refusal("number_malformed", candidate=candidate, number=typo)
    assert "typing mistake" in refused.message


def test_an_unknown_number_is_refused(candidate):
    refusal("number_unknown", candidate=candidate, number=numbers.generate())


def test_an_expired_voucher_cannot_be_registered(candidate, now):
    """SS-2"""
    voucher = VoucherFactory(pack__expires_on=now.date() - timedelta(days=2))
    refused = refusal("voucher_expired", candidate=candidate, number=voucher.plain_number, now=now)
    assert refused.message.startswith("This voucher expired on")
    assert not Voucher.objects.filter(registered_by=candidate).exists()


def test_the_expiry_date_itself_still_counts_anywhere_on_earth(candidate, now):
    """SS-2: on the expiry date a voucher can still be registered."""
    from vouchers.clock import anywhere_on_earth_date

    voucher = VoucherFactory(pack__expires_on=anywhere_on_earth_date(now))
    services.register_voucher(candidate=candidate, number=voucher.plain_number, now=now)


def test_a_voided_voucher_cannot_be_registered(candidate, now):
    voucher = VoucherFactory(voided_at=now)
    refusal("voucher_voided", candidate=candidate, number=voucher.plain_number)


def test_a_voucher_registered_to_another_account_is_refused(candidate, other_candidate):
    """SS-5"""
    voucher = VoucherFactory()
    services.register_voucher(candidate=other_candidate, number=voucher.plain_number)
    refusal("registered_elsewhere", candidate=candidate, number=voucher.plain_number)
    voucher.refresh_from_db()
    assert voucher.registered_by == other_candidate


def test_registering_the_same_voucher_twice_says_it_is_already_yours(candidate):
    voucher = VoucherFactory()
    services.register_voucher(candidate=candidate, number=voucher.plain_number)
    refusal("already_registered", candidate=candidate, number=voucher.plain_number)
    assert voucher.events.filter(action=VoucherEvent.Action.REGISTERED).count() == 1


def test_a_used_voucher_is_refused_as_used(candidate, other_candidate, exam):
    voucher = VoucherFactory()
    services.register_voucher(candidate=other_candidate, number=voucher.plain_number)
    sit(book(other_candidate, voucher, exam), PASSED)
    refusal("voucher_used", candidate=candidate, number=voucher.plain_number)


def test_a_voucher_from_a_pack_tied_to_someone_else_is_refused(candidate, other_candidate, exam):
    """SS-5: once someone booked with a pack, nobody else registers its vouchers."""
    pack = ExamPackFactory(exam_count=2, vouchers=True)
    first, second = pack.voucher_list
    services.register_voucher(candidate=other_candidate, number=first.plain_number)
    book(other_candidate, Voucher.objects.get(pk=first.pk), exam)
    refused = refusal("pack_tied_elsewhere", candidate=candidate, number=second.plain_number)
    assert "one person" in refused.message


def test_several_people_may_register_vouchers_of_an_untied_pack(candidate, other_candidate):
    """SS-5: nobody is named at purchase; the pack is tied only at the first booking."""
    pack = ExamPackFactory(exam_count=2, vouchers=True)
    first, second = pack.voucher_list
    services.register_voucher(candidate=candidate, number=first.plain_number)
    services.register_voucher(candidate=other_candidate, number=second.plain_number)
    pack.refresh_from_db()
    assert pack.candidate is None


def test_a_registration_refusal_changes_nothing(candidate, now):
    voucher = VoucherFactory(voided_at=now)
    before = list(Voucher.objects.values())
    events = VoucherEvent.objects.count()
    refusal("voucher_voided", candidate=candidate, number=voucher.plain_number)
    assert list(Voucher.objects.values()) == before
    assert VoucherEvent.objects.count() == events


def test_an_account_can_register_vouchers_from_several_packs():
    someone = CandidateFactory()
    for _ in range(2):
        services.register_voucher(candidate=someone, number=VoucherFactory().plain_number)
    assert Voucher.objects.filter(registered_by=someone).count() == 2
