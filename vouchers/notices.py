"""The booking notices: the e-mail telling a candidate a booking was made, moved or
cancelled, with the booking as an .ics calendar file, in the candidate's language.

A workflow queues the notice with its change (``tasks.enqueue_booking_notice``); the
task sends it with ``send_unless_overtaken``, perhaps long after. The booking page's
"send it again" sends one at once with ``send``. This module knows neither the
workflows nor the tasks: both come to it.
"""

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.i18n import interpolate_lazy
from core.mail import absolute_url, send_templated

from . import calendar
from .models import Booking, change_cutoff_hours

# What send_unless_overtaken did, for the task's result.
SENT = "sent"
OVERTAKEN = "overtaken"

_BOOKING_SUBJECTS = {
    "booked": _("Booked: exam %(exam)s on %(when)s"),
    "moved": _("Moved: exam %(exam)s is now on %(when)s"),
    "cancelled": _("Cancelled: exam %(exam)s on %(when)s"),
}


def send(booking, what: str) -> None:
    """E-mail the candidate that the booking was ``booked``, ``moved`` (to it) or
    ``cancelled``, with the booking as a calendar file."""
    local = booking.sitting.local_start()
    subject = interpolate_lazy(
        _BOOKING_SUBJECTS[what],
        exam=booking.exam.number,
        when=lambda: f"{date_format(local, 'SITTING_IN_TEXT_FORMAT')} {local.tzname()}",
    )
    with translation.override(booking.candidate.language):
        ics = calendar.booking_ics(booking, cancelled=what == "cancelled")
    send_templated(
        to=booking.candidate.email,
        language=booking.candidate.language,
        subject=subject,
        template="vouchers/email/booking_notice",
        context={
            "what": what,
            "booking": booking,
            "local_start": local,
            "centre": booking.sitting.centre,
            "pack": booking.voucher.pack,
            "booking_url": absolute_url(reverse("portal:booking", kwargs={"pk": booking.pk})),
            "dashboard_url": absolute_url(reverse("portal:dashboard")),
            "change_cutoff_hours": change_cutoff_hours(),
        },
        attachments=[(f"exam-{booking.exam.number}.ics", ics, "text/calendar")],
    )


def send_unless_overtaken(*, booking_id: int, what: str) -> str:
    """Send the booking's notice unless later events have made it pointless; say which.

    Run by a task, perhaps long after the change and after later ones: a booking
    cancelled since (by the candidate, or by moving it again) gets no "booked" or
    "moved" notice, as the later change's own notice tells where they stand, and
    calendars never add an event after its cancellation; nor does one whose
    sitting has started by then (a queue that waited that long has nothing useful
    to say about it). A cancellation is final, so its notice always goes.
    """
    booking = Booking.objects.select_related(
        "candidate", "exam", "sitting__centre", "voucher__pack"
    ).get(pk=booking_id)
    if what != "cancelled" and not booking.is_pending(at=timezone.now()):
        return OVERTAKEN
    send(booking, what)
    return SENT
