"""The account's trail: every export and erasure of a person's data, who asked, and why.

The voucher trail (``VoucherEvent``) records what happened to a voucher; this one
records what happened to a person's data, which a person without any voucher has
too. It is append-only in the model and in the database (triggers, migration 0002),
as the voucher trail is, and holds no personal data: the person is a pointer to
their account row, which erasure scrubs.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.append_only import TrailEvent

# The e-mail address an erased account is left with: the reserved top-level domain
# .invalid (RFC 2606) can receive no mail, and the mailer sends nothing there.
ERASED_DOMAIN = "erased.invalid"


def pseudonym(person) -> str:
    """The address an erased account keeps: unique, and naming nobody."""
    return f"erased-{person.pk}@{ERASED_DOMAIN}"


class AccountEvent(TrailEvent):
    """One line of the account's trail: a person's data exported or erased."""

    class Action(models.TextChoices):
        EXPORTED = "account.exported", _("Personal data exported")
        ERASED = "account.erased", _("Personal data erased")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    # Staff text, written when support acts on a request: never the person's own words.
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["person", "action"]),
            # The back office's list, newest first (the retention job may write many).
            models.Index(fields=["-at", "-id"], name="account_event_newest_first"),
        ]
        permissions = [
            ("handle_privacy_requests", _("Can export and erase a candidate's data on request")),
        ]

    def __str__(self):
        return f"{self.get_action_display()} — #{self.person_id}"

    @classmethod
    def is_erased(cls, person) -> bool:
        """Return True if the person's data has been erased."""
        return cls.objects.filter(person=person, action=cls.Action.ERASED).exists()
