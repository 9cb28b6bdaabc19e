from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecondShotConfig(AppConfig):
    name = "secondshot"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .middleware import remember_account_language

        user_logged_in.connect(remember_account_language, dispatch_uid="account_language")
