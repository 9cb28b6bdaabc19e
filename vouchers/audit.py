"""Writing the audit trail (SS-12): one VoucherEvent per change, in the same transaction.

The trail is append-only in the models (``VoucherEvent``) and in the database
(triggers, migrations 0002 and 0009: no UPDATE, DELETE or TRUNCATE).
``maintenance()`` lifts the triggers for the one job that may empty the table: a
test or benchmark database being reset.
"""

import threading
from contextlib import contextmanager

from django.db import connection

from .models import VoucherEvent

_maintenance = threading.local()


def record(voucher, action, *, actor=None, at=None, **details) -> VoucherEvent:
    fields = {"voucher": voucher, "action": action, "actor": actor, "details": details}
    if at is not None:
        fields["at"] = at
    return VoucherEvent.objects.create(**fields)


def record_many(vouchers, action, *, actor=None, at=None, **details) -> list[VoucherEvent]:
    """Record the same change to many vouchers in one statement (a pack issued or tied)."""
    return record_each(((voucher, details) for voucher in vouchers), action, actor=actor, at=at)


def record_each(changes, action, *, actor=None, at=None) -> list[VoucherEvent]:
    """Record one change per (voucher, details) pair in one statement (a results file)."""
    extra = {"at": at} if at is not None else {}
    return VoucherEvent.objects.bulk_create(
        VoucherEvent(
            **({"voucher_id": voucher} if isinstance(voucher, int) else {"voucher": voucher}),
            action=action,
            actor=actor,
            details=details,
            **extra,
        )
        for voucher, details in changes
    )


def is_locked() -> int:
    """1 unless this thread is in ``maintenance()``: read by the SQLite triggers."""
    return 0 if getattr(_maintenance, "active", False) else 1


@contextmanager
def maintenance():
    """Let this thread empty the audit trail: SQLite's triggers read the thread's flag,
    PostgreSQL's TRUNCATE trigger the connection's ``secondshot.audit_maintenance``."""
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
