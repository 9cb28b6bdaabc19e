from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A person's data: export, erasure, retention, and the account's trail of them.

    It stands between ``vouchers`` and ``accounts``: it needs the User and nothing of
    the offer, and each app above it registers what it holds (``registry``).
    """

    name = "privacy"
    verbose_name = _("Personal data")
