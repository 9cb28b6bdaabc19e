"""E-mails about vouchers and bookings. Workflows send them with ``transaction.on_commit``.

Each e-mail names the voucher's expiry date. The new number after a reissue on
a candidate's behalf goes only to the candidate, never to the staff member.
Booking e-mails carry the booking as an .ics calendar file.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext

from secondshot.emails import send_templated

from . import calendar, numbers
from .clock import anywhere_on_earth_date
from .models import ReminderSent, change_cutoff_hours
from .tokens import make_recovery_token


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def recovery_url(voucher) -> str:
    return _url(reverse("portal:recover_number", kwargs={"token": make_recovery_token(voucher)}))


def send_registration_confirmation(voucher) -> None:
    """Confirm a registration, with the link that recovers a lost number (SS-6)."""
    send_templated(
        to=voucher.registered_by.email,
        subject="Your Second Shot voucher is registered",
        template="vouchers/email/registration_confirmation",
        context={
            "candidate": voucher.registered_by,
            "voucher": voucher,
            "pack": voucher.pack,
            "recovery_url": recovery_url(voucher),
        },
    )


def send_new_number(voucher, number: str) -> None:
    """Send the candidate the number that support reissued on their behalf (SS-6)."""
    send_templated(
        to=voucher.registered_by.email,
        subject="Your new Second Shot voucher number",
        template="vouchers/email/new_number",
        context={
            "candidate": voucher.registered_by,
            "voucher": voucher,
            "pack": voucher.pack,
            "number": numbers.display(number),
            "recovery_url": recovery_url(voucher),
        },
    )


def send_pack_numbers(pack, plain_numbers: list[str]) -> None:
    """E-mail a new pack's numbers to the customer's contact, with expiry and how to register."""
    kind = "Second Shot exam vouchers" if pack.is_second_shot else "exam vouchers"
    send_templated(
        to=pack.customer.contact_email,
        subject=f"Your {pack.exam_count} {kind}",
        template="vouchers/email/pack_numbers",
        context={
            "pack": pack,
            "customer": pack.customer,
            "numbers": [numbers.display(number) for number in plain_numbers],
        },
    )


_BOOKING_SUBJECTS = {
    "booked": "Booked: exam {exam} on {when}",
    "moved": "Moved: exam {exam} is now on {when}",
    "cancelled": "Cancelled: exam {exam} on {when}",
}


def send_booking_notice(booking, what: str) -> None:
    """Tell the candidate a booking was made, moved or cancelled, with a calendar file."""
    local = booking.sitting.local_start()
    subject = _BOOKING_SUBJECTS[what].format(
        exam=booking.exam.number, when=f"{local:%d %B %Y at %H:%M} {local.tzname()}"
    )
    ics = calendar.booking_ics(booking, cancelled=what == "cancelled")
    send_templated(
        to=booking.candidate.email,
        subject=subject,
        template="vouchers/email/booking_notice",
        context={
            "what": what,
            "booking": booking,
            "local_start": local,
            "centre": booking.sitting.centre,
            "pack": booking.voucher.pack,
            "booking_url": _url(reverse("portal:booking", kwargs={"pk": booking.pk})),
            "dashboard_url": _url(reverse("portal:dashboard")),
            "change_cutoff_hours": change_cutoff_hours(),
        },
        attachments=[(f"exam-{booking.exam.number}.ics", ics, "text/calendar")],
    )


def _reminder_subject(claimed, *, expires_on: str, exam: str) -> str:
    Occasion = ReminderSent.Occasion
    if claimed.occasion in (Occasion.EXPIRY_30, Occasion.EXPIRY_7):
        return gettext("Your Second Shot voucher expires on %(date)s") % {"date": expires_on}
    if claimed.occasion == Occasion.RETAKE_OPEN:
        return gettext("Your free retake of exam %(exam)s is ready to book") % {"exam": exam}
    if claimed.occasion == Occasion.RETAKE_14:
        return gettext("Book your free retake of exam %(exam)s before %(date)s") % {
            "exam": exam,
            "date": expires_on,
        }
    local = claimed.booking.sitting.local_start()
    return gettext("Reminder: exam %(exam)s on %(when)s") % {
        "exam": exam,
        "when": f"{format_date(local, 'j F Y, H:i')} {local.tzname()}",
    }


def send_reminder(claimed, *, now) -> None:
    """Send a reminder (``ReminderSent``) in the candidate's language; each names the expiry date.

    The sitting reminder gives the centre's address and what to bring.
    """
    voucher, booking, candidate = claimed.voucher, claimed.booking, claimed.candidate
    pack = voucher.pack
    with translation.override(candidate.language):
        exam = booking.exam if booking else voucher.exam()
        context = {
            "occasion": claimed.occasion,
            "candidate": candidate,
            "voucher": voucher,
            "pack": pack,
            "exam": exam,
            "days_left": (pack.expires_on - anywhere_on_earth_date(now)).days,
            "dashboard_url": _url(reverse("portal:dashboard")),
            "book_url": _url(reverse("portal:book", kwargs={"pk": voucher.pk})),
            "account_url": _url(reverse("account")),
        }
        if booking is not None:
            context |= {
                "booking": booking,
                "sitting": booking.sitting,
                "centre": booking.sitting.centre,
                "booking_url": _url(reverse("portal:booking", kwargs={"pk": booking.pk})),
            }
        send_templated(
            to=candidate.email,
            subject=_reminder_subject(
                claimed,
                expires_on=format_date(pack.expires_on, "j F Y"),
                exam=exam.number if exam else "",
            ),
            template="vouchers/email/reminder",
            context=context,
        )
