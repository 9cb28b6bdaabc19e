"""The account e-mails, sent by the task queue (``django.tasks``), never in the request.

Sending takes as long as the mail server does, and only some requests send: a
page that sent mail itself would answer slower for an address that has an
account than for one that has none, and tell anyone with a stopwatch which
addresses are registered. So sign-up and password reset queue exactly one task
whichever way they go, and the task decides and sends. Arguments are plain JSON
values, as a database queue stores them; the names are the paths it stores
(``accounts.tasks.send_password_reset``): renaming one would orphan waiting tasks.
"""

from django.tasks import task

from . import emails
from .models import User


@task
def send_verification(user_id: int) -> None:
    """Send the account's verification link (an account deleted meanwhile gets none)."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None and not user.has_verified_email():
        emails.send_verification(user)


@task
def send_already_registered(user_id: int) -> None:
    """Tell an account's owner that someone tried to sign up with their address."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        emails.send_already_registered(user)


@task
def send_password_reset(email: str) -> int:
    """Send a reset link to each active account with this address; return how many.

    Queued for every address asked for, known or not, so the page that asks does the
    same work either way.
    """
    users = list(emails.accounts_to_reset(email))
    for user in users:
        emails.send_password_reset(user)
    return len(users)
