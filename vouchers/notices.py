"""Sending each e-mail a workflow caused, once, when its task runs.

A workflow queues its e-mail with its change, in its transaction
(``tasks.enqueue_*``); the task calls one of the ``send_*`` functions here,
perhaps long after. What each e-mail says is in ``emails.py``. This module
knows neither the workflows nor the tasks: both come to it.

- **A booking's notice** (booked, moved, cancelled, or cancelled because its
  voucher was voided), with the booking as a calendar file. One that waited in
  the queue is not sent when later events have made it pointless: a booking
  cancelled since (by the candidate, by moving it again, by voiding) gets no
  "booked" or "moved" notice, as the later change's own notice tells where they
  stand, and calendars never add an event after its cancellation; nor does one
  whose sitting has started by then (SS-13: no "booked" message for a sitting
  that has started). A cancellation is final, so its notice always goes.
- **An audit event's e-mail**: a registration confirmed (or its confirmation
  re-sent), withdrawn because the pack is another person's, a number reissued on
  the candidate's behalf, a number the candidate replaced themselves ("your
  number was changed", with a fresh link), a fresh link asked for ("Lost your
  number?"). Not sent once the voucher has moved on (registered to someone else,
  voided, numbered again): it would tell something no longer true.
- **A new pack's numbers** for the customer's contact.

A number travels sealed (``numbers.seal``) and is opened only within
``NUMBERS_KEPT_FOR`` of its sealing: after that the e-mail is not sent.

Each goes once, though its task may run twice: its record (``NoticeSent``) is
written in the transaction that sends, and commits only once the mail server has
taken the message. A worker that dies mid-send leaves no record, so the task put
back in the queue sends it; one that finds the record sends nothing. Only a
worker that dies between the server's "accepted" and the commit (a millisecond)
makes an e-mail go twice: we prefer that to losing it. A second run of the same
e-mail waits for the first's transaction. A database connection cut before the
e-mail went is tried once more on a new one; cut after it, the task fails but
the e-mail is not sent again.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction
from django.utils import timezone, translation

from . import emails, numbers
from .models import Booking, ExamPack, NoticeSent, VoucherEvent

# What a send_* function did, for the task's result.
SENT = "sent"
OVERTAKEN = "overtaken"
ALREADY_SENT = "already_sent"

# The notices of a booking that end it: always sent, whatever came after.
FINAL = {"cancelled", "voided"}
# A number waits sealed in the queue this long at most: a task that waited longer (its
# worker down for days) sends nothing, and the number can be had again (recovery, CSV).
NUMBERS_KEPT_FOR = timedelta(days=3)


class NoticeNotRecorded(Exception):
    """The e-mail went, but the database failed before its record was kept: the task
    fails (support sees it) and nothing sends it again."""


def send_unless_overtaken(*, booking_id: int, what: str, copy: str | None = None) -> str:
    """Send the booking's notice (``what``) once, unless later events made it pointless.

    ``copy`` names a copy the candidate asked for again ("e-mail me the details
    again"), sent once itself.
    """
    key = f"booking:{booking_id}:{what}" + (f":{copy}" if copy else "")
    return _once(key, partial(_booking_notice, booking_id, what))


def _booking_notice(booking_id: int, what: str) -> Callable[[], None] | None:
    booking = Booking.objects.select_related(
        "candidate", "exam", "sitting__centre", "voucher__pack"
    ).get(pk=booking_id)
    if what not in FINAL and booking.state(at=timezone.now()) != Booking.State.PENDING:
        return None
    return partial(emails.send_booking_notice, booking, what)


def send_event_email(*, event_id: int, sealed_number: str | None = None) -> str:
    """Send the e-mail the audit event causes, once, unless the voucher has moved on.

    ``sealed_number`` is the new number of a reissue (``numbers.seal``): the only
    e-mail that carries one.
    """
    return _once(f"event:{event_id}", partial(_event_email, event_id, sealed_number))


def _event_email(event_id: int, sealed_number: str | None) -> Callable[[], None] | None:
    event = VoucherEvent.objects.select_related("voucher__pack", "voucher__registered_by").get(
        pk=event_id
    )
    voucher, candidate_id = event.voucher, event.details.get("candidate", event.actor_id)
    Action = VoucherEvent.Action
    if event.action == Action.REGISTRATION_WITHDRAWN:
        candidate = get_user_model().objects.get(pk=candidate_id)
        return partial(emails.send_registration_withdrawn, voucher, candidate)
    if voucher.is_voided() or voucher.registered_by_id != candidate_id:
        return None
    if event.action in (Action.REGISTERED, Action.CONFIRMATION_RESENT):
        return partial(emails.send_registration_confirmation, voucher)
    if event.action == Action.NUMBER_REISSUED and sealed_number:
        unsealed = numbers.unseal(sealed_number.encode(), max_age=NUMBERS_KEPT_FOR)
        if unsealed is None or numbers.digest(unsealed[0]) != voucher.number_hash:
            return None  # waited too long, or numbered again since: it would mislead
        return partial(emails.send_new_number, voucher, unsealed[0])
    if event.action == Action.NUMBER_REISSUED:
        if voucher.events.filter(action=Action.NUMBER_REISSUED, pk__gt=event.pk).exists():
            return None  # numbered again since: that change sends its own notice
        return partial(emails.send_number_changed, voucher)
    if event.action == Action.RECOVERY_LINK_SENT:
        return partial(emails.send_recovery_link, voucher)
    raise ValueError(f"No e-mail for {event.action} (event {event_id}).")


def send_pack_numbers(*, pack_id: int, sealed_numbers: str, language: str) -> str:
    """Send a new pack's numbers to the customer's contact, once, in ``language``."""

    def find():
        pack = ExamPack.objects.select_related("customer").get(pk=pack_id)
        plain = numbers.unseal(sealed_numbers.encode(), max_age=NUMBERS_KEPT_FOR)
        if plain is None:
            return None
        return partial(_in_language, language, emails.send_pack_numbers, pack, plain)

    return _once(f"pack:{pack_id}:numbers", find)


def _in_language(language: str, send, *args) -> None:
    with translation.override(language):
        send(*args)


def _once(key: str, find: Callable[[], Callable[[], None] | None]) -> str:
    """Send the e-mail ``find`` returns (None: overtaken) once for ``key``; say which."""
    try:
        return _once_in_a_transaction(key, find)
    except OperationalError:
        if connection.in_atomic_block:
            raise  # the caller's transaction is lost with the connection
        connection.close()
        return _once_in_a_transaction(key, find)


def _once_in_a_transaction(key: str, find) -> str:
    sending = False
    try:
        with transaction.atomic():
            send = find()
            if send is None:
                return OVERTAKEN
            _, first = NoticeSent.objects.get_or_create(key=key)
            if not first:
                return ALREADY_SENT
            sending = True
            send()
    except OperationalError as error:
        if sending:
            raise NoticeNotRecorded(key) from error
        raise
    return SENT
