"""The one error every Second Shot workflow raises when it refuses.

A refusal carries a reason code (stable, for tests and logs) and a message
written for the candidate or staff member who will read it next to the form.
"""

from django.utils.dateformat import format as format_date

MESSAGES = {
    # registering a number
    "number_malformed": "{reason}",
    "number_unknown": "We don't recognise this voucher number. Please check it and try again.",
    "voucher_voided": "This voucher has been cancelled by its issuer and can no longer be used.",
    "voucher_expired": "This voucher expired on {expires_on}.",
    "voucher_used": "This voucher has already been used.",
    "already_registered": "This voucher is already on your account.",
    "registered_elsewhere": "This voucher is registered to another account.",
    "pack_tied_elsewhere": (
        "This voucher belongs to an exam pack that is in use by another person. "
        "Vouchers in a pack can only be used by one person."
    ),
    # booking
    "voucher_not_yours": "This voucher is not registered to your account.",
    "exam_not_eligible": (
        "Exam {exam} is not covered by the Second Shot offer, which covers IT professional "
        "and developer exams (numbers starting 070-) and academic exams (072-)."
    ),
    "exam_not_offered": "Exam {exam} is no longer offered.",
    "retake_same_exam": (
        "Your free retake is for exam {exam}, the exam you took with this voucher. "
        "It cannot be used for another exam."
    ),
    "voucher_booked": "This voucher is already booked for a sitting.",
    "awaiting_outcome": (
        "You have taken the exam booked with this voucher; its result is not in yet. "
        "You can book a retake once a result that is not a pass is recorded."
    ),
    "voucher_passed": "You passed exam {exam} with this voucher, so it has no retake left.",
    "no_retake_plain_pack": (
        "This voucher's pack does not include Second Shot, so it has no free retake."
    ),
    "retake_used": "This voucher's free retake has been used.",
    "one_at_a_time": (
        "You already have exam {exam} booked on {when}. You can book another exam "
        "once you have taken it, or after cancelling it."
    ),
    "sitting_past": "This sitting has already started. Please choose a later one.",
    "sitting_full": "This sitting is full. Please choose another one.",
    "sitting_after_expiry": (
        "This sitting is on {sitting_date}, after your voucher expires on {expires_on}. "
        "Please choose a sitting on or before {expires_on}."
    ),
    # changing a booking
    "not_scheduled": "This booking is not scheduled any more, so it cannot be changed.",
    "change_cutoff_passed": (
        "Bookings can be cancelled or moved until {cutoff_hours} hours before the sitting. "
        "This sitting starts too soon; if you do not attend it is recorded as a no-show."
    ),
    "same_sitting": "This booking is already for that sitting.",
    # outcomes
    "sitting_not_started": "The outcome can be recorded once the sitting has started.",
    "unknown_outcome": "“{outcome}” is not an outcome: use passed, failed or no_show.",
    "booking_cancelled": "This booking was cancelled, so it has no outcome.",
    "outcome_recorded": "An outcome ({outcome}) is already recorded for this booking.",
    # issuing, reissuing, voiding
    "second_shot_combined": (
        "Second Shot cannot be combined with any other offer or discount. Remove the "
        "discount and the promotion, or issue a plain pack without free retakes."
    ),
    "bad_exam_count": "A pack holds from 1 to {most:,} exams.",
    "negative_price": "The list price cannot be negative.",
    "expiry_too_far": "The expiry date must be on or before {latest}.",
    "expiry_in_past": "The expiry date must be in the future.",
    "not_registered": "This voucher is not registered to anyone yet.",
    "number_changed": (
        "This voucher's number has already been changed since this link was sent. "
        "Use the link in the newest e-mail."
    ),
    "already_voided": "This voucher is already cancelled.",
    # the database caught what the locks should have: a retry will see the new state
    "conflict": "Someone else changed this at the same moment. Please try again.",
}


def _readable(value):
    if hasattr(value, "strftime"):
        return format_date(value, "j F Y")
    return value


class Refused(Exception):
    """A workflow refused to act; ``code`` names the rule, ``message`` explains it."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.message = MESSAGES[code].format(**{k: _readable(v) for k, v in params.items()})
        super().__init__(self.message)

    def __repr__(self):
        return f"Refused({self.code!r})"
