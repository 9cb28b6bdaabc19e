"""What erasing a candidate's account does to their vouchers (docs/privacy.md).

The vouchers, their bookings and outcomes stay: the customer's usage report counts
them and the audit trail (SS-12) points to them. Only the numbers stop working.
A booking still to come is cancelled through ``cancel_booking``, by the privacy
part (``vouchers/privacy.py``), with its cut-off (SS-10).
"""

from datetime import datetime

from django.utils import timezone

from .. import audit, locking, numbers
from ..models import ExamPack, Voucher, VoucherEvent


def retire_numbers(*, candidate, actor, now: datetime | None = None) -> list[Voucher]:
    """Make every number of the vouchers the candidate registered stop working.

    Each voucher gets the keyed hash of a new number that is generated here and
    never kept, shown or sent, so no number at all answers to it any more; its
    last four symbols stay, so staff still recognise it. Nothing else about the
    voucher changes (its pack, bookings, outcomes and expiry). Audited once per
    voucher, in the same transaction.
    """
    now = now or timezone.now()
    with locking.workflow():
        # The lock order: the packs, then their vouchers (``locking``).
        theirs = Voucher.objects.filter(registered_by=candidate.pk)
        packs = ExamPack.objects.filter(pk__in=theirs.values("pack_id")).order_by("pk")
        list(locking.for_update(packs).values_list("pk", flat=True))
        vouchers = list(locking.for_update(theirs.order_by("pk")))
        for voucher in vouchers:
            voucher.number_hash = numbers.digest(numbers.generate())
        Voucher.objects.bulk_update(vouchers, ["number_hash"])
        audit.record_many(vouchers, VoucherEvent.Action.NUMBER_RETIRED, actor=actor, at=now)
    return vouchers
