"""The support e-mails, sent by the task queue (``django.tasks``), never by a page.

Arguments are plain JSON values, as a database queue stores them; the names are the
paths it stores (``support.tasks.send_reply``): renaming one would orphan waiting tasks.
"""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from core.workflows import for_update

from . import emails
from .models import SupportReply


@task
def send_reply(reply_id: int) -> str:
    """E-mail support's reply to the candidate, once: the reply's ``emailed_at`` is
    written in the transaction that sends, so a task run twice sends it once."""
    with transaction.atomic():
        reply = (
            for_update(SupportReply.objects.filter(pk=reply_id))
            .select_related("request__candidate", "request__voucher")
            .first()
        )
        if reply is None or reply.emailed_at is not None:
            return "already_sent"
        emails.send_reply(reply)
        reply.emailed_at = timezone.now()
        reply.save(update_fields=["emailed_at"])
    return "sent"
