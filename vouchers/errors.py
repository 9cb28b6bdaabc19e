"""Every reason a voucher workflow refuses, and its message (``core/workflows.py``).

``Refused(Reason.VOUCHER_EXPIRED, expires_on=...)``: the code is stable, for tests
and logs; the message is written for the candidate or staff member who reads it
next to the form, and translated when it is read. A reason any workflow may give
(``Common.CONFLICT``, "please try again") is in ``core``.
"""

from django.utils.translation import gettext_lazy as _

from core.workflows import Common, Refused
from core.workflows import Reason as BaseReason

__all__ = ["Common", "Reason", "Refused"]


class Reason(BaseReason):
    """Why a voucher workflow said no: the code, then the message a person reads."""

    # registering a number
    EMAIL_NOT_VERIFIED = (
        "email_not_verified",
        _(
            "Please confirm your e-mail address first: the voucher's confirmation, "
            "with the link that recovers a lost number, goes to it."
        ),
    )
    NUMBER_MALFORMED = "number_malformed", "%(reason)s"
    NUMBER_UNKNOWN = (
        "number_unknown",
        _("We don't recognise this voucher number. Please check it and try again."),
    )
    VOUCHER_VOIDED = (
        "voucher_voided",
        _("This voucher has been cancelled by its issuer and can no longer be used."),
    )
    VOUCHER_EXPIRED = "voucher_expired", _("This voucher expired on %(expires_on)s.")
    VOUCHER_USED = "voucher_used", _("This voucher has already been used.")
    ALREADY_REGISTERED = "already_registered", _("This voucher is already on your account.")
    REGISTERED_ELSEWHERE = (
        "registered_elsewhere",
        _("This voucher is registered to another account."),
    )
    PACK_TIED_ELSEWHERE = (
        "pack_tied_elsewhere",
        _(
            "This voucher belongs to an exam pack that is in use by another person. "
            "Vouchers in a pack can only be used by one person."
        ),
    )
    # booking
    VOUCHER_NOT_YOURS = "voucher_not_yours", _("This voucher is not registered to your account.")
    EXAM_NOT_ELIGIBLE = (
        "exam_not_eligible",
        _(
            "Exam %(exam)s is not covered by the Second Shot offer, which covers IT professional "
            "and developer exams (numbers starting 070-) and academic exams (072-)."
        ),
    )
    EXAM_NOT_OFFERED = "exam_not_offered", _("Exam %(exam)s is no longer offered.")
    EXAM_NOT_CHOSEN = "exam_not_chosen", _("Please choose the exam to book first.")
    NO_CHANGE_NOT_ACCEPTED = (
        "no_change_not_accepted",
        _(
            "This sitting starts in less than %(cutoff_hours)s hours: once booked it cannot be "
            "cancelled or moved. Please tick the box to confirm that you accept this."
        ),
    )
    RETAKE_SAME_EXAM = (
        "retake_same_exam",
        _(
            "Your free retake is for exam %(exam)s, the exam you took with this voucher. "
            "It cannot be used for another exam."
        ),
    )
    VOUCHER_BOOKED = "voucher_booked", _("This voucher is already booked for a sitting.")
    AWAITING_OUTCOME = (
        "awaiting_outcome",
        _(
            "You have taken the exam booked with this voucher; its result is not in yet. "
            "You can book a retake once a result that is not a pass is recorded."
        ),
    )
    VOUCHER_PASSED = (
        "voucher_passed",
        _("You passed exam %(exam)s with this voucher, so it has no retake left."),
    )
    NO_RETAKE_PLAIN_PACK = (
        "no_retake_plain_pack",
        _("This voucher's pack does not include Second Shot, so it has no free retake."),
    )
    RETAKE_USED = "retake_used", _("This voucher's free retake has been used.")
    ONE_AT_A_TIME = (
        "one_at_a_time",
        _(
            "You already have exam %(exam)s booked on %(when)s. You can book another exam "
            "once you have taken it, or after cancelling it."
        ),
    )
    SITTING_PAST = "sitting_past", _("This sitting has already started. Please choose a later one.")
    SITTING_FULL = "sitting_full", _("This sitting is full. Please choose another one.")
    SITTING_AFTER_EXPIRY = (
        "sitting_after_expiry",
        _(
            "This sitting is on %(sitting_date)s, after your voucher expires on %(expires_on)s. "
            "Please choose a sitting on or before %(expires_on)s."
        ),
    )
    # sending a booking's details again
    RESEND_CANCELLED = (
        "resend_cancelled",
        _("This booking is no longer scheduled, so there is nothing to send."),
    )
    RESEND_TAKEN = (
        "resend_taken",
        _(
            "This sitting has started, so its booking details are not sent again: "
            "the exam counts as taken."
        ),
    )
    # changing a booking
    NOT_SCHEDULED = (
        "not_scheduled",
        _("This booking is not scheduled any more, so it cannot be changed."),
    )
    CHANGE_CUTOFF_PASSED = (
        "change_cutoff_passed",
        _(
            "Bookings can be cancelled or moved until %(cutoff_hours)s hours before the sitting. "
            "This sitting starts too soon; if you do not attend it is recorded as a no-show."
        ),
    )
    SAME_SITTING = "same_sitting", _("This booking is already for that sitting.")
    # outcomes
    SITTING_NOT_STARTED = (
        "sitting_not_started",
        _("The outcome can be recorded once the sitting has started."),
    )
    UNKNOWN_OUTCOME = (
        "unknown_outcome",
        _("“%(outcome)s” is not an outcome: use passed, failed or no_show."),
    )
    BOOKING_CANCELLED = "booking_cancelled", _("This booking was cancelled, so it has no outcome.")
    OUTCOME_RECORDED = (
        "outcome_recorded",
        _("An outcome (%(outcome)s) is already recorded for this booking."),
    )
    # issuing, reissuing, voiding
    SECOND_SHOT_COMBINED = (
        "second_shot_combined",
        _(
            "Second Shot cannot be combined with any other offer or discount. Remove the "
            "discount and the promotion, or issue a plain pack without free retakes."
        ),
    )
    BAD_EXAM_COUNT = "bad_exam_count", _("A pack holds from 1 to %(most)s exams.")
    NEGATIVE_PRICE = "negative_price", _("The list price cannot be negative.")
    EXPIRY_TOO_FAR = "expiry_too_far", _("The expiry date must be on or before %(latest)s.")
    EXPIRY_IN_PAST = "expiry_in_past", _("The expiry date must be in the future.")
    NOT_REGISTERED = "not_registered", _("This voucher is not registered to anyone yet.")
    NUMBER_CHANGED = (
        "number_changed",
        _(
            "This voucher's number has already been changed since this link was sent. "
            "Use the link in the newest e-mail."
        ),
    )
    ALREADY_VOIDED = "already_voided", _("This voucher is already cancelled.")
    # erasing a candidate's account (privacy)
    ACCOUNT_CLOSED = "account_closed", _("This account is closed: it can no longer book.")
    ERASURE_BOOKING_SCHEDULED = (
        "erasure_booking_scheduled",
        _(
            "Exam %(exam)s is booked for %(when)s. Erasing the account cancels this booking; "
            "please confirm that it may be cancelled."
        ),
    )
    ERASURE_BOOKING_SOON = (
        "erasure_booking_soon",
        _(
            "Exam %(exam)s is booked for %(when)s, and bookings can be cancelled only until "
            "%(cutoff_hours)s hours before the sitting. The account can be erased once the "
            "sitting has started."
        ),
    )
