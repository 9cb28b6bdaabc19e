"""Account e-mails: verification, and the notice sent when someone signs up with an
address that already has an account (so the sign-up page reveals nothing).

Every e-mail of the portal goes out through ``send_templated``, in the language
of its reader: a person's e-mails in the language kept on their account.
"""

import smtplib

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from .tokens import email_verification_token

# What a mail server that is down or refuses raises: the backends' SMTP errors, and
# the socket's (ConnectionRefusedError, timeouts) for one that cannot be reached.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


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
    here, with the bodies. Attachments are passed as they are.
    """
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language or translation.get_language()):
        message = EmailMultiAlternatives(
            subject=str(subject), body=render_to_string(f"{template}.txt", context), to=[to]
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()


def verification_url(user) -> str:
    path = reverse(
        "verify_email",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_verification_token.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def send_verification(user) -> None:
    send_templated(
        to=user.email,
        language=user.language,
        subject=_("Confirm your e-mail address for Second Shot"),
        template="accounts/email/verify",
        context={"user": user, "verification_url": verification_url(user)},
    )


def send_already_registered(user) -> None:
    send_templated(
        to=user.email,
        language=user.language,
        subject=_("You already have a Second Shot account"),
        template="accounts/email/already_registered",
        context={
            "user": user,
            "login_url": settings.SITE_URL.rstrip("/") + reverse("login"),
            "reset_url": settings.SITE_URL.rstrip("/") + reverse("password_reset"),
        },
    )
