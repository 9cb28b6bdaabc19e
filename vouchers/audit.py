"""Writing the audit trail (SS-12): one VoucherEvent per change, in the same transaction."""

from .models import VoucherEvent


def record(voucher, action, *, actor=None, at=None, **details) -> VoucherEvent:
    fields = {"voucher": voucher, "action": action, "actor": actor, "details": details}
    if at is not None:
        fields["at"] = at
    return VoucherEvent.objects.create(**fields)
