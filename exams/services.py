"""Planning sittings at a test centre's local times (SS-9).

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

from .models import Sitting, TestCenter


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

    with transaction.atomic():
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
    report.created = len((now_there - existing) & set(planned))
    report.already_there = len(planned) - report.created
    return report
