"""Every reason a catalogue workflow refuses, and its message (``core/workflows.py``)."""

from django.utils.translation import gettext_lazy as _

from core.workflows import Reason as BaseReason
from core.workflows import Refused

__all__ = ["Reason", "Refused"]


class Reason(BaseReason):
    """Why a change to the catalogue was refused: the code, then the message staff read."""

    # a sitting
    SITTING_EXISTS = "sitting_exists", _("This centre already has a sitting starting then.")
    SEATS_BELOW_TAKEN = (
        "seats_below_taken",
        _("Seats already taken at this sitting: %(taken)s. It needs at least that many."),
    )
    BOOKED_SITTING_STAYS = (
        "booked_sitting_stays",
        _(
            "Candidates are booked on this sitting (seats taken: %(taken)s), so its centre "
            "and start time cannot change. Create a new sitting instead."
        ),
    )
    # a test centre, an exam (SS-13)
    BOOKED_CENTRE_KEEPS_ZONE = (
        "booked_centre_keeps_zone",
        _(
            "Candidates are booked on sittings of this centre that have not started yet "
            "(%(sittings)s), so its time zone cannot change: their sittings would move. "
            "Change it once those sittings have started, or create a new centre."
        ),
    )
    BOOKED_EXAM_KEEPS_NUMBER = (
        "booked_exam_keeps_number",
        _(
            "Candidates are booked on exam %(exam)s for sittings that have not started yet "
            "(%(bookings)s), so its number cannot change."
        ),
    )
    BOOKED_EXAM_STAYS_OFFERED = (
        "booked_exam_stays_offered",
        _(
            "Candidates are booked on exam %(exam)s for sittings that have not started yet "
            "(%(bookings)s), so it cannot be withdrawn from the offer until they have sat it."
        ),
    )
