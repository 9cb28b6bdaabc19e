"""The booking notices: the e-mail telling a candidate a booking was made, moved or
cancelled, with the booking as an .ics calendar file, in the candidate's language.

A workflow queues the notice with its change (``tasks.enqueue_booking_notice``); the
task sends it with ``send_unless_overtaken``, perhaps long after. The booking page's
"send it again" sends one at once with ``send``. This module knows neither the
workflows nor the tasks: both come to it.
"""

from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.i18n import interpolate_lazy
from core.mail import absolute_url, send_templated

from . import calendar
from .models import Booking, BookingNoticeSent, change_cutoff_hours

# What send_unless_overtaken did, for the task's result.
SENT = "sent"
OVERTAKEN = "overtaken"
ALREADY_SENT = "already_sent"

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


class NoticeNotRecorded(Exception):
    """The notice went, but the database failed before its record was kept: the task
    fails (support sees it) and nothing sends it again."""


def send_unless_overtaken(*, booking_id: int, what: str) -> str:
    """Send the booking's notice once, unless later events have made it pointless; say which.

    Run by a task, perhaps long after the change and after later ones: a booking
    cancelled since (by the candidate, or by moving it again) gets no "booked" or
    "moved" notice, as the later change's own notice tells where they stand, and
    calendars never add an event after its cancellation; nor does one whose
    sitting has started by then (a queue that waited that long has nothing useful
    to say about it). A cancellation is final, so its notice always goes.

    Sent once, though the task may run twice: its record (``BookingNoticeSent``)
    is written in the transaction that sends, and commits only once the mail
    server has taken the message. A worker that dies mid-send leaves no record,
    so the task put back in the queue sends it; one that finds the record sends
    nothing. Only a worker that dies between the server's "accepted" and the
    commit (a millisecond) makes the notice go twice: we prefer that to losing it.
    A second run of the same notice waits for the first's transaction. A database
    connection cut before the e-mail went is tried once more on a new one; cut
    after it, the task fails but the e-mail is not sent again.
    """
    try:
        return _send_once(booking_id, what)
    except OperationalError:
        if connection.in_atomic_block:
            raise  # the caller's transaction is lost with the connection
        connection.close()
        return _send_once(booking_id, what)


def _send_once(booking_id: int, what: str) -> str:
    sending = False
    try:
        with transaction.atomic():
            booking = Booking.objects.select_related(
                "candidate", "exam", "sitting__centre", "voucher__pack"
            ).get(pk=booking_id)
            if what != "cancelled" and booking.state(at=timezone.now()) != Booking.State.PENDING:
                return OVERTAKEN
            _, first = BookingNoticeSent.objects.get_or_create(booking=booking, what=what)
            if not first:
                return ALREADY_SENT
            sending = True
            send(booking, what)
    except OperationalError as error:
        if sending:
            raise NoticeNotRecorded(booking_id, what) from error
        raise
    return SENT
