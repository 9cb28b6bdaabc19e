"""The e-mails of the voucher workflows go through the task queue, once each, and the one
voucher number an e-mail carries waits there sealed, never in the clear (SS-6, SS-12)."""

import time
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from tests.factories import (
    CustomerFactory,
    RegisteredVoucherFactory,
    StaffFactory,
    VoucherFactory,
)
from vouchers import notices, numbers, services
from vouchers.models import NoticeSent, VoucherEvent

pytestmark = pytest.mark.django_db(transaction=True)


def queued_text() -> str:
    """Everything the queue's table holds about its tasks, as a backup of it would."""
    return " ".join(str(r.args_kwargs) for r in DBTaskResult.objects.all())


def test_registering_only_queues_the_confirmation_and_the_worker_sends_it_once(
    database_queue, run_worker, candidate
):
    """SS-6, SS-12"""
    voucher = VoucherFactory()
    services.register_voucher(candidate=candidate, number=voucher.plain_number)
    assert mail.outbox == []
    event = voucher.events.get(action=VoucherEvent.Action.REGISTERED)

    run_worker()
    again = notices.send_event_email(event_id=event.pk)

    (message,) = mail.outbox
    assert message.to == [candidate.email]
    assert message.subject == "Your Second Shot voucher is registered"
    assert again == notices.ALREADY_SENT
    assert NoticeSent.objects.filter(key=f"event:{event.pk}").count() == 1


def test_a_number_reissued_on_behalf_waits_in_the_queue_sealed(
    database_queue, run_worker, candidate
):
    """SS-6: the new number goes to the candidate only; the queue's table cannot give it."""
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    support = StaffFactory()
    services.reissue_number_on_behalf(voucher=voucher, actor=support, reason="Lost it")
    voucher.refresh_from_db()

    queued = queued_text()

    run_worker()
    (message,) = mail.outbox
    assert message.to == [candidate.email]
    (number,) = [
        line.strip().replace("-", "")
        for line in message.body.splitlines()
        if line.strip().endswith(voucher.number_last4)
    ]
    assert numbers.digest(number) == voucher.number_hash
    assert number not in queued


def test_a_reissued_number_numbered_again_before_its_email_went_is_not_sent(
    database_queue, run_worker, candidate
):
    """SS-6: an e-mail with a number that no longer works would only mislead."""
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    support = StaffFactory()
    services.reissue_number_on_behalf(voucher=voucher, actor=support, reason="Lost it")
    services.reissue_number(voucher=voucher, actor=candidate)

    run_worker()

    # The candidate's own change is told (with a fresh link), never the stale number.
    (message,) = mail.outbox
    assert message.subject == "Your Second Shot voucher number was changed"
    results = DBTaskResult.objects.order_by("enqueued_at")
    assert [r.return_value for r in results] == [notices.OVERTAKEN, notices.SENT]


def test_a_new_packs_numbers_wait_in_the_queue_sealed_and_go_once(database_queue, run_worker):
    issued = services.issue_pack(
        customer=CustomerFactory(),
        exam_count=2,
        expires_on=date.today() + timedelta(days=200),
        is_second_shot=True,
        list_price=100,
        issued_by=StaffFactory(),
    )
    services.hand_over_by_email(pack=issued.pack, plain_numbers=issued.numbers, language="fr")

    queued = queued_text()
    assert not any(number in queued for number in issued.numbers)
    assert not any(number in queued for number in issued.displayed_numbers())

    run_worker()
    (message,) = mail.outbox
    assert all(number in message.body for number in issued.displayed_numbers())
    assert "bons" in message.subject  # the manager's language, French
    result = notices.send_pack_numbers(
        pack_id=issued.pack.pk,
        sealed_numbers=numbers.seal(issued.numbers).decode(),
        language="fr",
    )
    assert result == notices.ALREADY_SENT


def test_numbers_that_are_not_the_packs_are_not_sent():
    pack = RegisteredVoucherFactory().pack
    with pytest.raises(ValueError):
        services.hand_over_by_email(pack=pack, plain_numbers=[numbers.generate()], language="en")


def test_numbers_that_waited_in_the_queue_past_their_time_are_not_sent():
    """A worker down for days: the numbers are not opened; the CSV or recovery gives them."""
    pack = RegisteredVoucherFactory().pack
    long_ago = time.time() - notices.NUMBERS_KEPT_FOR.total_seconds() - 60
    with mock.patch("cryptography.fernet.time.time", return_value=long_ago):
        sealed = numbers.seal([numbers.generate()]).decode()

    result = notices.send_pack_numbers(pack_id=pack.pk, sealed_numbers=sealed, language="en")

    assert result == notices.OVERTAKEN
    assert mail.outbox == []
