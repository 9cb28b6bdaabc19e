"""The catalogue's workflows: saving an exam, a test centre or a sitting, and planning a
series of sittings at a test centre's local times (SS-9, SS-11, SS-13).

Each saves with the row locked and asks its policy under the lock, as the voucher
workflows do (``core/workflows.py``), so a booking arriving at the same moment
cannot slip past: a booking locks the sitting it takes a seat at.

Planning sittings at a test centre's local times:

A centre plans its day on its own clock ("09:00 and 14:00"); sittings are
stored in UTC, so the UTC hour of a series moves when the centre's clocks
change. Twice a year a local time may not exist (the clocks skip an hour in
spring) or happen twice (they go back in autumn). A time that does not exist
is skipped and reported, never shifted: a sitting at a time nobody planned is
worse than none. A time that happens twice is the first one (still summer
time) and is reported too.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from core.workflows import for_update, workflow

from .errors import Reason, Refused
from .models import Exam, Sitting, TestCenter
from .places import forget_centre_places


def save_sitting(*, sitting: Sitting) -> Sitting:
    """Save a new or changed sitting: its centre, start and seats (SS-11, SS-13).

    ``sitting`` holds the new values (a form's instance). A changed one is locked
    and asked ``Sitting.check_can_change`` against what is stored; a start the
    centre already has is refused. The seats taken are the booking workflows'
    (``exams/seats.py``): saving never writes them.
    """
    with workflow():
        if sitting.pk is not None:
            stored = for_update(Sitting.objects.filter(pk=sitting.pk)).get()
            stored.check_can_change(
                centre=sitting.centre, starts_at=sitting.starts_at, seats=sitting.seats
            )
            sitting.seats_taken = stored.seats_taken
        same_start = Sitting.objects.filter(centre=sitting.centre, starts_at=sitting.starts_at)
        if same_start.exclude(pk=sitting.pk).exists():
            raise Refused(Reason.SITTING_EXISTS)
        sitting.save()
    return sitting


def save_centre(*, centre: TestCenter, now: datetime | None = None) -> TestCenter:
    """Save a new or changed test centre; its time zone stays while it has booked sittings
    to come (SS-13). Its future sittings are locked first: a booking waits, or is seen."""
    now = now or timezone.now()
    with workflow():
        if centre.pk is not None:
            list(
                for_update(Sitting.objects.filter(centre=centre.pk, starts_at__gt=now)).values("pk")
            )
            stored = for_update(TestCenter.objects.filter(pk=centre.pk)).get()
            stored.check_can_change(time_zone=centre.time_zone, at=now)
        centre.save()
        # The sitting search's countries and cities (exams/places.py).
        transaction.on_commit(forget_centre_places)
    return centre


def save_exam(*, exam: Exam, now: datetime | None = None) -> Exam:
    """Save a new or changed exam; its number stays, and it stays offered, while candidates
    are booked on it for sittings to come (SS-13).

    Booking does not lock the exam's row, so a booking made in the very instant of the
    change can slip past; exams change rarely, and only in the back office
    (docs/decisions.md).
    """
    now = now or timezone.now()
    with workflow():
        if exam.pk is not None:
            stored = for_update(Exam.objects.filter(pk=exam.pk)).get()
            stored.check_can_change(number=exam.number, is_active=exam.is_active, at=now)
        exam.save()
    return exam


def local_to_utc(day: date, at: time, zone) -> datetime | None:
    """Return the UTC moment of a wall-clock time in the zone, or None if the clocks skip it."""
    local = datetime.combine(day, at, tzinfo=zone)
    try:
        moment = local.astimezone(UTC)
    except OverflowError:  # the first or last hours of the calendar
        return None
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment


def is_ambiguous(day: date, at: time, zone) -> bool:
    """Return True if the wall-clock time happens twice in the zone that day (clocks go back)."""
    local = datetime.combine(day, at, tzinfo=zone)
    return local.utcoffset() != local.replace(fold=1).utcoffset()


@dataclass
class SeriesReport:
    """What ``create_sitting_series`` did; the local times are naive, at the centre."""

    created: int = 0
    already_there: int = 0
    in_the_past: int = 0
    skipped_by_the_clock: list[datetime] = field(default_factory=list)
    first_of_two: list[datetime] = field(default_factory=list)
    # The first and last start (UTC) of the sittings this series created.
    created_from: datetime | None = None
    created_until: datetime | None = None


def create_sitting_series(
    *,
    centre: TestCenter,
    first_day: date,
    last_day: date,
    weekdays: set[int],
    local_times: list[time],
    seats: int,
    now: datetime | None = None,
) -> SeriesReport:
    """Create a sitting on each chosen weekday (0 is Monday) at each local time, from
    the first day to the last, both included.

    Sittings that already exist (same centre and start) or have already
    started are skipped, so running the same series twice creates nothing new.
    """
    now = now or timezone.now()
    report = SeriesReport()
    planned = []
    day = first_day
    while day <= last_day:
        if day.weekday() in weekdays:
            for at in sorted(set(local_times)):
                starts_at = local_to_utc(day, at, centre.zone)
                if starts_at is None:
                    report.skipped_by_the_clock.append(datetime.combine(day, at))
                    continue
                if is_ambiguous(day, at, centre.zone):
                    report.first_of_two.append(datetime.combine(day, at))
                if starts_at <= now:
                    report.in_the_past += 1
                    continue
                planned.append(starts_at)
        day += timedelta(days=1)
    if not planned:
        return report

    with workflow():
        in_range = Sitting.objects.filter(
            centre=centre, starts_at__range=(min(planned), max(planned))
        )
        existing = set(in_range.values_list("starts_at", flat=True))
        Sitting.objects.bulk_create(
            [
                Sitting(centre=centre, starts_at=at, seats=seats)
                for at in planned
                if at not in existing
            ],
            # Another administrator may add the same sitting meanwhile: the
            # unique (centre, start) constraint keeps one, and the count below tells.
            ignore_conflicts=True,
        )
        now_there = set(in_range.values_list("starts_at", flat=True))
    created = (now_there - existing) & set(planned)
    report.created = len(created)
    if created:
        report.created_from, report.created_until = min(created), max(created)
    report.already_there = len(planned) - report.created
    return report
