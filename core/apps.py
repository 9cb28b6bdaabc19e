from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every page shares: the mailer, the language, date formats, the busy database's
    page, the landing page, the health and readiness checks and the metrics. It knows no app
    above it."""

    name = "core"
    verbose_name = "Second Shot"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .append_only import register_sqlite_functions
        from .metrics import TaskQueue, read_at_scrape
        from .middleware import remember_account_language

        user_logged_in.connect(remember_account_language, dispatch_uid="account_language")
        # The switch the append-only trails' SQLite triggers read (append_only.py).
        connection_created.connect(register_sqlite_functions, dispatch_uid="append_only")
        read_at_scrape(TaskQueue())
