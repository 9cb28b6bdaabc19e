from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The people who sign in: the User model, sign-up, verification, the account page."""

    name = "accounts"
    verbose_name = _("Accounts")
