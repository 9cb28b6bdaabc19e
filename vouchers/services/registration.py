"""Registering a voucher for the offer, and recovering a lost number (SS-5, SS-6)."""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from .. import audit, emails, locking, numbers
from ..clock import anywhere_on_earth_date
from ..errors import Common, Reason, Refused
from ..models import ExamPack, Voucher, VoucherEvent


def _lock_voucher(voucher_id: int) -> Voucher:
    """Lock the voucher's pack, then the voucher (the order in ``locking``)."""
    pack_id = Voucher.objects.filter(pk=voucher_id).values_list("pack_id", flat=True).get()
    pack = locking.for_update(ExamPack.objects.filter(pk=pack_id)).get()
    voucher = locking.for_update(Voucher.objects.filter(pk=voucher_id)).get()
    voucher.pack = pack
    prefetch_related_objects([voucher], Voucher.live_bookings_prefetch())
    return voucher


def register_voucher(*, candidate, number: str, now: datetime | None = None) -> Voucher:
    """Claim the voucher with this number for the candidate and e-mail the confirmation.

    Refused for a mistyped, unknown, voided or expired number, one already
    registered, or one whose pack another person uses (SS-2, SS-5).
    """
    now = now or timezone.now()
    try:
        canonical = numbers.normalize(number)
    except numbers.MalformedNumber as error:
        raise Refused(Reason.NUMBER_MALFORMED, reason=error.reason) from error

    with locking.workflow():
        voucher_id = (
            Voucher.objects.filter(number_hash=numbers.digest(canonical))
            .values_list("pk", flat=True)
            .first()
        )
        if voucher_id is None:
            raise Refused(Reason.NUMBER_UNKNOWN)
        voucher = _lock_voucher(voucher_id)
        voucher.check_can_register(candidate=candidate, now=now)
        # Compare-and-set: the database itself lets only one account claim it.
        claimed = Voucher.objects.filter(pk=voucher.pk, registered_by__isnull=True).update(
            registered_by=candidate, registered_at=now
        )
        if not claimed:
            raise Refused(Common.CONFLICT)
        voucher.registered_by, voucher.registered_at = candidate, now
        audit.record(voucher, VoucherEvent.Action.REGISTERED, actor=candidate, at=now)
        transaction.on_commit(partial(emails.send_registration_confirmation, voucher), robust=True)
    return voucher


def reissue_number(
    *,
    voucher: Voucher,
    actor,
    expected_hash_prefix: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> str:
    """Give the voucher a new number and return it; every earlier number stops working (SS-6).

    Nothing else about the voucher changes. ``expected_hash_prefix`` binds the
    request to the number it was made for (the recovery link): a second request
    with the same link is refused, so two reissues at once give one new number.
    """
    now = now or timezone.now()
    new_number = numbers.generate()
    with locking.workflow():
        voucher = _lock_voucher(voucher.pk)
        voucher.check_can_reissue(expected_hash_prefix=expected_hash_prefix)
        old_hash, old_last4 = voucher.number_hash, voucher.number_last4
        voucher.number_hash = numbers.digest(new_number)
        voucher.number_last4 = numbers.last_four(new_number)
        # Compare-and-set on the old hash: of two reissues at once, one wins.
        replaced = Voucher.objects.filter(pk=voucher.pk, number_hash=old_hash).update(
            number_hash=voucher.number_hash, number_last4=voucher.number_last4
        )
        if not replaced:
            raise Refused(Common.CONFLICT)
        on_behalf = actor is not None and actor.pk != voucher.registered_by_id
        audit.record(
            voucher,
            VoucherEvent.Action.NUMBER_REISSUED,
            actor=actor,
            at=now,
            on_behalf_of_candidate=on_behalf,
            previous_last4=old_last4,
            reason=reason,
        )
        if on_behalf:
            transaction.on_commit(partial(emails.send_new_number, voucher, new_number), robust=True)
    return new_number


def reissue_number_on_behalf(*, voucher: Voucher, actor, reason: str, now=None) -> None:
    """Support reissues the number for the candidate; it goes to the candidate's e-mail only.

    Returns nothing, so no staff screen can show the new number (SS-6).
    """
    reissue_number(voucher=voucher, actor=actor, reason=reason, now=now)


def resend_confirmation(*, voucher: Voucher, actor, reason: str, now=None) -> None:
    """Send the registration confirmation and its recovery link again (SS-6)."""
    now = now or timezone.now()
    with locking.workflow():
        voucher = _lock_voucher(voucher.pk)
        if voucher.registered_by_id is None:
            raise Refused(Reason.NOT_REGISTERED)
        if voucher.is_voided():
            raise Refused(Reason.VOUCHER_VOIDED)
        if voucher.is_expired(on=anywhere_on_earth_date(now)):
            # Its recovery link would only lead to a 404.
            raise Refused(Reason.VOUCHER_EXPIRED, expires_on=voucher.pack.expires_on)
        audit.record(
            voucher, VoucherEvent.Action.CONFIRMATION_RESENT, actor=actor, at=now, reason=reason
        )
        transaction.on_commit(partial(emails.send_registration_confirmation, voucher), robust=True)
