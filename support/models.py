"""Support requests, support's replies, and support's trail.

A candidate writes a request from the portal (``views.ContactView``); support reads
it in the back office, replies (the reply is e-mailed) and closes it. What support
did, and the legal names it corrected, are in ``SupportEvent``: append-only, as the
other trails are, and holding no personal data (no names, no message text).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.append_only import TrailEvent
from vouchers.models import Voucher


class SupportRequest(models.Model):
    """A candidate's question to support, about their account or one of their vouchers."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("candidate"),
    )
    voucher = models.ForeignKey(
        Voucher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("voucher"),
    )
    subject = models.CharField(_("subject"), max_length=150)
    message = models.TextField(_("message"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Support's list: the open requests, oldest waiting first.
            models.Index(fields=["status", "created_at"], name="support_request_by_status"),
        ]

    def __str__(self):
        return self.subject

    def is_closed(self) -> bool:
        """Return True if support closed the request: it takes no more replies."""
        return self.status == self.Status.CLOSED


class SupportReply(models.Model):
    """Support's answer to a request, e-mailed to the candidate once (``tasks.send_reply``)."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.PROTECT, related_name="replies", verbose_name=_("request")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    message = models.TextField(_("reply"), max_length=5000)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]

    def __str__(self):
        if self.created_at is None:
            return f"#{self.request_id}"
        # The back office's one date format (core/formats), in the reader's time zone.
        when = date_format(timezone.localtime(self.created_at), "DATETIME_FORMAT")
        return f"#{self.request_id}: {when}"


class SupportEvent(TrailEvent):
    """One line of support's trail: a request opened, answered or closed, a legal name
    corrected. The details hold ids and staff reasons, never a name or a message."""

    class Action(models.TextChoices):
        OPENED = "support.request_opened", _("Request sent")
        ANSWERED = "support.request_answered", _("Request answered")
        CLOSED = "support.request_closed", _("Request closed")
        LEGAL_NAME_CORRECTED = "support.legal_name_corrected", _("Legal name corrected")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("candidate"),
    )
    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("request"),
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    # Staff text, asked when support corrects an account: never the person's own words.
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("support event")
        verbose_name_plural = _("support events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"], name="support_event_by_person")]
        permissions = [
            ("correct_legal_name", _("Can correct a candidate's legal name on request")),
        ]

    def __str__(self):
        return f"{self.get_action_display()} — #{self.person_id}"
