"""Account e-mails: verification, the notice sent when someone signs up with an address
that already has an account (so the sign-up page reveals nothing), and the password
reset link. They are sent by ``accounts.tasks``, never by a page.

None of them carries words a stranger typed: the verification e-mail goes to an
address nobody has confirmed yet, so a name typed at sign-up would let anyone send
a message of their own (a link, say) from the portal to anyone. Every link is built
on ``SITE_URL``, never on the Host header of the request that asked.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from core.mail import absolute_url, send_templated

from .tokens import email_verification_token


def _link_for(user, url_name: str, token_generator) -> str:
    """The link to ``url_name`` for this account, with its signed token, on ``SITE_URL``."""
    return absolute_url(
        reverse(
            url_name,
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": token_generator.make_token(user),
            },
        )
    )


def verification_url(user) -> str:
    return _link_for(user, "verify_email", email_verification_token)


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


def accounts_to_reset(email: str):
    """The active accounts with this address that have a password to reset (as Django's
    ``PasswordResetForm.get_users`` finds them)."""
    users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
    return (user for user in users if user.has_usable_password())


def send_password_reset(user) -> None:
    send_templated(
        to=user.email,
        language=user.language,
        subject=_("Choose a new Second Shot password"),
        template="accounts/email/password_reset",
        context={
            "email": user.email,
            "reset_url": _link_for(user, "password_reset_confirm", default_token_generator),
        },
    )
