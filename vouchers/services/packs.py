"""Issuing packs and voiding vouchers: the account manager's side."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from exams import seats
from exams.models import Sitting

from .. import audit, locking, numbers, tasks
from ..errors import Reason, Refused
from ..models import Booking, Customer, ExamPack, Voucher, VoucherEvent


@dataclass(frozen=True)
class IssuedPack:
    """A new pack and its voucher numbers, which exist in the clear only here, once."""

    pack: ExamPack
    numbers: list[str]

    def displayed_numbers(self) -> list[str]:
        return [numbers.display(number) for number in self.numbers]


def issue_pack(
    *,
    customer: Customer,
    exam_count: int,
    expires_on: date,
    is_second_shot: bool,
    list_price: Decimal,
    issued_by,
    currency: str = "USD",
    discount_percent: Decimal = Decimal(0),
    promotion: str = "",
    now: datetime | None = None,
) -> IssuedPack:
    """Create a pack with one voucher per exam and return their numbers (SS-7, SS-12)."""
    now = now or timezone.now()
    pack = ExamPack(
        customer=customer,
        exam_count=exam_count,
        expires_on=expires_on,
        is_second_shot=is_second_shot,
        list_price=list_price,
        currency=currency,
        discount_percent=discount_percent,
        promotion=promotion.strip(),
        issued_by=issued_by,
        issued_at=now,
    )
    pack.check_can_be_issued(on=now.date())

    plain_numbers = [numbers.generate() for _ in range(exam_count)]
    with locking.workflow():
        pack.save()
        vouchers = Voucher.objects.bulk_create(
            Voucher(
                pack=pack,
                number_hash=numbers.digest(number),
                number_last4=numbers.last_four(number),
            )
            for number in plain_numbers
        )
        audit.record_many(
            vouchers,
            VoucherEvent.Action.ISSUED,
            actor=issued_by,
            at=now,
            pack=pack.pk,
            second_shot=pack.is_second_shot,
        )
    return IssuedPack(pack=pack, numbers=plain_numbers)


def void_voucher(*, voucher: Voucher, actor, reason: str, now: datetime | None = None) -> Voucher:
    """Cancel a voucher for good (SS-13).

    A booking still to come is cancelled, its seat freed and the candidate told by
    e-mail, with a calendar cancellation, as their own cancellation would. A booking
    whose sitting has started was sat: it stays taken (it is marked so now) and its
    outcome can still be recorded.
    """
    now = now or timezone.now()
    with locking.workflow():
        voucher = locking.lock_voucher(voucher.pk)
        if voucher.is_voided():
            raise Refused(Reason.ALREADY_VOIDED)
        bookings = voucher.live_bookings()
        Booking.mark_started_taken(bookings, at=now)
        pending = next((b for b in bookings if b.state(at=now) == Booking.State.PENDING), None)
        if pending is not None:
            locking.for_update(Sitting.objects.filter(pk=pending.sitting_id)).get()
            Booking.objects.filter(pk=pending.pk).update(
                status=Booking.Status.CANCELLED, cancelled_at=now
            )
            seats.free_seat(pending.sitting_id)
            tasks.enqueue_booking_notice(pending.pk, "voided")
        voucher.voided_at = now
        voucher.void_reason = reason
        voucher.save(update_fields=["voided_at", "void_reason"])
        audit.record(
            voucher,
            VoucherEvent.Action.VOIDED,
            actor=actor,
            at=now,
            reason=reason,
            cancelled_booking=pending.pk if pending else None,
        )
    return voucher


def hand_over_by_email(*, pack: ExamPack, plain_numbers: list[str], language: str) -> None:
    """Queue the e-mail that hands a new pack's numbers to its customer's contact, in the
    account manager's ``language`` (``emails.send_pack_numbers``).

    The numbers come from the manager's hand-over (``admin/handover.py``), the only
    place they are held: they are checked against the pack's stored hashes, so no
    other number can go out in its name, and travel sealed (``numbers.seal``).
    """
    with locking.workflow():
        hashes = set(pack.vouchers.values_list("number_hash", flat=True))
        if not plain_numbers or {numbers.digest(n) for n in plain_numbers} - hashes:
            raise ValueError(f"These are not the numbers of pack {pack.pk}.")
        tasks.enqueue_pack_numbers(pack, plain_numbers, language=language)
