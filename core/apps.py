from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every page shares: the mailer, the language, date formats, the busy database's
    page, the landing page and the health check. It knows no app above it."""

    name = "core"
    verbose_name = "Second Shot"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .middleware import remember_account_language

        user_logged_in.connect(remember_account_language, dispatch_uid="account_language")
