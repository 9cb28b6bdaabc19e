"""Booking, cancelling and moving sittings, and sending a booking's details again
(SS-1 … SS-5, SS-8, SS-10, SS-11, SS-13)."""

import uuid
from datetime import datetime
from typing import NoReturn

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from exams import seats
from exams.models import Exam, Sitting

from .. import audit, locking, queries, tasks
from ..errors import Reason, Refused
from ..models import Booking, Voucher, VoucherEvent


def book_sitting(
    *,
    candidate,
    voucher: Voucher,
    sitting: Sitting,
    exam: Exam | None = None,
    no_change_accepted: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Book the candidate a seat at the sitting, paid by the voucher.

    A first attempt is of the ``exam`` chosen; a retake is of its first attempt's
    exam, which the workflow finds (``exam`` may be left out). A sitting inside the
    change cut-off is booked only when ``no_change_accepted``: such a booking can
    never be cancelled or moved (SS-10). The first booking with any voucher of a
    pack ties the whole pack to the candidate (SS-5). Refused, with the reason,
    when any rule says no. Only the ids of ``voucher``, ``sitting`` and ``exam`` are
    read: their rows are read as they are locked (Voucher.DoesNotExist or
    Sitting.DoesNotExist when there is none).
    """
    now = now or timezone.now()
    with locking.workflow():
        voucher = _lock_candidate_and_voucher(candidate, voucher.pk)
        pack = voucher.pack
        sitting = locking.for_update(
            Sitting.objects.filter(pk=sitting.pk).select_related("centre")
        ).get()

        # Read once under the locks: the rules below ask the voucher's bookings several
        # times, and SS-4 the candidate's not yet stored as taken (one at most).
        unmarked = _read_bookings(voucher, candidate)
        chosen = None if exam is None else Exam.objects.filter(pk=exam.pk).first()
        if exam is not None and chosen is None:
            raise Refused(Reason.EXAM_NOT_CHOSEN)
        exam = voucher.exam_to_book(chosen)
        attempt = voucher.attempt_to_book(candidate=candidate, exam=exam, sitting=sitting, now=now)
        Booking.check_no_change_accepted(sitting, at=now, accepted=no_change_accepted)
        Booking.check_one_at_a_time(unmarked, at=now)
        # Before the insert: the constraint on the stored status would see a booking
        # whose sitting has started as still holding the candidate's place.
        Booking.mark_started_taken(unmarked, at=now)

        tied_now = pack.candidate_id is None
        if tied_now:
            pack.candidate, pack.tied_at = candidate, now
            pack.save(update_fields=["candidate", "tied_at"])
            vouchers = list(pack.vouchers.only("pk", "registered_by_id", "voided_at"))
            # One statement for the whole pack: a pack may hold thousands of vouchers.
            audit.record_many(
                vouchers, VoucherEvent.Action.TIED, actor=candidate, at=now, candidate=candidate.pk
            )
        booking = Booking.objects.create(
            voucher=voucher,
            candidate=candidate,
            sitting=sitting,
            exam=exam,
            attempt=attempt,
            booked_at=now,
        )
        seats.take_seat(sitting.pk)
        audit.record(
            voucher,
            VoucherEvent.Action.BOOKED,
            actor=candidate,
            at=now,
            booking=booking.pk,
            attempt=attempt,
            exam=exam.number,
            sitting=sitting.pk,
        )
        tasks.enqueue_booking_notice(booking.pk, "booked")
        if tied_now:
            _return_to_the_owner(vouchers, owner=candidate, booking=booking, now=now)
    return booking


def _lock_candidate_and_voucher(candidate, voucher_id: int) -> Voucher:
    """Lock the candidate's row, then the voucher's pack, then the voucher, in one
    statement; return the voucher with its pack (and its candidate) read as locked.

    The candidate's row serialises their bookings: SS-4 is about all of them. It
    also serialises them with the erasure of the account (privacy), which locks it
    first: an account erased meanwhile books nothing. Only the candidate's own
    voucher: another person's rows are never locked, however many ids a candidate
    posts. Refuses a closed account first, then a voucher that is not theirs
    (Voucher.DoesNotExist when there is none).
    """
    mine = Voucher.objects.filter(pk=voucher_id, registered_by=candidate.pk)
    try:
        voucher = locking.for_update(
            mine.select_related("registered_by", "pack"), first=("registered_by", "pack")
        ).get()
    except Voucher.DoesNotExist:
        _refuse_voucher(candidate, voucher_id)
    if not voucher.registered_by.is_active:
        raise Refused(Reason.ACCOUNT_CLOSED)
    return voucher


def _refuse_voucher(candidate, voucher_id: int) -> NoReturn:
    """Say why the candidate holds no such voucher, with nothing locked but their row:
    a closed account, another person's voucher, or none (Voucher.DoesNotExist)."""
    is_active = (
        locking.for_update(get_user_model().objects.filter(pk=candidate.pk))
        .values_list("is_active", flat=True)
        .get()
    )
    if not is_active:
        raise Refused(Reason.ACCOUNT_CLOSED) from None
    if Voucher.objects.filter(pk=voucher_id).exists():
        raise Refused(Reason.VOUCHER_NOT_YOURS) from None
    raise Voucher.DoesNotExist(f"No voucher {voucher_id}.") from None


def _read_bookings(voucher: Voucher, candidate) -> list[Booking]:
    """Read, in one query, the voucher's bookings not cancelled, which its policy asks
    (``Voucher.live_bookings``), and the candidate's not yet stored as taken
    (``unmarked``), which SS-4's check and the marking step read; return those.

    With their exam and sitting, which the rules read; a sitting's centre only for
    the refusal that names the booking still to come, so it is left to that refusal.
    The statement is written by hand (``queries.bookings_to_check``).
    """
    bookings = queries.bookings_to_check(voucher_id=voucher.pk, candidate_id=candidate.pk)
    voucher.known_live_bookings = [
        b for b in bookings if b.voucher_id == voucher.pk and b.status != Booking.Status.CANCELLED
    ]
    return [b for b in bookings if b.candidate_id == candidate.pk and b.is_unmarked()]


def _return_to_the_owner(vouchers: list[Voucher], *, owner, booking: Booking, now) -> None:
    """SS-5: the vouchers of a pack just tied that someone else registered come back to
    the pack's owner.

    None of them was ever booked: a booking would have tied the pack to its
    registrant. Each registration is withdrawn and the voucher registered to the
    owner; both people are told by e-mail, and the audit trail records both, the
    system acting on its own. Voided vouchers are left as they are.
    """
    others = [
        v for v in vouchers if v.registered_by_id not in (None, owner.pk) and v.voided_at is None
    ]
    if not others:
        return
    Voucher.objects.filter(pk__in=[v.pk for v in others]).update(
        registered_by=owner, registered_at=now
    )
    withdrawn = audit.record_each(
        (
            (v, {"candidate": v.registered_by_id, "owner": owner.pk, "booking": booking.pk})
            for v in others
        ),
        VoucherEvent.Action.REGISTRATION_WITHDRAWN,
        at=now,
    )
    registered = audit.record_each(
        ((v, {"candidate": owner.pk, "returned_from": v.registered_by_id}) for v in others),
        VoucherEvent.Action.REGISTERED,
        at=now,
    )
    for event in withdrawn + registered:
        tasks.enqueue_event_email(event)


def resend_booking_details(*, candidate, booking: Booking, now: datetime | None = None) -> None:
    """Send the e-mail and calendar file of a booking still to come again (say, the first
    was lost).

    Refused for a booking cancelled or whose sitting has started (SS-13: no "booked"
    message for a sitting that has started); Booking.DoesNotExist for another
    person's. Only the id of ``booking`` is read.
    """
    now = now or timezone.now()
    with locking.workflow():
        booking = Booking.objects.select_related("sitting").get(
            pk=booking.pk, candidate=candidate.pk
        )
        booking.check_can_resend(at=now)
        # A copy of its own: the first "booked" e-mail's record must not stop it.
        tasks.enqueue_booking_notice(booking.pk, "booked", copy=uuid.uuid4().hex)


def _lock_booking_to_cancel(candidate, booking: Booking) -> Booking:
    """Lock the booking's voucher, its sitting, then the booking, in one statement.

    Only the id of ``booking`` is read (Booking.DoesNotExist when there is none).
    Returns the locked booking with its voucher, sitting and exam; refuses a booking
    that is not the candidate's.
    """
    # Only the candidate's own booking: another person's rows are never locked.
    of_booking = Booking.objects.filter(pk=booking.pk, candidate=candidate.pk)
    try:
        return locking.for_update(
            of_booking.select_related("voucher", "sitting", "exam"), first=("voucher", "sitting")
        ).get()
    except Booking.DoesNotExist:
        _refuse_missing(booking)


def _lock_booking_to_move(candidate, booking: Booking, *, to_sitting: Sitting):
    """Lock the booking's voucher, its sitting and the one it moves to (by id), then the
    booking.

    Only the ids of ``booking`` and ``to_sitting`` are read: each row is read as
    it is locked (Booking.DoesNotExist or Sitting.DoesNotExist when there is none).
    Returns the locked booking, with its voucher, pack, sitting and exam, and the
    locked sittings by id; refuses a booking that is not the candidate's.
    """
    # Only the candidate's own booking: another person's rows are never locked.
    of_booking = Booking.objects.filter(pk=booking.pk, candidate=candidate.pk)
    try:
        voucher = locking.for_update(
            Voucher.objects.filter(pk__in=of_booking.values("voucher_id")).select_related("pack")
        ).get()
    except Voucher.DoesNotExist:
        _refuse_missing(booking)
    wanted = Q(pk__in=of_booking.values("sitting_id")) | Q(pk=to_sitting.pk)
    sittings = {
        s.pk: s
        for s in locking.for_update(
            Sitting.objects.filter(wanted).select_related("centre").order_by("pk")
        )
    }
    if to_sitting.pk not in sittings:
        raise Sitting.DoesNotExist(f"No sitting {to_sitting.pk}.")
    booking = locking.for_update(of_booking.select_related("exam")).get()
    booking.sitting, booking.voucher = sittings[booking.sitting_id], voucher
    return booking, sittings


def _refuse_missing(booking: Booking) -> NoReturn:
    """Refuse a booking the candidate asked for and does not hold: another person's is
    refused as not theirs, one that does not exist is Booking.DoesNotExist."""
    if Booking.objects.filter(pk=booking.pk).exists():
        raise Refused(Reason.VOUCHER_NOT_YOURS) from None
    raise Booking.DoesNotExist(f"No booking {booking.pk}.") from None


def cancel_booking(*, candidate, booking: Booking, now: datetime | None = None) -> Booking:
    """Cancel the booking before the cut-off; the voucher covers again what it did (SS-10).

    A pack tied to the candidate stays tied. Only the id of ``booking`` is read
    (``_lock_booking_to_cancel``).
    """
    now = now or timezone.now()
    with locking.workflow():
        booking = _lock_booking_to_cancel(candidate, booking)
        booking.check_can_change(at=now)
        booking.status, booking.cancelled_at = Booking.Status.CANCELLED, now
        booking.save(update_fields=["status", "cancelled_at"])
        seats.free_seat(booking.sitting_id)
        audit.record(
            booking.voucher,
            VoucherEvent.Action.CANCELLED,
            actor=candidate,
            at=now,
            booking=booking.pk,
            sitting=booking.sitting_id,
        )
        tasks.enqueue_booking_notice(booking.pk, "cancelled")
    return booking


def move_booking(
    *,
    candidate,
    booking: Booking,
    sitting: Sitting,
    no_change_accepted: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Move the booking to another sitting of the same exam before the cut-off (SS-10).

    To a sitting inside the cut-off only when ``no_change_accepted``, as booking.

    Returns the new booking; the old one is cancelled and points to it. Only the
    ids of ``booking`` and ``sitting`` are read (``_lock_booking_to_move``).
    """
    now = now or timezone.now()
    with locking.workflow():
        booking, sittings = _lock_booking_to_move(candidate, booking, to_sitting=sitting)
        old_sitting, new_sitting = booking.sitting, sittings[sitting.pk]
        booking.check_can_change(at=now)
        if new_sitting.pk == old_sitting.pk:
            raise Refused(Reason.SAME_SITTING)
        voucher = booking.voucher
        voucher.check_sitting(new_sitting, now=now)
        Booking.check_no_change_accepted(new_sitting, at=now, accepted=no_change_accepted)

        booking.status, booking.cancelled_at = Booking.Status.CANCELLED, now
        booking.save(update_fields=["status", "cancelled_at"])
        moved = Booking.objects.create(
            voucher=voucher,
            candidate=candidate,
            sitting=new_sitting,
            exam_id=booking.exam_id,
            attempt=booking.attempt,
            booked_at=now,
        )
        booking.replaced_by = moved
        booking.save(update_fields=["replaced_by"])
        seats.free_seat(old_sitting.pk)
        seats.take_seat(new_sitting.pk)
        audit.record(
            voucher,
            VoucherEvent.Action.MOVED,
            actor=candidate,
            at=now,
            booking=moved.pk,
            from_booking=booking.pk,
            from_sitting=old_sitting.pk,
            to_sitting=new_sitting.pk,
        )
        tasks.enqueue_booking_notice(moved.pk, "moved")
    return moved
