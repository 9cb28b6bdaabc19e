"""The audit trail read by people: its details name people, exams, sittings and their
centres rather than the ids the workflows wrote (``audit.record``).

Every name on a page is read at once: one query for the people, one for the sittings
with their centres, one for the exams, whatever the number of events.
"""

from django.contrib.auth import get_user_model
from django.utils.functional import cached_property

from backoffice.paging import FirstRowsFormSet
from exams.models import Exam, Sitting

from ..models import Booking

PEOPLE = {"candidate", "owner", "returned_from"}
SITTINGS = {"sitting", "from_sitting", "to_sitting"}
EXAMS = {"exam"}
REFERENCES = {"booking", "pack"}  # numbers staff read as they are: "#12"
CHOICES = {"outcome": Booking.Outcome, "attempt": Booking.Attempt}


def name_details(events) -> None:
    """Set ``event.readable_details`` on each event, reading the names for all at once."""
    events = list(events)
    wanted = {"people": set(), "sittings": set(), "exams": set()}
    for event in events:
        for key, value in event.details.items():
            if value in (None, ""):
                continue
            if key in PEOPLE:
                wanted["people"].add(value)
            elif key in SITTINGS:
                wanted["sittings"].add(value)
            elif key in EXAMS:
                wanted["exams"].add(value)
    people = _read(
        wanted["people"],
        lambda ids: get_user_model().objects.filter(pk__in=ids).values_list("pk", "email"),
    )
    sittings = _read(
        wanted["sittings"],
        lambda ids: (
            (sitting.pk, str(sitting))
            for sitting in Sitting.objects.filter(pk__in=ids).select_related("centre")
        ),
    )
    exams = _read(
        wanted["exams"],
        lambda numbers: (
            (exam.number, str(exam)) for exam in Exam.objects.filter(number__in=numbers)
        ),
    )
    names = {**dict.fromkeys(PEOPLE, people), **dict.fromkeys(SITTINGS, sittings)}
    names |= dict.fromkeys(EXAMS, exams)
    for event in events:
        event.readable_details = "; ".join(
            f"{key.replace('_', ' ')}: {_shown(key, value, names)}"
            for key, value in event.details.items()
        )


def _read(keys, rows) -> dict:
    return dict(rows(keys)) if keys else {}


def _shown(key, value, names) -> str:
    if key in names and value in names[key]:
        return names[key][value]
    if key in REFERENCES:
        return f"#{value}"
    if key in CHOICES and value in CHOICES[key].values:
        return str(CHOICES[key](value).label)
    return str(value)


def readable_details(event) -> str:
    """The event's details as ``name_details`` wrote them, or as stored if it did not run."""
    if not hasattr(event, "readable_details"):
        name_details([event])
    return event.readable_details


class NamedDetailsFormSet(FirstRowsFormSet):
    """An inline of audit events whose details name what they concern, read at once."""

    @cached_property
    def _read(self) -> list:
        read = super()._read
        name_details(read)
        return read
