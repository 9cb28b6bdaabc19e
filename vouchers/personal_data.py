"""What the offer holds about a candidate, registered with the privacy app (``privacy.registry``).

Exported: the vouchers they registered (the last four symbols of the number only),
their bookings and results, the reminders sent to them, and the audit events of
their vouchers, with who acted said as "you", "staff", "the system" or "another
person", never by name.

Erased: the vouchers' numbers stop working (``services.retire_numbers``); a
booking still to come is cancelled through ``services.cancel_booking``, once the
person has confirmed it, and only before its cut-off (SS-10); a reminder's last
error, which may quote the address, is cleared. The vouchers, bookings, outcomes
and audit events stay as they are: the customer's usage report counts them and
the audit trail is append-only (SS-12). No audit event ever held personal data
(``tests/privacy/test_audit_details.py``).
"""

from datetime import datetime

from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from privacy import registry
from privacy.account import who

from . import services
from .clock import anywhere_on_earth_date
from .errors import Reason, Refused
from .models import Booking, ReminderSent, Voucher, VoucherEvent, change_cutoff_hours

CANCEL_SCHEDULED = "vouchers.cancel_scheduled_booking"
# The keys of an event's details that hold an account's id.
NAMES_A_PERSON = {"candidate", "owner", "returned_from"}


def _pending_bookings(person, *, at: datetime) -> list[Booking]:
    """The person's bookings still to come (SS-4: one at most)."""
    return list(
        Booking.objects.filter(candidate=person.pk)
        .in_state(Booking.State.PENDING, at=at)
        .select_related("exam", "sitting__centre")
        .order_by("pk")
    )


def _booking_refusal(booking: Booking, *, at: datetime) -> Refused:
    """Why this booking still to come stands in the way, as its workflow would say it."""
    when = booking.sitting.local_start()
    if booking.can_be_changed(at=at):
        return Refused(Reason.ERASURE_BOOKING_SCHEDULED, exam=booking.exam.number, when=when)
    return Refused(
        Reason.ERASURE_BOOKING_SOON,
        exam=booking.exam.number,
        when=when,
        cutoff_hours=change_cutoff_hours(),
    )


@registry.register
class VoucherData(registry.PersonalData):
    name = "vouchers"

    def export(self, person, *, at: datetime) -> dict:
        vouchers = (
            Voucher.objects.filter(registered_by=person.pk)
            .select_related("pack")
            .prefetch_related(Voucher.live_bookings_prefetch())
            .order_by("pk")
        )
        bookings = (
            Booking.objects.filter(candidate=person.pk)
            .select_related("exam", "sitting__centre", "voucher")
            .order_by("booked_at", "pk")
        )
        reminders = (
            ReminderSent.objects.filter(candidate=person.pk)
            .select_related("voucher")
            .order_by("claimed_at", "pk")
        )
        # The events of their vouchers, and those that name them: a voucher of theirs
        # withdrawn when another person's booking tied its pack (SS-5) is no longer theirs.
        events = (
            VoucherEvent.objects.filter(
                Q(voucher__registered_by=person.pk) | Q(details__candidate=person.pk)
            )
            .select_related("voucher", "actor")
            .order_by("at", "pk")
        )
        bookings = list(bookings)
        return {
            "vouchers": [
                {
                    "number_ends_with": voucher.number_last4,
                    "status": voucher.status(at=at).value,
                    "second_shot": voucher.pack.is_second_shot,
                    "expires_on": voucher.pack.expires_on,
                    "registered_at": voucher.registered_at,
                    "voided_at": voucher.voided_at,
                    "void_reason": voucher.void_reason,
                }
                for voucher in vouchers
            ],
            "bookings": [
                {
                    "booking": booking.pk,
                    "voucher_number_ends_with": booking.voucher.number_last4,
                    "exam": booking.exam.number,
                    "exam_title": booking.exam.title,
                    "attempt": booking.attempt,
                    "status": booking.status,
                    "sitting_starts_at": booking.sitting.starts_at,
                    "sitting_local_start": booking.sitting.local_start(),
                    "test_centre": str(booking.sitting.centre),
                    "country": booking.sitting.centre.country.code,
                    "booked_at": booking.booked_at,
                    "cancelled_at": booking.cancelled_at,
                }
                for booking in bookings
            ],
            "results": [
                {
                    "booking": booking.pk,
                    "exam": booking.exam.number,
                    "attempt": booking.attempt,
                    "outcome": booking.outcome,
                    "recorded_at": booking.outcome_recorded_at,
                }
                for booking in bookings
                if booking.outcome
            ],
            "reminders_sent": [
                {
                    "voucher_number_ends_with": reminder.voucher.number_last4,
                    "occasion": reminder.occasion,
                    "booking": reminder.booking_id,
                    "status": reminder.status,
                    "sent_at": reminder.sent_at,
                }
                for reminder in reminders
            ],
            "audit_events": [
                {
                    "at": event.at,
                    "action": event.action,
                    "voucher_number_ends_with": event.voucher.number_last4,
                    "by": who(event.actor, person),
                    # Another person's id is theirs: the pack tied to them, say.
                    "details": {
                        key: value
                        for key, value in event.details.items()
                        if not (key in NAMES_A_PERSON and value != person.pk)
                    },
                }
                for event in events
            ],
        }

    def obstacles(self, person, *, at: datetime) -> list[registry.Obstacle]:
        return [
            registry.Obstacle(
                key=CANCEL_SCHEDULED if booking.can_be_changed(at=at) else "vouchers.too_late",
                refusal=_booking_refusal(booking, at=at),
                consent=_("Cancel this booking") if booking.can_be_changed(at=at) else None,
            )
            for booking in _pending_bookings(person, at=at)
        ]

    def erase(self, person, *, actor, at: datetime, consents: frozenset[str]) -> dict[str, int]:
        pending = _pending_bookings(person, at=at)
        if pending and CANCEL_SCHEDULED not in consents:
            raise _booking_refusal(pending[0], at=at)
        # The numbers first: they lock the packs, then the vouchers, and the
        # cancellation then goes on down to the sitting and the booking.
        retired = services.retire_numbers(candidate=person, actor=actor, now=at)
        for booking in pending:
            services.cancel_booking(candidate=person, booking=booking, now=at)
        ReminderSent.objects.filter(candidate=person.pk).exclude(last_error="").update(
            last_error=""
        )
        return {"voucher_numbers_retired": len(retired), "bookings_cancelled": len(pending)}

    def keeps(self, *, since: datetime, at: datetime) -> Q:
        today = anywhere_on_earth_date(at)
        person = OuterRef("pk")
        return (
            Q(
                Exists(
                    Voucher.objects.filter(
                        registered_by=person, voided_at__isnull=True, pack__expires_on__gte=today
                    )
                )
            )
            | Q(Exists(VoucherEvent.objects.filter(voucher__registered_by=person, at__gte=since)))
            | Q(Exists(VoucherEvent.objects.filter(actor=person, at__gte=since)))
            | Q(Exists(Booking.objects.filter(candidate=person, sitting__starts_at__gte=since)))
        )

    def last_activity(self, person) -> datetime | None:
        latest = [
            VoucherEvent.objects.filter(
                Q(voucher__registered_by=person.pk) | Q(actor=person.pk)
            ).aggregate(at=Max("at"))["at"],
            Booking.objects.filter(candidate=person.pk).aggregate(at=Max("sitting__starts_at"))[
                "at"
            ],
        ]
        return max((moment for moment in latest if moment is not None), default=None)
