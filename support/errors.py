"""Every reason a support workflow refuses, and its message (``core/workflows.py``)."""

from django.utils.translation import gettext_lazy as _

from core.workflows import Reason as BaseReason
from core.workflows import Refused

__all__ = ["Reason", "Refused"]


class Reason(BaseReason):
    """Why a support workflow said no: the code, then the message a person reads."""

    VOUCHER_NOT_YOURS = "voucher_not_yours", _("Choose one of your own vouchers, or none.")
    REQUEST_CLOSED = (
        "request_closed",
        _("This request is closed: it takes no more replies."),
    )
    NAME_EMPTY = "name_empty", _("Enter the legal name as printed on the candidate's ID.")
    NAME_UNCHANGED = "name_unchanged", _("This is already the candidate's legal name.")
    NOT_A_CANDIDATE = (
        "not_a_candidate",
        _("Staff accounts are changed by a superuser, not through support."),
    )
