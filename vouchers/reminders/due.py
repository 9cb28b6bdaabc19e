"""When each reminder e-mail is due: the policy, which changes nothing.

The occasions (``ReminderSent.Occasion``), each sent at most once:

=================  ==========================================  ===========================
occasion           while                                       opens on
=================  ==========================================  ===========================
EXPIRY_30          the voucher is registered and unused:       30 days before expiry
EXPIRY_7           nothing booked with it yet                  7 days before expiry
RETAKE_OPEN        the free retake is available, not booked    the day the failed or
                                                               no-show result is recorded
RETAKE_14          (same)                                      14 days before expiry
SITTING_TOMORROW   the booking is scheduled                    the day before the sitting,
                                                               at the test centre
=================  ==========================================  ===========================

"Unused" and "retake available" are ``Voucher.status()``: a voucher that is used,
passed, voided, expired or in use by another person (SS-5) gets no voucher
reminder, and a candidate who turned reminders off gets none at all.

Decisions the rules leave open (``docs/decisions.md``):

- Days are counted as the rest of the portal counts them: a voucher's days
  left by the date "anywhere on Earth" (``clock.py``), a sitting's day by the
  date at its test centre (SS-2). The sitting reminder names the date and time,
  never "tomorrow", so it reads right whenever it arrives.
- A voucher's reminder may still go out up to ``CATCH_UP_DAYS`` days after it
  opens (a day the job did not run, a send that failed), but never once the next
  reminder of the same kind has opened or the voucher has expired; a sitting's,
  until the sitting starts.
- Nobody is reminded of what they have just done: no expiry reminder for a
  voucher registered on or after the day it opens, no sitting reminder for a
  booking made on or after the day before, and no 14-day retake reminder when
  the result came on or after that day (the after-result reminder says it all).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q

from ..clock import anywhere_on_earth_date
from ..models import Booking, ReminderSent, Voucher

Occasion = ReminderSent.Occasion

CATCH_UP_DAYS = 3
EXPIRY_DAYS = {Occasion.EXPIRY_30: 30, Occasion.EXPIRY_7: 7}
RETAKE_REMINDER_DAYS = 14
VOUCHER_OCCASIONS = (
    Occasion.EXPIRY_30,
    Occasion.EXPIRY_7,
    Occasion.RETAKE_OPEN,
    Occasion.RETAKE_14,
)


@dataclass(frozen=True)
class Reminder:
    """One reminder to send: a voucher and an occasion, and the booking for a sitting's."""

    voucher_id: int
    occasion: str
    booking_id: int | None = None

    def __post_init__(self):
        # The plain value: an Occasion member hashes by its name, a database value by itself.
        object.__setattr__(self, "occasion", str(self.occasion))


def _window(opens_on: date, *, closes_before: date | None = None) -> tuple[date, date]:
    """The days [first, last] a reminder opening on ``opens_on`` may go out."""
    last = opens_on + timedelta(days=CATCH_UP_DAYS - 1)
    if closes_before is not None:
        last = min(last, closes_before - timedelta(days=1))
    return opens_on, last


def _is_within(today: date, window: tuple[date, date]) -> bool:
    return window[0] <= today <= window[1]


def _aoe_date(moment: datetime | None) -> date | None:
    return anywhere_on_earth_date(moment) if moment else None


def _wants_reminders(candidate) -> bool:
    return candidate is not None and candidate.is_active and candidate.reminders_enabled


def is_voucher_reminder_due(voucher: Voucher, occasion: str, *, now: datetime) -> bool:
    """Return True if the voucher's reminder for the occasion is due at ``now``.

    Whether it was already sent is not asked here: the claim decides that.
    """
    if not _wants_reminders(voucher.registered_by):
        return False
    today = anywhere_on_earth_date(now)
    expires_on = voucher.pack.expires_on
    status = voucher.status(at=now)
    if occasion in EXPIRY_DAYS:
        opens_on = expires_on - timedelta(days=EXPIRY_DAYS[occasion])
        next_opens = (
            expires_on - timedelta(days=EXPIRY_DAYS[Occasion.EXPIRY_7])
            if occasion == Occasion.EXPIRY_30
            else expires_on + timedelta(days=1)
        )
        return (
            status == Voucher.Status.FIRST_ATTEMPT_AVAILABLE
            and _aoe_date(voucher.registered_at) is not None
            and _aoe_date(voucher.registered_at) < opens_on
            and _is_within(today, _window(opens_on, closes_before=next_opens))
        )
    if occasion in (Occasion.RETAKE_OPEN, Occasion.RETAKE_14):
        if status != Voucher.Status.RETAKE_AVAILABLE:
            return False
        result_on = _aoe_date(voucher.first_attempt().outcome_recorded_at)
        fourteen_days_before = expires_on - timedelta(days=RETAKE_REMINDER_DAYS)
        if result_on is None:
            return False
        if occasion == Occasion.RETAKE_OPEN:
            closes_before = (
                fourteen_days_before
                if result_on < fourteen_days_before
                else expires_on + timedelta(days=1)
            )
            return _is_within(today, _window(result_on, closes_before=closes_before))
        return result_on < fourteen_days_before and _is_within(
            today, _window(fourteen_days_before, closes_before=expires_on + timedelta(days=1))
        )
    return False


def is_sitting_reminder_due(booking: Booking, *, now: datetime) -> bool:
    """Return True if the reminder of the booking's sitting is due at ``now``."""
    sitting = booking.sitting
    if not _wants_reminders(booking.candidate) or booking.voucher.is_voided():
        return False
    if booking.state(at=now) != Booking.State.PENDING:
        return False
    day_before = sitting.local_date() - timedelta(days=1)
    booked_on = booking.booked_at.astimezone(sitting.centre.zone).date()
    today_at_centre = now.astimezone(sitting.centre.zone).date()
    return booked_on < day_before <= today_at_centre


def is_due(reminder: Reminder, *, voucher: Voucher, booking: Booking | None, now: datetime) -> bool:
    """Return True if the reminder is due at ``now``, for its voucher (and booking)."""
    if reminder.occasion == Occasion.SITTING_TOMORROW:
        return booking is not None and is_sitting_reminder_due(booking, now=now)
    return is_voucher_reminder_due(voucher, reminder.occasion, now=now)


def _candidate_vouchers(now: datetime):
    """Vouchers that may have a reminder due: expiring within 30 days, or just failed."""
    today = anywhere_on_earth_date(now)
    recent_result = now - timedelta(days=CATCH_UP_DAYS + 1)
    bookings = Booking.objects.select_related("sitting__centre", "exam").order_by("pk")
    return (
        Voucher.objects.filter(
            registered_by__reminders_enabled=True,
            registered_by__is_active=True,
            voided_at__isnull=True,
            pack__expires_on__gte=today,
        )
        .filter(
            Q(pack__expires_on__lte=today + timedelta(days=max(EXPIRY_DAYS.values())))
            | Q(
                bookings__attempt=Booking.Attempt.FIRST,
                bookings__outcome__in=Booking.NOT_PASSED,
                bookings__outcome_recorded_at__gte=recent_result,
            )
        )
        .distinct()
        .select_related("pack", "registered_by")
        .prefetch_related(Prefetch("bookings", queryset=bookings))
        .order_by("pk")
    )


def _candidate_bookings(now: datetime):
    """Bookings still to come whose sitting starts within the next few days."""
    return (
        Booking.objects.in_state(Booking.State.PENDING, at=now)
        .filter(
            sitting__starts_at__lte=now + timedelta(days=3),
            candidate__reminders_enabled=True,
            candidate__is_active=True,
        )
        .select_related("sitting__centre", "candidate", "voucher__pack", "exam")
        .order_by("sitting__starts_at", "pk")
    )


def find_due_reminders(*, now: datetime) -> list[Reminder]:
    """Return every reminder due at ``now`` that is neither sent nor being sent.

    A reminder whose send failed is listed again, to be retried (see
    ``ReminderSent.is_open_to_retry``). This list saves needless work; the
    claim, not this list, is what makes each reminder go out once.
    """
    due = []
    for voucher in _candidate_vouchers(now).iterator(chunk_size=500):
        due += [
            Reminder(voucher.pk, occasion)
            for occasion in VOUCHER_OCCASIONS
            if is_voucher_reminder_due(voucher, occasion, now=now)
        ]
    for booking in _candidate_bookings(now).iterator(chunk_size=500):
        if is_sitting_reminder_due(booking, now=now):
            due.append(Reminder(booking.voucher_id, Occasion.SITTING_TOMORROW, booking.pk))
    return _not_yet_sent(due)


def _not_yet_sent(due: list[Reminder]) -> list[Reminder]:
    records = ReminderSent.objects.filter(voucher_id__in={r.voucher_id for r in due})
    closed = {
        Reminder(record.voucher_id, record.occasion, record.booking_id)
        for record in records
        if not record.is_open_to_retry()
    }
    return [reminder for reminder in due if reminder not in closed]
