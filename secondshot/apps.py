from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecondShotConfig(AppConfig):
    name = "secondshot"
    verbose_name = _("Accounts")
