"""The one error every Second Shot workflow raises when it refuses.

A refusal carries a reason code (stable, for tests and logs) and a message
written for the candidate or staff member who will read it next to the form.
The message is translated when it is read, into the language active then:
a refusal raised in one request and shown in another speaks the reader's.
"""

from datetime import date, datetime

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # registering a number
    "number_malformed": "%(reason)s",
    "number_unknown": _("We don't recognise this voucher number. Please check it and try again."),
    "voucher_voided": _("This voucher has been cancelled by its issuer and can no longer be used."),
    "voucher_expired": _("This voucher expired on %(expires_on)s."),
    "voucher_used": _("This voucher has already been used."),
    "already_registered": _("This voucher is already on your account."),
    "registered_elsewhere": _("This voucher is registered to another account."),
    "pack_tied_elsewhere": _(
        "This voucher belongs to an exam pack that is in use by another person. "
        "Vouchers in a pack can only be used by one person."
    ),
    # booking
    "voucher_not_yours": _("This voucher is not registered to your account."),
    "exam_not_eligible": _(
        "Exam %(exam)s is not covered by the Second Shot offer, which covers IT professional "
        "and developer exams (numbers starting 070-) and academic exams (072-)."
    ),
    "exam_not_offered": _("Exam %(exam)s is no longer offered."),
    "retake_same_exam": _(
        "Your free retake is for exam %(exam)s, the exam you took with this voucher. "
        "It cannot be used for another exam."
    ),
    "voucher_booked": _("This voucher is already booked for a sitting."),
    "awaiting_outcome": _(
        "You have taken the exam booked with this voucher; its result is not in yet. "
        "You can book a retake once a result that is not a pass is recorded."
    ),
    "voucher_passed": _("You passed exam %(exam)s with this voucher, so it has no retake left."),
    "no_retake_plain_pack": _(
        "This voucher's pack does not include Second Shot, so it has no free retake."
    ),
    "retake_used": _("This voucher's free retake has been used."),
    "one_at_a_time": _(
        "You already have exam %(exam)s booked on %(when)s. You can book another exam "
        "once you have taken it, or after cancelling it."
    ),
    "sitting_past": _("This sitting has already started. Please choose a later one."),
    "sitting_full": _("This sitting is full. Please choose another one."),
    "sitting_after_expiry": _(
        "This sitting is on %(sitting_date)s, after your voucher expires on %(expires_on)s. "
        "Please choose a sitting on or before %(expires_on)s."
    ),
    # changing a booking
    "not_scheduled": _("This booking is not scheduled any more, so it cannot be changed."),
    "change_cutoff_passed": _(
        "Bookings can be cancelled or moved until %(cutoff_hours)s hours before the sitting. "
        "This sitting starts too soon; if you do not attend it is recorded as a no-show."
    ),
    "same_sitting": _("This booking is already for that sitting."),
    # outcomes
    "sitting_not_started": _("The outcome can be recorded once the sitting has started."),
    "unknown_outcome": _("“%(outcome)s” is not an outcome: use passed, failed or no_show."),
    "booking_cancelled": _("This booking was cancelled, so it has no outcome."),
    "outcome_recorded": _("An outcome (%(outcome)s) is already recorded for this booking."),
    # issuing, reissuing, voiding
    "second_shot_combined": _(
        "Second Shot cannot be combined with any other offer or discount. Remove the "
        "discount and the promotion, or issue a plain pack without free retakes."
    ),
    "bad_exam_count": _("A pack holds from 1 to %(most)s exams."),
    "negative_price": _("The list price cannot be negative."),
    "expiry_too_far": _("The expiry date must be on or before %(latest)s."),
    "expiry_in_past": _("The expiry date must be in the future."),
    "not_registered": _("This voucher is not registered to anyone yet."),
    "number_changed": _(
        "This voucher's number has already been changed since this link was sent. "
        "Use the link in the newest e-mail."
    ),
    "already_voided": _("This voucher is already cancelled."),
    # the database caught what the locks should have: a retry will see the new state
    "conflict": _("Someone else changed this at the same moment. Please try again."),
}


def _readable(value):
    """A parameter as the reader reads it: dates in their language's words, lazy text translated.

    A datetime is a sitting's start, already in its centre's zone, which is named.
    A number is grouped as the language groups thousands: 10,000, 10.000, 10 000.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    if isinstance(value, datetime):
        return f"{date_format(value, 'SITTING_IN_TEXT_FORMAT')} {value.tzname()}"
    if isinstance(value, date):
        return date_format(value, "DAY_FORMAT")
    return str(value)


class Refused(Exception):
    """A workflow refused to act; ``code`` names the rule, ``message`` explains it."""

    def __init__(self, code: str, **params):
        if code not in MESSAGES:
            raise KeyError(code)
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        """The explanation, in the language active as it is read."""
        return str(MESSAGES[self.code]) % {k: _readable(v) for k, v in self.params.items()}

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"Refused({self.code!r})"
