"""How the voucher workflows lock what they make scarcer.

Every workflow locks rows in this one order, so two workflows never wait for
each other in a circle:

    candidate (user) → pack → voucher → sitting(s), by id → booking

A workflow may take several of these in one statement, as booking takes the
candidate, the pack and the voucher, and cancelling the voucher, the sitting and
the booking: ``for_update(..., first=...)`` names them in this order, and
PostgreSQL locks them in the order named. The catalogue's workflows
(``exams/services.py``) lock a sitting, a centre or an exam alone, so they keep
the order too. Each workflow re-checks its rule after
taking the locks. On SQLite, where ``select_for_update`` does nothing,
transactions begin IMMEDIATE (see settings) and the database constraints are
the last line; on PostgreSQL the row locks turn races into orderly waits, and
the constraints still stand behind them. The transaction helper and the lock
itself are every workflow's, in ``core/workflows.py``.
"""

from django.db.models import prefetch_related_objects

from core.workflows import for_update, workflow

from .models import ExamPack, Voucher

__all__ = ["for_update", "lock_voucher", "workflow"]


def lock_voucher(voucher_id: int) -> Voucher:
    """Lock the voucher's pack, then the voucher, and read its bookings not cancelled.

    Voucher.DoesNotExist when there is none.
    """
    pack_id = Voucher.objects.filter(pk=voucher_id).values_list("pack_id", flat=True).get()
    pack = for_update(ExamPack.objects.filter(pk=pack_id)).get()
    voucher = for_update(Voucher.objects.filter(pk=voucher_id)).get()
    voucher.pack = pack
    prefetch_related_objects([voucher], Voucher.live_bookings_prefetch())
    return voucher
