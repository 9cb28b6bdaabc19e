"""E-mails about vouchers. Workflows send them with ``transaction.on_commit``.

Each e-mail names the voucher's expiry date. The new number after a reissue on
a candidate's behalf goes only to the candidate, never to the staff member.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from . import numbers
from .tokens import make_recovery_token


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    text = render_to_string(f"vouchers/email/{template}.txt", context)
    html = render_to_string(f"vouchers/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def recovery_url(voucher) -> str:
    path = reverse("portal:recover_number", kwargs={"token": make_recovery_token(voucher)})
    return settings.SITE_URL.rstrip("/") + path


def send_registration_confirmation(voucher) -> None:
    """Confirm a registration, with the link that recovers a lost number (SS-6)."""
    _send(
        to=voucher.registered_by.email,
        subject="Your Second Shot voucher is registered",
        template="registration_confirmation",
        context={
            "candidate": voucher.registered_by,
            "voucher": voucher,
            "pack": voucher.pack,
            "recovery_url": recovery_url(voucher),
        },
    )


def send_new_number(voucher, number: str) -> None:
    """Send the candidate the number that support reissued on their behalf (SS-6)."""
    _send(
        to=voucher.registered_by.email,
        subject="Your new Second Shot voucher number",
        template="new_number",
        context={
            "candidate": voucher.registered_by,
            "voucher": voucher,
            "pack": voucher.pack,
            "number": numbers.display(number),
            "recovery_url": recovery_url(voucher),
        },
    )
