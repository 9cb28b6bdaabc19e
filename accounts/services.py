"""The account workflows: opening an account and confirming its address.

Views call these and write no account themselves, as the portal's pages call
``vouchers.services``. Each is one transaction; the e-mail goes once it commits.
"""

from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from core.tasks import enqueue_with_commit

from . import tasks
from .models import User
from .timezones import guess_time_zone
from .tokens import email_verification_token


def sign_up(*, email: str, legal_name: str, password: str, country: str, language: str) -> None:
    """Open an account and send its verification link.

    The outcome is the same whether or not the address has an account already, so
    the sign-up page reveals nothing: that account's owner gets an e-mail saying so
    instead. So is the work done: the password is hashed (the slow part, on purpose)
    and one e-mail task is queued either way, so the time the page takes tells
    nothing either. The new account keeps ``language`` (the one the person signed up
    in) and the usual time zone of ``country`` (none for a country not listed).
    """
    hashed = make_password(password)
    with transaction.atomic():
        existing = User.objects.with_email(email).first()
        if existing is not None:
            enqueue_with_commit(tasks.send_already_registered, existing.pk)
            return
        user = User(
            email=email,
            legal_name=legal_name,
            language=language,
            time_zone=guess_time_zone(country),
        )
        user.password = hashed
        try:
            with transaction.atomic():  # a savepoint: the insert may fail, the answer stays
                user.save()
        except IntegrityError:  # the same address signed up a moment ago
            return
        enqueue_with_commit(tasks.send_verification, user.pk)


def confirm_email(*, uidb64: str, token: str, now: datetime | None = None) -> User | None:
    """Confirm the address of the account the verification link names; the link dies with it.

    Returns the account, or None when the link is not one we sent or no longer holds.
    """
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not email_verification_token.check_token(user, token):
        return None
    user.email_verified_at = now or timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user
