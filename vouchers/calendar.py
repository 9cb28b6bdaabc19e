"""Calendar files (RFC 5545) for bookings, attached to every booking e-mail.

Times are written in UTC, which every calendar converts correctly to the
reader's zone, whatever daylight-saving change lies between; the description
names the centre's local time and zone (SS-9). A move keeps the UID of the
original booking with a higher SEQUENCE, so calendars update the event.
The words are in the active language: the booking e-mail builds the file in
the candidate's.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils.formats import date_format
from django.utils.translation import gettext

EXAM_LENGTH = timedelta(hours=3)


def _escape(text: str) -> str:
    return (
        str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, as RFC 5545 requires."""
    encoded, parts = line.encode(), []
    while len(encoded) > 75:
        cut = 75 if not parts else 74
        while (encoded[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = encoded[cut:]
    parts.append(encoded.decode())
    return "\r\n ".join(parts)


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
    location = ", ".join(
        part for part in (centre.name, centre.address, centre.city, centre.country) if part
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Second Shot//Portal//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:booking-{origin.pk}@{host}",
        f"SEQUENCE:{moves + (1 if cancelled else 0)}",
        f"DTSTAMP:{_utc(now or datetime.now(UTC))}",
        f"DTSTART:{_utc(sitting.starts_at)}",
        f"DTEND:{_utc(sitting.starts_at + EXAM_LENGTH)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
