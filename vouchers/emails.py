"""E-mails about vouchers and bookings. Workflows send them with ``transaction.on_commit``.

Each e-mail names the voucher's expiry date. The new number after a reissue on
a candidate's behalf goes only to the candidate, never to the staff member.
Booking e-mails carry the booking as an .ics calendar file.
"""

from django.conf import settings
from django.urls import reverse

from secondshot.emails import send_templated

from . import calendar, numbers
from .models import change_cutoff_hours
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
