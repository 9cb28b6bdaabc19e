"""Issuing packs and voiding vouchers (SS-7, SS-12)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import CustomerFactory, ExamPackFactory, RegisteredVoucherFactory, in_days
from tests.vouchers.helpers import book
from vouchers import numbers, services
from vouchers.errors import Refused
from vouchers.models import Booking, ExamPack, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db


def issue(**overrides):
    customer = overrides.pop("customer", None) or CustomerFactory()
    fields = {
        "customer": customer,
        "exam_count": 3,
        "expires_on": in_days(365),
        "is_second_shot": True,
        "list_price": Decimal("450.00"),
        "issued_by": customer.account_manager,
    }
    return services.issue_pack(**fields | overrides)


def test_issuing_a_pack_makes_one_voucher_per_exam_with_numbers_shown_once():
    issued = issue(exam_count=3)
    assert len(issued.numbers) == 3 and len(set(issued.numbers)) == 3
    stored = Voucher.objects.filter(pack=issued.pack)
    assert stored.count() == 3
    assert {v.number_hash for v in stored} == {numbers.digest(n) for n in issued.numbers}
    assert all(len(shown) == 24 for shown in issued.displayed_numbers())


def test_every_issued_voucher_has_its_audit_event():
    """SS-12"""
    issued = issue(exam_count=4)
    events = VoucherEvent.objects.filter(
        action=VoucherEvent.Action.ISSUED, voucher__pack=issued.pack
    )
    assert events.count() == 4
    assert {e.actor for e in events} == {issued.pack.issued_by}


def test_a_pack_of_one_exam_is_allowed_and_none_is_refused():
    assert len(issue(exam_count=1).numbers) == 1
    with pytest.raises(Refused) as caught:
        issue(exam_count=0)
    assert caught.value.code == "bad_exam_count"


@pytest.mark.parametrize(
    "combination",
    [{"discount_percent": Decimal("10")}, {"promotion": "Summer bundle"}],
)
def test_a_second_shot_pack_with_a_discount_or_promotion_cannot_be_issued(combination):
    """SS-7"""
    with pytest.raises(Refused) as caught:
        issue(**combination)
    assert caught.value.code == "second_shot_combined"
    assert "cannot be combined" in caught.value.message
    assert not ExamPack.objects.exists() and not Voucher.objects.exists()


def test_a_discounted_pack_is_issued_as_a_plain_pack():
    """SS-7"""
    issued = issue(is_second_shot=False, discount_percent=Decimal("20"))
    assert not issued.pack.is_second_shot


def test_the_database_refuses_a_discounted_second_shot_pack():
    """SS-7: the constraint stands behind the workflow."""
    pack = ExamPackFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamPack.objects.filter(pk=pack.pk).update(discount_percent=5)


def test_a_pack_cannot_be_issued_already_expired(now):
    with pytest.raises(Refused) as caught:
        issue(expires_on=now.date())
    assert caught.value.code == "expiry_in_past"


def test_voiding_a_voucher_cancels_its_booking_frees_the_seat_and_is_audited(candidate, exam, now):
    """SS-12"""
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    booking = book(candidate, voucher, exam, now=now)
    manager = voucher.pack.issued_by
    services.void_voucher(voucher=voucher, actor=manager, reason="Refunded", now=now)

    booking.refresh_from_db()
    booking.sitting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.sitting.seats_taken == 0
    voucher = Voucher.objects.get(pk=voucher.pk)
    assert voucher.status(at=now) == Voucher.Status.VOIDED
    event = voucher.events.get(action=VoucherEvent.Action.VOIDED)
    assert (event.actor, event.details["reason"]) == (manager, "Refunded")
    with pytest.raises(Refused):
        services.void_voucher(
            voucher=voucher, actor=manager, reason="again", now=now + timedelta(1)
        )


def test_the_database_refuses_a_negative_list_price():
    """The constraint stands behind the form and the workflow."""
    pack = ExamPackFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamPack.objects.filter(pk=pack.pk).update(list_price=-1)
