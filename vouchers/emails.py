"""E-mails about vouchers, which workflows send once they commit (``transaction.on_commit``).
The booking notices are in ``notices.py`` and the reminders in ``reminders/``: both go
through a task (``tasks.py``).

Each e-mail names the voucher's expiry date. The new number after a reissue on
a candidate's behalf goes only to the candidate, never to the staff member.

A candidate's e-mails are in the language kept on their account. The numbers
of a new pack go to a customer's contact, who has no account: that e-mail is in
the language the account manager is using the back office in when they send it
(English unless they chose another), as the manager knows the customer.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.mail import absolute_url, send_templated

from . import numbers
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
