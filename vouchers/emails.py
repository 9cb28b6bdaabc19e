"""What each e-mail about a voucher or a booking says, in its reader's language.

Workflows never call these: they queue a task with their change (``tasks.py``),
and the task sends through ``notices.py``, once. The reminders are in
``reminders/``.

Each e-mail names the voucher's expiry date. The new number after a reissue on
a candidate's behalf goes only to the candidate, never to the staff member.

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
from .models import change_cutoff_hours
from .tokens import make_recovery_token

_BOOKING_SUBJECTS = {
    "booked": _("Booked: exam %(exam)s on %(when)s"),
    "moved": _("Moved: exam %(exam)s is now on %(when)s"),
    "cancelled": _("Cancelled: exam %(exam)s on %(when)s"),
    "voided": _("Cancelled: exam %(exam)s on %(when)s"),
}


def send_booking_notice(booking, what: str) -> None:
    """E-mail the candidate that the booking was ``booked``, ``moved`` (to it),
    ``cancelled``, or cancelled because its voucher was ``voided``, with the booking
    as a calendar file (a cancellation removes the event from their calendar)."""
    local = booking.sitting.local_start()
    subject = interpolate_lazy(
        _BOOKING_SUBJECTS[what],
        exam=booking.exam.number,
        when=lambda: f"{date_format(local, 'SITTING_IN_TEXT_FORMAT')} {local.tzname()}",
    )
    with translation.override(booking.candidate.language):
        ics = calendar.booking_ics(booking, cancelled=what in ("cancelled", "voided"))
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


def recovery_url(voucher) -> str:
    token = make_recovery_token(voucher)
    return absolute_url(reverse("portal:recover_number", kwargs={"token": token}))


def _to_voucher_owner(voucher, *, subject, template: str, **context) -> None:
    """E-mail the candidate who registered the voucher, with a link that replaces its
    number (SS-6), in their language."""
    candidate = voucher.registered_by
    send_templated(
        to=candidate.email,
        language=candidate.language,
        subject=subject,
        template=template,
        context={
            "candidate": candidate,
            "voucher": voucher,
            "pack": voucher.pack,
            "recovery_url": recovery_url(voucher),
            **context,
        },
    )


def send_registration_confirmation(voucher) -> None:
    """Confirm a registration, with the link that recovers a lost number (SS-6)."""
    _to_voucher_owner(
        voucher,
        subject=_("Your Second Shot voucher is registered"),
        template="vouchers/email/registration_confirmation",
    )


def send_new_number(voucher, number: str) -> None:
    """Send the candidate the number that support reissued on their behalf (SS-6)."""
    _to_voucher_owner(
        voucher,
        subject=_("Your new Second Shot voucher number"),
        template="vouchers/email/new_number",
        number=numbers.display(number),
    )


def send_number_changed(voucher) -> None:
    """Tell the candidate their voucher's number was replaced through a recovery link,
    with a fresh link for the next time (SS-6). Never the number itself."""
    _to_voucher_owner(
        voucher,
        subject=_("Your Second Shot voucher number was changed"),
        template="vouchers/email/number_changed",
    )


def send_recovery_link(voucher) -> None:
    """Send the link that replaces a lost number, asked for on the voucher's page (SS-6)."""
    _to_voucher_owner(
        voucher,
        subject=_("Your link to a new Second Shot voucher number"),
        template="vouchers/email/recovery_link",
    )


def send_registration_withdrawn(voucher, candidate) -> None:
    """Tell a candidate a voucher they registered is no longer on their account: another
    person booked with its pack, which is now theirs alone (SS-5)."""
    send_templated(
        to=candidate.email,
        language=candidate.language,
        subject=_("A Second Shot voucher is no longer on your account"),
        template="vouchers/email/registration_withdrawn",
        context={
            "candidate": candidate,
            "voucher": voucher,
            "dashboard_url": absolute_url(reverse("portal:dashboard")),
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
        language=None,  # the account manager's, who sent it (module docstring)
        subject=subject % {"count": pack.exam_count},
        template="vouchers/email/pack_numbers",
        context={
            "pack": pack,
            "customer": pack.customer,
            "numbers": [numbers.display(number) for number in plain_numbers],
        },
    )
