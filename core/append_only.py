"""Trails that are only ever appended to: the voucher trail (SS-12) and the account trail.

The models refuse to change or delete a row (``AppendOnlyModel`` and its
queryset), and the database refuses raw UPDATE and DELETE too, and TRUNCATE on
PostgreSQL, with triggers each trail's migration creates. On SQLite those
triggers ask the connection's ``secondshot_audit_locked()``, which every
connection the portal opens gets here; any other client lacks it and is refused.
PostgreSQL's TRUNCATE trigger reads the connection's
``secondshot.audit_maintenance``. ``maintenance()`` sets both, for the one job
that may empty a trail: a test or benchmark database being reset.
"""

import threading
from contextlib import contextmanager

from django.db import connection, models

_maintenance = threading.local()


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only: events cannot be changed.")

    def delete(self):
        raise PermissionError("The audit trail is append-only: events cannot be deleted.")


class AppendOnlyModel(models.Model):
    """A row that is written once and never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only: events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only: events cannot be deleted.")


def is_locked() -> int:
    """1 unless this thread is in ``maintenance()``: read by the SQLite triggers."""
    return 0 if getattr(_maintenance, "active", False) else 1


@contextmanager
def maintenance():
    """Let this thread empty the audit trails: SQLite's triggers read the thread's flag,
    PostgreSQL's TRUNCATE triggers the connection's ``secondshot.audit_maintenance``."""
    _maintenance.active = True
    _set_postgres_maintenance("on")
    try:
        yield
    finally:
        _maintenance.active = False
        _set_postgres_maintenance("")


def _set_postgres_maintenance(value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('secondshot.audit_maintenance', %s, false)", [value])


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("secondshot_audit_locked", 0, is_locked)
