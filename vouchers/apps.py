from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = _("Second Shot vouchers")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .audit import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
