"""Every reason the privacy workflows refuse, and its message (``core/workflows.py``).

A part's own reasons (a booking still to come) are its app's: ``vouchers/errors.py``.
"""

from django.utils.translation import gettext_lazy as _

from core.workflows import Common, Refused
from core.workflows import Reason as BaseReason

__all__ = ["Common", "Reason", "Refused"]


class Reason(BaseReason):
    """Why erasing a person's data was refused: the code, then the message a person reads."""

    STAFF_ACCOUNT = (
        "staff_account",
        _("This is a staff account. A superuser closes staff accounts; they are not erased here."),
    )
    ALREADY_ERASED = "already_erased", _("This account has already been erased.")
