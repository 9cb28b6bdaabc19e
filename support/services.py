"""The support workflows: a candidate sends a request; support replies, closes it, or
corrects a candidate's legal name. Each one workflow (``core.workflows``), refusing
with ``Refused`` and the reasons in ``errors``, writing support's trail
(``SupportEvent``) and queuing its e-mail with its change (``tasks``)."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.tasks import enqueue_with_commit
from core.workflows import for_update, workflow
from vouchers.models import Voucher

from . import tasks
from .errors import Reason, Refused
from .models import SupportEvent, SupportReply, SupportRequest


def send_support_request(
    *, candidate, subject: str, message: str, voucher=None, now: datetime | None = None
) -> SupportRequest:
    """Store the candidate's request for support, about their account or one of their
    vouchers (only their own)."""
    now = now or timezone.now()
    with workflow():
        if (
            voucher is not None
            and not Voucher.objects.filter(pk=voucher.pk, registered_by=candidate.pk).exists()
        ):
            raise Refused(Reason.VOUCHER_NOT_YOURS)
        request = SupportRequest.objects.create(
            candidate=candidate,
            voucher=voucher,
            subject=" ".join(subject.split()),  # one line: it heads the reply e-mail
            message=message.strip(),
        )
        SupportEvent.objects.create(
            person=candidate,
            request=request,
            action=SupportEvent.Action.OPENED,
            actor=candidate,
            at=now,
        )
    return request


def reply_to_request(
    *, request: SupportRequest, author, message: str, now: datetime | None = None
) -> SupportReply:
    """Answer the request: the reply is e-mailed to the candidate and the request is answered.

    Refused once the request is closed.
    """
    now = now or timezone.now()
    with workflow():
        request = for_update(SupportRequest.objects.filter(pk=request.pk)).get()
        if request.is_closed():
            raise Refused(Reason.REQUEST_CLOSED)
        reply = SupportReply.objects.create(request=request, author=author, message=message.strip())
        _mark(
            request,
            SupportRequest.Status.ANSWERED,
            SupportEvent.Action.ANSWERED,
            actor=author,
            at=now,
            details={"reply": reply.pk},
        )
        enqueue_with_commit(tasks.send_reply, reply.pk)
    return reply


def close_request(*, request: SupportRequest, actor, now: datetime | None = None) -> None:
    """Close the request: nothing more to do. Closing a closed one changes nothing."""
    now = now or timezone.now()
    with workflow():
        request = for_update(SupportRequest.objects.filter(pk=request.pk)).get()
        if request.is_closed():
            return
        _mark(
            request, SupportRequest.Status.CLOSED, SupportEvent.Action.CLOSED, actor=actor, at=now
        )


def _mark(request, status, action, *, actor, at, details=None) -> None:
    """Give the locked request its new status and write the change to support's trail."""
    request.status = status
    request.save(update_fields=["status", "updated_at"])
    SupportEvent.objects.create(
        person_id=request.candidate_id,
        request=request,
        action=action,
        actor=actor,
        at=at,
        details=details or {},
    )


def correct_legal_name(
    *, person, actor, legal_name: str, reason: str, now: datetime | None = None
) -> None:
    """Correct a candidate's legal name, as printed on their ID, on their request.

    The trail keeps who did it, when and why, never the names themselves (personal
    data, which erasure scrubs from the account and nowhere else).
    """
    now = now or timezone.now()
    legal_name = " ".join(legal_name.split())
    if not legal_name:
        raise Refused(Reason.NAME_EMPTY)
    with workflow():
        person = for_update(get_user_model().objects.filter(pk=person.pk)).get()
        if person.is_staff or person.is_superuser:
            raise Refused(Reason.NOT_A_CANDIDATE)
        if person.legal_name == legal_name:
            raise Refused(Reason.NAME_UNCHANGED)
        person.legal_name = legal_name
        person.save(update_fields=["legal_name"])
        SupportEvent.objects.create(
            person=person,
            action=SupportEvent.Action.LEGAL_NAME_CORRECTED,
            actor=actor,
            at=now,
            reason=reason.strip(),
        )
