"""The privacy workflows: export a person's data, erase it. Each one workflow
(``core.workflows``), refusing with ``Refused`` and the reasons in ``errors``.

Both ask every registered part (``registry``) for its share, and both are written
to the account's trail (``AccountEvent``) with who asked and, for support, why.
The parts run their own workflows inside the erasure's, and refuse with theirs.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.workflows import for_update, workflow

from . import account, registry
from .errors import Reason, Refused
from .models import AccountEvent
from .registry import Obstacle


def export_personal_data(*, person, actor, reason: str = "", now: datetime | None = None) -> dict:
    """Return everything the portal holds about the person, and record that it was taken.

    ``actor`` is the person, or the support staff member who exports it for them
    with a ``reason``. Dates stay datetimes: the page writes them as ISO 8601.
    """
    now = now or timezone.now()
    with workflow():
        data = {"exported_at": now, **account.export(person)}
        for part in registry.parts():
            for section, value in part.export(person, at=now).items():
                if section in data:
                    raise ValueError(f"Two parts export a section named {section!r}.")
                data[section] = value
        AccountEvent.objects.create(
            person=person, actor=actor, action=AccountEvent.Action.EXPORTED, at=now, reason=reason
        )
    return data


def obstacles_to_erasure(person, *, at: datetime) -> list[Obstacle]:
    """Return what stands in the way of erasing the person at ``at``: nothing, or the reasons."""
    if person.is_staff or person.is_superuser:
        return [Obstacle("privacy.staff", Refused(Reason.STAFF_ACCOUNT))]
    if AccountEvent.is_erased(person):
        return [Obstacle("privacy.erased", Refused(Reason.ALREADY_ERASED))]
    return [obstacle for part in registry.parts() for obstacle in part.obstacles(person, at=at)]


def lock_person(pk: int):
    """Lock and read the person's row, first, as the booking workflow locks it first
    (``vouchers/locking.py``): a booking waits for the erasure, then finds the account
    closed; an erasure that waited for a booking finds it."""
    return for_update(get_user_model().objects.filter(pk=pk)).get()


def erase_person(
    *,
    person,
    actor,
    reason: str = "",
    consents: frozenset[str] = frozenset(),
    details: dict | None = None,
    now: datetime | None = None,
) -> AccountEvent:
    """Erase the person's data; return the trail's record of it. Refused, and nothing
    changed, while an obstacle stands that the person did not consent to lift
    (``consents`` holds the keys of those they did): with the first one's reason.

    Every part erases its share through its own workflows, then the account row is
    scrubbed: its address becomes a pseudonym that receives no mail, and it can no
    longer sign in. ``actor`` is the person, a support staff member (with a
    ``reason``) or None for the retention job (with ``details``).
    """
    now = now or timezone.now()
    consents = frozenset(consents)
    with workflow():
        person = lock_person(person.pk)
        standing = [
            obstacle
            for obstacle in obstacles_to_erasure(person, at=now)
            if not (obstacle.can_be_lifted() and obstacle.key in consents)
        ]
        if standing:
            raise standing[0].refusal
        done = {}
        for part in registry.parts():
            done.update(part.erase(person, actor=actor, at=now, consents=consents))
        done.update(account.erase(person, at=now))
        return AccountEvent.objects.create(
            person=person,
            actor=actor,
            action=AccountEvent.Action.ERASED,
            at=now,
            reason=reason,
            details={**done, **(details or {})},
        )
