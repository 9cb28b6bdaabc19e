"""Recording what happened at a sitting: passed, failed or no-show (SS-1, SS-10).

``record_outcome`` records one. A results file records many
(``services/results.py``) with the same three pieces — ``lock_for_outcomes``,
``apply_outcome``, ``save_outcomes`` — so the same locks are taken in the same
order and the same rule decides (``Booking.check_can_record``), in at most six
statements for a chunk of bookings rather than six for each.
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from .. import audit, locking, tasks
from ..errors import Reason, Refused
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
    with locking.workflow():
        locked = lock_for_outcomes([booking.pk]).get(booking.pk)
        if locked is None:
            raise Booking.DoesNotExist(f"No booking {booking.pk}.")
        if apply_outcome(locked, outcome, recorded_by=recorded_by, now=now):
            save_outcomes([locked], recorded_by=recorded_by, now=now)
    return locked


def lock_for_outcomes(booking_ids: Iterable[int]) -> dict[int, Booking]:
    """Lock the bookings' vouchers, then the bookings (the order in ``locking``), by id.

    Two queries for any number of bookings; each booking comes with its sitting,
    candidate and exam, which a results file is checked against.
    """
    ids = sorted(set(booking_ids))
    voucher_ids = Booking.objects.filter(pk__in=ids).values("voucher_id")
    list(locking.for_update(Voucher.objects.filter(pk__in=voucher_ids).order_by("pk")).values("pk"))
    bookings = locking.for_update(
        Booking.objects.filter(pk__in=ids)
        .select_related("sitting", "candidate", "exam")
        .order_by("pk")
    )
    return {booking.pk: booking for booking in bookings}


def apply_outcome(booking: Booking, outcome: str, *, recorded_by, now: datetime) -> bool:
    """Set the outcome on a locked booking, in memory; return False if it was already so.

    Raises Refused when the rule says no. ``save_outcomes`` writes what changed.
    """
    if outcome not in Booking.Outcome.values:
        raise Refused(Reason.UNKNOWN_OUTCOME, outcome=outcome)
    outcome = Booking.Outcome(outcome)
    booking.check_can_record(outcome, at=now)
    if booking.has_outcome(outcome):
        return False
    booking.status = Booking.Status.TAKEN
    booking.outcome = outcome
    booking.outcome_recorded_at, booking.outcome_recorded_by = now, recorded_by
    return True


def save_outcomes(bookings: list[Booking], *, recorded_by, now: datetime) -> None:
    """Write outcomes set by ``apply_outcome`` at ``now`` by ``recorded_by``, and their audit
    events (SS-12), in bulk."""
    if not bookings:
        return
    # One UPDATE per outcome: everything else written is the same for all of them
    # (bulk_update's CASE per row was most of a large import's time).
    by_outcome = {}
    for booking in bookings:
        by_outcome.setdefault(booking.outcome, []).append(booking.pk)
    for outcome, ids in by_outcome.items():
        Booking.objects.filter(pk__in=ids).update(
            status=Booking.Status.TAKEN,
            outcome=outcome,
            outcome_recorded_at=now,
            outcome_recorded_by=recorded_by,
        )
    audit.record_each(
        (
            (
                booking.voucher_id,
                {
                    "booking": booking.pk,
                    "outcome": booking.outcome.value,
                    "attempt": booking.attempt,
                },
            )
            for booking in bookings
        ),
        VoucherEvent.Action.OUTCOME,
        actor=recorded_by,
        at=now,
    )
    for booking in bookings:
        if booking.outcome in Booking.NOT_PASSED and booking.attempt == Booking.Attempt.FIRST:
            # The task itself checks the voucher has a retake (a Second Shot pack).
            tasks.enqueue_retake_reminder(booking.voucher_id, now=now)
