"""Which accounts the retention job erases, and why (docs/privacy.md, "Retention").

A candidate's account is erased once it has had no activity for
``PRIVACY_RETENTION_YEARS`` and holds nothing live: not signed in, not joined, and
nothing in any registered part (``PersonalData.keeps``: for the offer, no voucher
event, no sitting, and no voucher that is neither voided nor expired). Staff
accounts are never erased here; nor is one already erased.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from . import registry
from .models import AccountEvent


@dataclass(frozen=True)
class Inactive:
    """An account the job erases, with what it read to decide."""

    person: object
    last_activity: datetime


def years_before(at: datetime, years: int) -> datetime:
    """The same moment ``years`` earlier (29 February becomes the 28th)."""
    try:
        return at.replace(year=at.year - years)
    except ValueError:
        return at.replace(year=at.year - years, day=28)


def inactive_since(at: datetime) -> datetime:
    return years_before(at, settings.PRIVACY_RETENTION_YEARS)


def last_activity(person) -> datetime:
    """The person's latest activity anywhere: joining, signing in, or in a registered part."""
    moments = [person.date_joined, person.last_login]
    moments += [part.last_activity(person) for part in registry.parts()]
    return max(moment for moment in moments if moment is not None)


def inactive_accounts(*, at: datetime) -> list[Inactive]:
    """Return the accounts due for erasure at ``at``, oldest account first."""
    since = inactive_since(at)
    erased = AccountEvent.objects.filter(person=OuterRef("pk"), action=AccountEvent.Action.ERASED)
    people = (
        get_user_model()
        .objects.filter(is_staff=False, is_superuser=False, date_joined__lt=since)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=since))
        .exclude(Exists(erased))
    )
    for part in registry.parts():
        kept = part.keeps(since=since, at=at)
        if kept is not None:
            people = people.exclude(kept)
    return [Inactive(person, last_activity(person)) for person in people.order_by("pk")]
