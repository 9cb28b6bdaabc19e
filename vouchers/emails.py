"""E-mails about vouchers and bookings. Workflows send them once they commit
(``transaction.on_commit``); the booking notices and reminders through a task (``tasks.py``).

Each e-mail names the voucher's expiry date. The new number after a reissue on
a candidate's behalf goes only to the candidate, never to the staff member.
Booking e-mails carry the booking as an .ics calendar file.

A candidate's e-mails are in the language kept on their account. The numbers
of a new pack go to a customer's contact, who has no account: that e-mail is in
the language the account manager is using the back office in when they send it
(English unless they chose another), as the manager knows the customer.
"""

from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.i18n import interpolate_lazy
from core.mail import absolute_url, send_templated

from . import calendar, numbers
from .clock import anywhere_on_earth_date
from .models import ReminderSent, change_cutoff_hours
from .tokens import make_recovery_token


def recovery_url(voucher) -> str:
    token = make_recovery_token(voucher)
    return absolute_url(reverse("portal:recover_number", kwargs={"token": token}))


def send_registration_confirmation(voucher) -> None:
    """Confirm a registration, with the link that recovers a lost number (SS-6)."""
    send_templated(
        to=voucher.registered_by.email,
        language=voucher.registered_by.language,
        subject=_("Your Second Shot voucher is registered"),
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
        language=voucher.registered_by.language,
        subject=_("Your new Second Shot voucher number"),
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
    if pack.is_second_shot:
        subject = ngettext_lazy(
            "Your %(count)s Second Shot exam voucher",
            "Your %(count)s Second Shot exam vouchers",
            "count",
        )
    else:
        subject = ngettext_lazy(
            "Your %(count)s exam voucher", "Your %(count)s exam vouchers", "count"
        )
    send_templated(
        to=pack.customer.contact_email,
        language=None,  # the account manager's, who sends it (module docstring)
        subject=subject % {"count": pack.exam_count},
        template="vouchers/email/pack_numbers",
        context={
            "pack": pack,
            "customer": pack.customer,
            "numbers": [numbers.display(number) for number in plain_numbers],
        },
    )


_BOOKING_SUBJECTS = {
    "booked": _("Booked: exam %(exam)s on %(when)s"),
    "moved": _("Moved: exam %(exam)s is now on %(when)s"),
    "cancelled": _("Cancelled: exam %(exam)s on %(when)s"),
}


def send_booking_notice(booking, what: str) -> None:
    """Tell the candidate a booking was made, moved or cancelled, with a calendar file."""
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


def _reminder_subject(claimed, *, exam: str):
    """The reminder's subject, lazy: its dates are written in the reader's language."""
    Occasion = ReminderSent.Occasion
    expires_on = claimed.voucher.pack.expires_on

    def day():
        return date_format(expires_on, "DAY_FORMAT")

    if claimed.occasion in (Occasion.EXPIRY_30, Occasion.EXPIRY_7):
        return interpolate_lazy(_("Your Second Shot voucher expires on %(date)s"), date=day)
    if claimed.occasion == Occasion.RETAKE_OPEN:
        return interpolate_lazy(_("Your free retake of exam %(exam)s is ready to book"), exam=exam)
    if claimed.occasion == Occasion.RETAKE_14:
        return interpolate_lazy(
            _("Book your free retake of exam %(exam)s before %(date)s"), exam=exam, date=day
        )
    local = claimed.booking.sitting.local_start()
    return interpolate_lazy(
        _("Reminder: exam %(exam)s on %(when)s"),
        exam=exam,
        when=lambda: f"{date_format(local, 'SITTING_IN_TEXT_FORMAT')} {local.tzname()}",
    )


def send_reminder(claimed, *, now) -> None:
    """Send a reminder (``ReminderSent``) in the candidate's language; each names the expiry date.

    The sitting reminder gives the centre's address and what to bring.
    """
    voucher, booking, candidate = claimed.voucher, claimed.booking, claimed.candidate
    pack = voucher.pack
    exam = booking.exam if booking else voucher.exam()
    context = {
        "occasion": claimed.occasion,
        "candidate": candidate,
        "voucher": voucher,
        "pack": pack,
        "exam": exam,
        "days_left": (pack.expires_on - anywhere_on_earth_date(now)).days,
        "dashboard_url": absolute_url(reverse("portal:dashboard")),
        "book_url": absolute_url(reverse("portal:book", kwargs={"pk": voucher.pk})),
        "account_url": absolute_url(reverse("account")),
    }
    if booking is not None:
        context |= {
            "booking": booking,
            "sitting": booking.sitting,
            "centre": booking.sitting.centre,
            "booking_url": absolute_url(reverse("portal:booking", kwargs={"pk": booking.pk})),
        }
    send_templated(
        to=candidate.email,
        language=candidate.language,
        subject=_reminder_subject(claimed, exam=exam.number if exam else ""),
        template="vouchers/email/reminder",
        context=context,
    )
