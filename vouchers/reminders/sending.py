"""Sending one reminder e-mail exactly once: claim it, send after commit, record how it went.

For each reminder (a voucher, an occasion and, for a sitting, the booking):

1. **Claim.** In one transaction, check the reminder is still due (the voucher
   may have been used or voided, the candidate may have turned reminders off
   since the job listed it) and insert its ``ReminderSent`` row as "claimed".
   The unique constraints let one insert succeed: a second run or worker gets
   IntegrityError and sends nothing. On PostgreSQL the second insert waits for
   the first transaction and fails once that commits; on SQLite transactions
   are serialised (``BEGIN IMMEDIATE``).
2. **Send after commit**, in the candidate's language, only once the claim is
   committed (``transaction.on_commit``): a claim rolled back sends nothing.
3. **Record** the row as "sent", or "failed" with the error. A later run takes a
   failed row over with an UPDATE that only one run can win (failed → claimed)
   and tries again, up to ``MAX_REMINDER_ATTEMPTS``. A claim still "being sent"
   after ``STALE_REMINDER_CLAIM`` belongs to a worker that died mid-send and is
   taken over the same way. That is the one way a candidate could get a
   reminder twice (the worker died after the mail server took the message but
   before the row was marked sent): we prefer that to losing the reminder.
"""

import logging
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from ..models import Booking, ReminderSent, Voucher
from .due import Reminder, is_due
from .emails import send_reminder_email

logger = logging.getLogger(__name__)

# What send_once did, for the task's result and the job's report.
CLAIMED = "claimed"
NOT_DUE = "not_due"
ALREADY_CLAIMED = "already_claimed"


def _load(reminder: Reminder) -> tuple[Voucher | None, Booking | None]:
    bookings = Booking.objects.select_related("sitting__centre", "exam", "candidate")
    bookings = bookings.order_by("pk")
    voucher = (
        Voucher.objects.select_related("pack", "registered_by")
        .prefetch_related(Prefetch("bookings", queryset=bookings))
        .filter(pk=reminder.voucher_id)
        .first()
    )
    booking = None
    if voucher is not None and reminder.booking_id is not None:
        booking = next((b for b in voucher.bookings.all() if b.pk == reminder.booking_id), None)
        if booking is not None:
            booking.voucher = voucher
    return voucher, booking


def claim(reminder: Reminder, *, voucher: Voucher, booking: Booking | None) -> ReminderSent | None:
    """Claim the reminder for this run, or return None if another run holds or sent it.

    Must run inside a transaction; the e-mail may be sent once it commits.
    """
    candidate = booking.candidate if booking else voucher.registered_by
    try:
        with transaction.atomic():  # a savepoint: the insert may fail, the transaction goes on
            claimed = ReminderSent.objects.create(
                voucher=voucher,
                booking=booking,
                occasion=reminder.occasion,
                candidate=candidate,
                status=ReminderSent.Status.CLAIMED,
                claimed_at=timezone.now(),
            )
    except IntegrityError:
        # Someone claimed it before: take it over only if their send failed or died.
        record = ReminderSent.objects.filter(
            voucher=voucher, booking=booking, occasion=reminder.occasion
        )
        taken_over = record.open_to_retry().update(
            status=ReminderSent.Status.CLAIMED,
            claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
        if not taken_over:
            return None
        claimed = record.get()
    claimed.voucher, claimed.booking, claimed.candidate = voucher, booking, candidate
    return claimed


def deliver(claimed: ReminderSent, *, now: datetime) -> bool:
    """Send the claimed reminder and record how it went; return True if it was sent."""
    try:
        send_reminder_email(claimed, now=now)
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
        logger.exception("Reminder %s (%s) could not be sent", claimed.pk, claimed.occasion)
        ReminderSent.objects.filter(pk=claimed.pk, status=ReminderSent.Status.CLAIMED).update(
            status=ReminderSent.Status.FAILED, last_error=f"{type(error).__name__}: {error}"[:300]
        )
        return False
    ReminderSent.objects.filter(pk=claimed.pk).update(
        status=ReminderSent.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def send_once(
    *, voucher_id: int, occasion: str, booking_id: int | None = None, now: datetime | None = None
) -> str:
    """Send the reminder if it is due and no other run has sent it; return what was done.

    ``now`` is the moment the reminder is judged at ("is it due?"); the claim's
    own times are the real clock's.
    """
    now = now or timezone.now()
    reminder = Reminder(voucher_id, occasion, booking_id)
    with transaction.atomic():
        voucher, booking = _load(reminder)
        if voucher is None or not is_due(reminder, voucher=voucher, booking=booking, now=now):
            return NOT_DUE
        claimed = claim(reminder, voucher=voucher, booking=booking)
        if claimed is None:
            return ALREADY_CLAIMED
        transaction.on_commit(partial(deliver, claimed, now=now), robust=True)
    return CLAIMED
