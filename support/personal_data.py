"""What support holds about a candidate, registered with the privacy app (``privacy.registry``).

Exported: the candidate's requests (subject, message, status, the voucher's last four
symbols) with support's replies, never who on staff wrote them.

Erased: the words of every request and reply (the candidate's, and support's, which
may quote them) are scrubbed and open requests are closed; the rows stay, counted,
and support's trail (``SupportEvent``), which never held a name or a message, stays.
"""

from datetime import datetime

from django.db.models import Exists, Max, OuterRef, Q

from privacy import registry

from .models import SupportReply, SupportRequest

SCRUBBED = "—"


@registry.register
class SupportData(registry.PersonalData):
    name = "support"

    def export(self, person, *, at: datetime) -> dict:
        requests = (
            SupportRequest.objects.filter(candidate=person.pk)
            .select_related("voucher")
            .prefetch_related("replies")
            .order_by("created_at", "pk")
        )
        return {
            "support_requests": [
                {
                    "sent_at": request.created_at,
                    "subject": request.subject,
                    "message": request.message,
                    "status": request.status,
                    "voucher": request.voucher.number_last4 if request.voucher else None,
                    "replies": [
                        {"sent_at": reply.created_at, "message": reply.message}
                        for reply in request.replies.all()
                    ],
                }
                for request in requests
            ]
        }

    def erase(self, person, *, actor, at: datetime, consents: frozenset[str]) -> dict[str, int]:
        requests = SupportRequest.objects.filter(candidate=person.pk)
        replies = SupportReply.objects.filter(request__candidate=person.pk).update(message=SCRUBBED)
        scrubbed = requests.update(
            subject=SCRUBBED, message=SCRUBBED, status=SupportRequest.Status.CLOSED
        )
        return {"support_requests_scrubbed": scrubbed, "support_replies_scrubbed": replies}

    def keeps(self, *, since: datetime, at: datetime) -> Q:
        return Q(
            Exists(SupportRequest.objects.filter(candidate=OuterRef("pk"), created_at__gte=since))
        )

    def last_activity(self, person) -> datetime | None:
        return SupportRequest.objects.filter(candidate=person.pk).aggregate(at=Max("created_at"))[
            "at"
        ]
