"""Trails that are only ever appended to: the voucher trail (SS-12) and the account trail.

The models refuse to change or delete a row (``AppendOnlyModel`` and its
queryset), and the database refuses raw UPDATE and DELETE too, and TRUNCATE on
PostgreSQL, with triggers each trail's migration creates (``triggers``). On
SQLite those triggers ask the connection's ``secondshot_audit_locked()``, which
every connection the portal opens gets here; any other client lacks it and is
refused. PostgreSQL's TRUNCATE triggers read the connection's
``secondshot.audit_maintenance``. ``maintenance()`` sets both, for the one job
that may empty a trail: a test or benchmark database being reset.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, migrations, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class TrailEvent(AppendOnlyModel):
    """One line of an audit trail: who acted, when, and the details of what they did.

    Each trail adds what the event is about and its ``action`` codes.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty when the system acted on its own."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True


def triggers(table: str, *, name: str) -> migrations.RunPython:
    """The migration operation that makes the database refuse UPDATE and DELETE on ``table``.

    On PostgreSQL a row trigger, and a statement trigger for TRUNCATE (which fires
    no row trigger) that ``maintenance()`` lifts, as the voucher trail's migrations
    0002 and 0009 make them; on SQLite, triggers that read
    ``secondshot_audit_locked()``. ``name`` is the trail's, in the error.
    Migrations that ran keep what they created: change this only for new ones.
    """
    postgres = f"""
        CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' AND
                    coalesce(current_setting('secondshot.audit_maintenance', true), '') = 'on'
            THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION 'The {name} is append-only: % is refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change();
    """
    sqlite = [
        f"""
        CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
        WHEN secondshot_audit_locked()
        BEGIN SELECT RAISE(ABORT, 'The {name} is append-only: {verb} is refused'); END
        """
        for verb in ("UPDATE", "DELETE")
    ]

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(postgres, params=None)
        elif schema_editor.connection.vendor == "sqlite":
            for statement in sqlite:
                schema_editor.execute(statement)

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
                f"DROP FUNCTION IF EXISTS {table}_refuse_change();"
            )
        elif schema_editor.connection.vendor == "sqlite":
            for verb in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")

    return migrations.RunPython(create, drop)


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
