"""Recording what happened at a sitting: passed, failed or no-show (SS-1, SS-10)."""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from .. import audit, locking, tasks
from ..errors import Refused
from ..models import Booking, Voucher, VoucherEvent


def record_outcome(
    *, booking: Booking, outcome: str, recorded_by, now: datetime | None = None
) -> Booking:
    """Record the outcome of a booking whose sitting has started.

    Recording the same outcome again changes nothing (so a results file can be
    imported twice); a different outcome over a recorded one is refused.
    A failed or no-show first attempt on a Second Shot voucher opens its free
    retake (SS-1); once that is committed, the reminder that says so is enqueued.
    """
    now = now or timezone.now()
    if outcome not in Booking.Outcome.values:
        raise Refused("unknown_outcome", outcome=outcome)
    outcome = Booking.Outcome(outcome)
    with locking.workflow():
        voucher = locking.for_update(Voucher.objects.filter(pk=booking.voucher_id)).get()
        booking = (
            locking.for_update(Booking.objects.filter(pk=booking.pk))
            .select_related("sitting")
            .get()
        )
        booking.voucher = voucher
        if booking.status == Booking.Status.CANCELLED:
            raise Refused("booking_cancelled")
        if not booking.sitting.has_started(at=now):
            raise Refused("sitting_not_started")
        if booking.outcome == outcome:
            return booking
        if booking.outcome is not None:
            # The label itself, lazy: the message is read in the reader's language.
            raise Refused("outcome_recorded", outcome=Booking.Outcome(booking.outcome).label)
        booking.status = Booking.Status.TAKEN
        booking.outcome = outcome
        booking.outcome_recorded_at, booking.outcome_recorded_by = now, recorded_by
        booking.save(
            update_fields=["status", "outcome", "outcome_recorded_at", "outcome_recorded_by"]
        )
        audit.record(
            booking.voucher,
            VoucherEvent.Action.OUTCOME,
            actor=recorded_by,
            at=now,
            booking=booking.pk,
            outcome=outcome.value,
            attempt=booking.attempt,
        )
        if outcome in Booking.NOT_PASSED and booking.attempt == Booking.Attempt.FIRST:
            # The task itself checks the voucher has a retake (a Second Shot pack).
            transaction.on_commit(
                partial(tasks.enqueue_retake_reminder, voucher.pk, now=now), robust=True
            )
    return booking
