"""The portal's mailer: every e-mail goes out through ``send_templated``, in the language
of its reader (a person's e-mails in the language kept on their account).

A page that sends mail at once catches ``MAIL_ERRORS`` and tells the person with
``say_not_sent``; mail sent by a task is retried or recorded by the task.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# What a mail server that is down or refuses raises: the backends' SMTP errors, and
# the socket's (ConnectionRefusedError, timeouts) for one that cannot be reached.
MAIL_ERRORS = (smtplib.SMTPException, OSError)

logger = logging.getLogger(__name__)


def is_deliverable(address: str) -> bool:
    """Return True unless the address is under the reserved top-level domain .invalid.

    Nothing can be delivered there (RFC 2606); it is where an erased account's
    address points (``privacy``), so no e-mail queued for that person goes out.
    """
    return not address.rstrip(".").lower().endswith(".invalid")


def absolute_url(path: str) -> str:
    """Return the link to ``path`` (from ``reverse``) that an e-mail carries: on ``SITE_URL``."""
    return settings.SITE_URL.rstrip("/") + path


def say_not_sent(request) -> None:
    """Tell the person a mail the page sends at once could not go: try again later."""
    messages.error(
        request,
        _(
            "We could not send the e-mail just now. "
            "Nothing else is lost: please try again in a few minutes."
        ),
    )


def send_templated(
    *,
    to: str,
    language: str | None,
    subject,
    template: str,
    context: dict,
    attachments=(),
):
    """Send ``<template>.txt`` with ``<template>.html`` as its alternative, in ``language``.

    ``language`` is the reader's (``user.language``); None keeps the active one,
    for a reader without an account. ``subject`` may be lazy: it is translated
    here, with the bodies. Attachments are passed as they are. Nothing is sent
    to an address that cannot receive mail (``is_deliverable``).
    """
    if not is_deliverable(to):
        logger.info("An e-mail (%s) to an address that cannot receive mail was not sent", template)
        return
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language or translation.get_language()):
        message = EmailMultiAlternatives(
            subject=str(subject), body=render_to_string(f"{template}.txt", context), to=[to]
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
