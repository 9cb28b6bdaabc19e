"""Account e-mails: verification, and the notice sent when someone signs up with an
address that already has an account (so the sign-up page reveals nothing)."""

from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from core.mail import absolute_url, send_templated

from .tokens import email_verification_token


def verification_url(user) -> str:
    return absolute_url(
        reverse(
            "verify_email",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": email_verification_token.make_token(user),
            },
        )
    )


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
            "login_url": absolute_url(reverse("login")),
            "reset_url": absolute_url(reverse("password_reset")),
        },
    )
