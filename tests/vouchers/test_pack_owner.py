"""SS-5: once a pack is tied to the person who booked with it, a voucher of it that someone
else registered and never booked comes back to that person."""

from datetime import timedelta

import pytest
from django.core import mail

from tests.factories import CandidateFactory, ExamPackFactory
from vouchers import services
from vouchers.errors import Refused
from vouchers.models import Voucher, VoucherEvent

from .helpers import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack():
    """A pack of three, nobody's yet; each voucher's number known as ``plain_number``."""
    return ExamPackFactory(exam_count=3, vouchers=True)


def register(candidate, voucher):
    return services.register_voucher(candidate=candidate, number=voucher.plain_number)


def test_a_voucher_someone_else_registered_comes_back_to_the_pack_owner(
    pack, exam, now, django_capture_on_commit_callbacks
):
    """SS-5"""
    owner, earlier = CandidateFactory(), CandidateFactory()
    first, second, _third = pack.voucher_list
    with django_capture_on_commit_callbacks(execute=True):
        register(earlier, second)
        register(owner, first)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(owner, Voucher.objects.get(pk=first.pk), exam, now=now)

    returned = Voucher.objects.get(pk=second.pk)
    assert returned.registered_by == owner
    assert not Voucher.objects.filter(registered_by=earlier).exists()
    withdrawn = returned.events.get(action=VoucherEvent.Action.REGISTRATION_WITHDRAWN)
    assert withdrawn.actor is None
    assert withdrawn.details == {"candidate": earlier.pk, "owner": owner.pk, "booking": booking.pk}
    registered = returned.events.filter(action=VoucherEvent.Action.REGISTERED).latest("pk")
    assert registered.details == {"candidate": owner.pk, "returned_from": earlier.pk}
    told = {message.to[0]: message for message in mail.outbox if "Booked" not in message.subject}
    assert set(told) == {earlier.email, owner.email}
    assert told[earlier.email].subject == "A Second Shot voucher is no longer on your account"
    assert returned.masked_number in told[earlier.email].body
    assert told[owner.email].subject == "Your Second Shot voucher is registered"


def test_the_returned_voucher_is_the_owners_to_book_and_nobody_elses(pack, exam, now):
    """SS-5: before the fix, the earlier registrant was refused and so was the owner."""
    owner, earlier = CandidateFactory(), CandidateFactory()
    first, second, _third = pack.voucher_list
    register(earlier, second)
    register(owner, first)
    taken = book(owner, Voucher.objects.get(pk=first.pk), exam, now=now - timedelta(days=30))

    later = now - timedelta(days=30) + timedelta(days=12)  # after the first sitting started
    assert taken.sitting.starts_at < later
    again = book(owner, Voucher.objects.get(pk=second.pk), exam, now=later)
    assert again.voucher_id == second.pk
    with pytest.raises(Refused) as caught:
        book(earlier, Voucher.objects.get(pk=second.pk), exam, now=later)
    assert caught.value.code == "voucher_not_yours"


def test_a_voided_voucher_someone_else_registered_stays_as_it_was(pack, exam, now):
    """SS-5: a voided voucher is of no use to anyone; its registration is left alone."""
    owner, earlier = CandidateFactory(), CandidateFactory()
    first, second, _third = pack.voucher_list
    register(earlier, second)
    services.void_voucher(voucher=second, actor=pack.issued_by, reason="Refunded", now=now)
    register(owner, first)

    book(owner, Voucher.objects.get(pk=first.pk), exam, now=now)

    assert Voucher.objects.get(pk=second.pk).registered_by == earlier
    assert not VoucherEvent.objects.filter(
        action=VoucherEvent.Action.REGISTRATION_WITHDRAWN
    ).exists()
