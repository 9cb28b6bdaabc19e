"""The Second Shot workflows: each one transaction, keyword-only, raising Refused.

Issue a pack, register a voucher, book a sitting, cancel or move a booking,
record an outcome or a whole results file, reissue a voucher number, re-send
the confirmation, void a voucher. Views and admin actions call these and never
re-check a rule.
"""

from .booking import book_sitting, cancel_booking, move_booking
from .outcomes import record_outcome
from .packs import IssuedPack, issue_pack, void_voucher
from .registration import (
    register_voucher,
    reissue_number,
    reissue_number_on_behalf,
    resend_confirmation,
)
from .results import ImportReport, import_results

__all__ = [
    "ImportReport",
    "IssuedPack",
    "book_sitting",
    "cancel_booking",
    "import_results",
    "issue_pack",
    "move_booking",
    "record_outcome",
    "register_voucher",
    "reissue_number",
    "reissue_number_on_behalf",
    "resend_confirmation",
    "void_voucher",
]
