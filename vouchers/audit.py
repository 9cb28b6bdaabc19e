"""Writing the audit trail (SS-12): one VoucherEvent per change, in the same transaction.

The trail is append-only in the models (``VoucherEvent``) and in the database
(triggers, migrations 0002 and 0009: no UPDATE, DELETE or TRUNCATE).
``maintenance()`` (``core.append_only``) lifts the triggers for the one job that
may empty the table: a test or benchmark database being reset.
"""

from core.append_only import maintenance  # noqa: F401  (tests and seed_load lift the triggers)

from .models import VoucherEvent


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
