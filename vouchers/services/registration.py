"""Registering a voucher for the offer, and recovering a lost number (SS-5, SS-6)."""

from datetime import datetime

from django.utils import timezone

from .. import audit, locking, numbers, tasks
from ..clock import anywhere_on_earth_date
from ..errors import Common, Reason, Refused
from ..models import Voucher, VoucherEvent


def register_voucher(*, candidate, number: str, now: datetime | None = None) -> Voucher:
    """Claim the voucher with this number for the candidate and e-mail the confirmation.

    Refused for a candidate whose address is not confirmed yet (the confirmation,
    with its recovery link, goes to it), and for a mistyped, unknown, voided or
    expired number, one already registered, or one whose pack another person uses
    (SS-2, SS-5).
    """
    now = now or timezone.now()
    if not candidate.has_verified_email():
        raise Refused(Reason.EMAIL_NOT_VERIFIED)
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
        voucher = locking.lock_voucher(voucher_id)
        voucher.check_can_register(candidate=candidate, now=now)
        # Compare-and-set: the database itself lets only one account claim it.
        claimed = Voucher.objects.filter(pk=voucher.pk, registered_by__isnull=True).update(
            registered_by=candidate, registered_at=now
        )
        if not claimed:
            raise Refused(Common.CONFLICT)
        voucher.registered_by, voucher.registered_at = candidate, now
        event = audit.record(
            voucher, VoucherEvent.Action.REGISTERED, actor=candidate, at=now, candidate=candidate.pk
        )
        tasks.enqueue_event_email(event)
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

    Nothing else about the voucher changes. ``expected_hash_prefix`` comes from a
    recovery link, which only the candidate who registered the voucher may follow
    (``Voucher.check_can_recover``); it binds the request to the number it was made
    for, so a second request with the same link is refused and two reissues at once
    give one new number. Without it, support reissues on the candidate's behalf and
    the new number is e-mailed to the candidate. A candidate who replaced their own
    number is e-mailed that it changed, with a fresh link for the next time.
    """
    now = now or timezone.now()
    new_number = numbers.generate()
    with locking.workflow():
        voucher = locking.lock_voucher(voucher.pk)
        if expected_hash_prefix is None:
            voucher.check_can_reissue()
        else:
            voucher.check_can_recover(
                candidate=actor,
                expected_hash_prefix=expected_hash_prefix,
                on=anywhere_on_earth_date(now),
            )
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
        event = audit.record(
            voucher,
            VoucherEvent.Action.NUMBER_REISSUED,
            actor=actor,
            at=now,
            on_behalf_of_candidate=on_behalf,
            previous_last4=old_last4,
            reason=reason,
            candidate=voucher.registered_by_id,
        )
        if on_behalf:
            tasks.enqueue_event_email(event, number=new_number)
        else:
            tasks.enqueue_event_email(event)  # "your number was changed", never the number
    return new_number


def send_recovery_link(*, voucher: Voucher, candidate, now: datetime | None = None) -> None:
    """E-mail the candidate a fresh link that replaces their voucher's number ("Lost your
    number?", SS-6); the link goes only to the account's address."""
    now = now or timezone.now()
    with locking.workflow():
        voucher = locking.lock_voucher(voucher.pk)
        voucher.check_can_send_recovery_link(candidate=candidate, on=anywhere_on_earth_date(now))
        event = audit.record(
            voucher,
            VoucherEvent.Action.RECOVERY_LINK_SENT,
            actor=candidate,
            at=now,
            candidate=candidate.pk,
        )
        tasks.enqueue_event_email(event)


def reissue_number_on_behalf(*, voucher: Voucher, actor, reason: str, now=None) -> None:
    """Support reissues the number for the candidate; it goes to the candidate's e-mail only.

    Returns nothing, so no staff screen can show the new number (SS-6).
    """
    reissue_number(voucher=voucher, actor=actor, reason=reason, now=now)


def resend_confirmation(*, voucher: Voucher, actor, reason: str, now=None) -> None:
    """Send the registration confirmation and its recovery link again (SS-6)."""
    now = now or timezone.now()
    with locking.workflow():
        voucher = locking.lock_voucher(voucher.pk)
        voucher.check_can_resend_confirmation(on=anywhere_on_earth_date(now))
        event = audit.record(
            voucher,
            VoucherEvent.Action.CONFIRMATION_RESENT,
            actor=actor,
            at=now,
            reason=reason,
            candidate=voucher.registered_by_id,
        )
        tasks.enqueue_event_email(event)
