"""The register of personal data: each app says what it holds about a person, and how
that is exported and erased.

pretix's data shredders are the model: one object per kind of data, contributed
by the app that holds it, each able to export its part and to erase it while
keeping the records the business must keep. Here the part is a
``PersonalData``; an app registers one in its ``AppConfig.ready``::

    from privacy import registry

    @registry.register
    class SupportRequests(registry.PersonalData):
        name = "support_requests"

        def export(self, person, *, at):
            return {"support_requests": [...]}

        def erase(self, person, *, actor, at, consents):
            ...
            return {"support_requests_scrubbed": count}

The account itself (the User row, its sessions, the admin's log of it) is not
a part: ``privacy.services`` exports it first and scrubs it last, after every
part has run, in the same transaction.

An app below this one (``accounts``, ``exams``) cannot register: it cannot
import this module. None of them holds personal data besides the User row.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from core.workflows import Refused

_parts: dict[str, "PersonalData"] = {}


@dataclass(frozen=True)
class Obstacle:
    """Something that stands in the way of erasing a person now.

    ``refusal`` is what erasure is refused with while it stands, in its app's
    reasons. ``consent`` is the question that lifts it (a box the person ticks:
    "cancel this booking"), or None when nothing can lift it now and it must go
    by itself.
    """

    key: str
    refusal: Refused
    consent: str | None = None

    @property
    def message(self) -> str:
        return self.refusal.message

    def can_be_lifted(self) -> bool:
        """Return True if the person can consent to what lifts it."""
        return self.consent is not None


class PersonalData:
    """One app's part of a person's data. Every method has a harmless default.

    - ``export(person, at=)``: sections of the export, ``{section: value}``
      (JSON, dates as dates); nothing of another person, staff included.
    - ``obstacles(person, at=)``: what stands in the way of erasure now.
    - ``erase(person, actor=, at=, consents=)``: erase or scrub what the app holds,
      through its own workflows; ``consents`` holds the keys of the obstacles the
      person consented to lift. It runs in the erasure's workflow after the
      person's row is locked, re-checks its obstacles, and raises ``Refused``
      (``core.workflows``) to undo the whole erasure. Returns what it did,
      counted, for the account's trail.
    - ``keeps(since=, at=)``: a condition on the User (a ``Q``, with
      ``OuterRef("pk")`` for the person) that holds for the people the retention
      job must keep: active here since ``since``, or holding something still
      live at ``at``.
    - ``last_activity(person)``: the person's latest activity here, for the
      retention job's report.
    """

    name: str = ""

    def export(self, person, *, at: datetime) -> dict:
        return {}

    def obstacles(self, person, *, at: datetime) -> list[Obstacle]:
        return []

    def erase(self, person, *, actor, at: datetime, consents: frozenset[str]) -> dict[str, int]:
        return {}

    def keeps(self, *, since: datetime, at: datetime) -> Q | None:
        return None

    def last_activity(self, person) -> datetime | None:
        return None


def register(part):
    """Register a part (a ``PersonalData`` subclass or instance); return it unchanged.

    Registering the same name twice replaces the first, so a module imported
    again (tests, autoreload) does not add a second copy.
    """
    instance = part() if isinstance(part, type) else part
    if not instance.name:
        raise ValueError(f"{part!r} has no name")
    _parts[instance.name] = instance
    return part


def parts() -> list[PersonalData]:
    """Every registered part, in the order the apps registered them."""
    return list(_parts.values())
