"""The Second Shot workflows: each one transaction, keyword-only, raising Refused.

Issue a pack and hand its numbers over by e-mail, register a voucher, book a
sitting, cancel or move a booking, send its details again, record an outcome or
a whole results file, reissue a voucher number, e-mail a link to a new one,
re-send the confirmation, void a
voucher, retire an erased candidate's numbers. Each e-mail one of them causes is
queued with its change (``tasks``).
Views and admin actions call these and never re-check a rule, nor send an e-mail.
"""

from .booking import book_sitting, cancel_booking, move_booking, resend_booking_details
from .erasure import retire_numbers
from .outcomes import record_outcome
from .packs import IssuedPack, hand_over_by_email, issue_pack, void_voucher
from .registration import (
    register_voucher,
    reissue_number,
    reissue_number_on_behalf,
    resend_confirmation,
    send_recovery_link,
)
from .results import ImportReport, import_results

__all__ = [
    "ImportReport",
    "IssuedPack",
    "book_sitting",
    "cancel_booking",
    "hand_over_by_email",
    "import_results",
    "issue_pack",
    "move_booking",
    "record_outcome",
    "register_voucher",
    "reissue_number",
    "reissue_number_on_behalf",
    "resend_booking_details",
    "resend_confirmation",
    "retire_numbers",
    "send_recovery_link",
    "void_voucher",
]
