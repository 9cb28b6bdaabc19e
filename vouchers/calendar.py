"""Calendar files (RFC 5545) for bookings, attached to every booking e-mail.

The sitting is written at the test centre's local time with its zone named
(``DTSTART;TZID=Europe/Berlin:20270328T090000``), and the file carries that zone
as a VTIMEZONE built from ``zoneinfo`` (see ``vtimezone``): a calendar shows the
exam at the centre's time with the right zone even where it does not know the
IANA name, and converts it right for the reader across daylight-saving changes.
A start in the hour that happens twice when summer time ends, second time round,
cannot be written as a local time (RFC 5545 reads it as the first); such a
sitting is written in UTC instead. The description names the centre's local time
and zone too (SS-9). A move keeps the UID of the original booking with a higher
SEQUENCE, so calendars update the event. The words are in the active language:
the booking e-mail builds the file in the candidate's.

The file is written by the ``icalendar`` library, which escapes every text (a
centre's address typed by staff may hold commas, semicolons, line breaks, a bare
carriage return) and folds long lines; only the VTIMEZONE's observances are
worked out here, from ``zoneinfo``, and handed to it as a component.
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils.formats import date_format
from django.utils.translation import gettext
from icalendar import Calendar, Event, Timezone

from core import zones

EXAM_LENGTH = timedelta(hours=3)


def _escape(text: str) -> str:
    return (
        str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _offset(delta: timedelta) -> str:
    """An RFC 5545 UTC offset: +0100, -0330, or +053328 where seconds matter."""
    sign = "-" if delta < timedelta(0) else "+"
    minutes, seconds = divmod(int(abs(delta).total_seconds()), 60)
    text = f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
    return text + (f"{seconds:02d}" if seconds else "")


# How finely the zone is scanned for changes: no zone changes its offset twice in
# six hours, and a found change is then narrowed to the second.
_SCAN_STEP = timedelta(hours=6)


def _observed(zone, moment: datetime) -> tuple:
    local = moment.astimezone(zone)
    return local.utcoffset(), local.tzname()


def _changes(zone, start: datetime, end: datetime) -> list[datetime]:
    """Return the UTC instants in [start, end) at which the zone's offset or name changes."""
    found, here = [], start
    while here < end:
        there = min(here + _SCAN_STEP, end)
        if _observed(zone, there) != _observed(zone, here):
            low, high = here, there  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _observed(zone, middle) == _observed(zone, low):
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
        here = there
    return found


def _observance(zone, onset: datetime | None, at: datetime) -> list[str]:
    """One STANDARD or DAYLIGHT component: the zone as it is from ``onset`` on.

    ``onset`` None means "as far back as matters": the zone has not changed in
    the year before the event, so it is written as holding since 1970.
    """
    after = at.astimezone(zone)
    before = (onset - timedelta(seconds=1)).astimezone(zone) if onset else after
    # Summer time; Europe/Dublin's "negative" winter saving reads as standard time.
    kind = "DAYLIGHT" if after.dst() and after.dst() > timedelta(0) else "STANDARD"
    # An onset is written as the local time it would have been without the change.
    start = (onset + before.utcoffset()).replace(tzinfo=None) if onset else datetime(1970, 1, 1)
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{_local(start)}",
        f"TZOFFSETFROM:{_offset(before.utcoffset())}",
        f"TZOFFSETTO:{_offset(after.utcoffset())}",
        f"TZNAME:{_escape(after.tzname())}",
        f"END:{kind}",
    ]


@lru_cache(maxsize=512)
def _changes_between_years(time_zone: str, first_year: int, last_year: int) -> tuple[datetime, ...]:
    """The zone's changes from the start of ``first_year`` to the end of ``last_year``.

    Scanning a zone takes milliseconds and its answer depends only on the zone
    database, so it is kept per process: every booking e-mail at a centre in the
    same years reads the same few changes (the benchmark found the scan was a
    third of a booking's time).
    """
    zone = zones.zone(time_zone)
    window = (
        datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC),
        datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC),
    )
    return tuple(_changes(zone, *window))


def vtimezone(time_zone: str, start: datetime, end: datetime) -> list[str]:
    """Return the lines of a VTIMEZONE for the zone, good for an event from start to end.

    It holds the observance in force when the event starts (the zone's last
    change before it, or a fixed offset for a zone that has not changed in a
    year) and every change after it until the end of the event's year, so the
    offsets at both ends of the event, and the nearest daylight-saving changes
    of that year, come from the zone itself.
    """
    zone = zones.zone(time_zone)
    first_year, last_year = start.astimezone(zone).year, end.astimezone(zone).year
    changes = _changes_between_years(time_zone, first_year - 1, last_year)
    before = [change for change in changes if change <= start]
    onsets = [before[-1] if before else None] + [change for change in changes if change > start]
    lines = ["BEGIN:VTIMEZONE", f"TZID:{time_zone}"]
    for onset in onsets:
        lines += _observance(zone, onset, onset or start)
    return [*lines, "END:VTIMEZONE"]


def _is_second_of_repeated_hour(local: datetime) -> bool:
    """Return True if the local time happens twice and this is the second time."""
    return local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset()


def _when(sitting, end: datetime) -> tuple[Timezone | None, datetime, datetime]:
    """Return (the VTIMEZONE, or None in UTC; the start; the end) to write for the sitting."""
    zone, time_zone = sitting.centre.zone, sitting.centre.time_zone
    local_start, local_end = sitting.starts_at.astimezone(zone), end.astimezone(zone)
    if _is_second_of_repeated_hour(local_start) or _is_second_of_repeated_hour(local_end):
        return None, sitting.starts_at.astimezone(UTC), end.astimezone(UTC)
    component = Timezone.from_ical("\r\n".join(vtimezone(time_zone, sitting.starts_at, end)))
    return component, local_start, local_end


def _chain(booking):
    """Return (the first booking of a move chain, how many moves led here)."""
    first, moves = booking, 0
    while True:
        try:
            first = first.replaces
        except ObjectDoesNotExist:
            return first, moves
        moves += 1


def booking_ics(booking, *, cancelled: bool = False, now: datetime | None = None) -> str:
    sitting, centre = booking.sitting, booking.sitting.centre
    local = sitting.local_start()
    origin, moves = _chain(booking)
    host = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "secondshot"
    description = "\n".join(
        [
            gettext("%(attempt)s of exam %(exam)s %(title)s.")
            % {
                "attempt": booking.get_attempt_display(),
                "exam": booking.exam.number,
                "title": booking.exam.title,
            },
            gettext("Starts %(when)s %(abbreviation)s (%(zone)s), local time at the test centre.")
            % {
                "when": date_format(local, "SITTING_FORMAT"),
                "abbreviation": local.tzname(),
                "zone": centre.time_zone,
            },
            gettext("Bring the photo ID that matches your name: %(name)s.")
            % {"name": booking.candidate.legal_name},
            gettext("Voucher %(number)s, valid until %(expires_on)s.")
            % {
                "number": booking.voucher.masked_number,
                "expires_on": date_format(booking.voucher.pack.expires_on, "DAY_FORMAT"),
            },
        ]
    )
    summary = gettext("Exam %(exam)s: %(title)s") % {
        "exam": booking.exam.number,
        "title": booking.exam.title,
    }
    zone, start, end = _when(sitting, sitting.starts_at + EXAM_LENGTH)
    location = ", ".join(
        part for part in (centre.name, centre.address, centre.city, centre.country.name) if part
    )
    file = Calendar()
    file.add("version", "2.0")
    file.add("prodid", "-//Second Shot//Portal//EN")
    file.add("calscale", "GREGORIAN")
    file.add("method", "CANCEL" if cancelled else "PUBLISH")
    if zone is not None:
        file.add_component(zone)
    event = Event()
    event.add("uid", f"booking-{origin.pk}@{host}")
    event.add("sequence", moves + (1 if cancelled else 0))
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    file.add_component(event)
    return file.to_ical().decode()
