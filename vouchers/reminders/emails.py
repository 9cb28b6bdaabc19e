"""The reminder e-mail, in the candidate's language: one template for every occasion, each
naming the voucher's expiry date; the sitting's gives the centre's address and what to bring."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.i18n import interpolate_lazy
from core.mail import absolute_url, send_templated

from ..clock import anywhere_on_earth_date
from ..models import ReminderSent


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


def send_reminder_email(claimed, *, now) -> None:
    """Send the claimed reminder (``ReminderSent``) to its candidate, judged at ``now``."""
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
