"""Sittings on the days the clocks change, north and south of the equator (SS-9).

Each case is a 09:00 sitting on the day summer time starts or ends at the
centre, and one the day before: the e-mail must name the local time with the
zone's abbreviation of that day, and the calendar file must place the exam at
the right UTC instant. The calendar file is read with ``icalendar``, whose
VTIMEZONE reader (dateutil's) interprets the zone from the file alone, not from
its own copy of the IANA database, so a wrong VTIMEZONE would show.
"""

import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from tests.factories import (
    BookingFactory,
    CandidateFactory,
    ExamFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
    local_datetime,
)
from tests.portal.pages import ics_of
from vouchers import calendar, emails
from vouchers.reminders import send_once

pytestmark = pytest.mark.django_db

CASES = [
    # Europe: summer time starts on the last Sunday of March (02:00 CET → 03:00 CEST).
    pytest.param(
        "Europe/Berlin", date(2027, 3, 28), "CEST", timedelta(hours=2),
        datetime(2027, 3, 28, 7, 0, tzinfo=UTC), "Sunday 28 March 2027, 09:00 CEST", "16:00 JST",
        id="berlin-summer-time-starts",
    ),
    pytest.param(
        "Europe/Berlin", date(2027, 3, 27), "CET", timedelta(hours=1),
        datetime(2027, 3, 27, 8, 0, tzinfo=UTC), "Saturday 27 March 2027, 09:00 CET", "17:00 JST",
        id="berlin-day-before",
    ),
    # New Zealand: summer time ends on the first Sunday of April (03:00 NZDT → 02:00 NZST).
    pytest.param(
        "Pacific/Auckland", date(2027, 4, 4), "NZST", timedelta(hours=12),
        datetime(2027, 4, 3, 21, 0, tzinfo=UTC), "Sunday 4 April 2027, 09:00 NZST", "06:00 JST",
        id="auckland-summer-time-ends",
    ),
    pytest.param(
        "Pacific/Auckland", date(2027, 4, 3), "NZDT", timedelta(hours=13),
        datetime(2027, 4, 2, 20, 0, tzinfo=UTC), "Saturday 3 April 2027, 09:00 NZDT", "05:00 JST",
        id="auckland-day-before",
    ),
    # Eastern Australia: summer time starts on the first Sunday of October (02:00 → 03:00).
    pytest.param(
        "Australia/Sydney", date(2027, 10, 3), "AEDT", timedelta(hours=11),
        datetime(2027, 10, 2, 22, 0, tzinfo=UTC), "Sunday 3 October 2027, 09:00 AEDT", "07:00 JST",
        id="sydney-summer-time-starts",
    ),
    pytest.param(
        "Australia/Sydney", date(2027, 10, 2), "AEST", timedelta(hours=10),
        datetime(2027, 10, 1, 23, 0, tzinfo=UTC), "Saturday 2 October 2027, 09:00 AEST",
        "08:00 JST",
        id="sydney-day-before",
    ),
]  # fmt: skip
FIELDS = "time_zone, day, abbreviation, offset, utc_start, local_text, tokyo_text"


def booking_at(time_zone: str, day: date, *, candidate_zone: str = ""):
    centre = TestCenterFactory(time_zone=time_zone, city=time_zone.split("/")[-1])
    sitting = SittingFactory(
        centre=centre, starts_at=local_datetime(time_zone, day.year, day.month, day.day, 9)
    )
    candidate = CandidateFactory(time_zone=candidate_zone)
    voucher = RegisteredVoucherFactory(registered_by=candidate, pack__expires_on=date(2027, 12, 31))
    return BookingFactory(candidate=candidate, voucher=voucher, sitting=sitting, exam=ExamFactory())


def event_times(ics: str):
    """(DTSTART, DTEND) as aware datetimes, read through the file's own VTIMEZONE."""
    cal = Calendar.from_ical(ics)
    (vtimezone,) = cal.walk("VTIMEZONE")
    zone = vtimezone.to_tz(lookup_tzid=False)  # from the file's observances alone
    (event,) = cal.walk("VEVENT")
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    return start.replace(tzinfo=zone), end.replace(tzinfo=zone)


@pytest.mark.parametrize(FIELDS, CASES)
def test_a_sitting_on_a_change_day_is_stored_at_the_right_utc_instant(
    time_zone, day, abbreviation, offset, utc_start, local_text, tokyo_text
):
    """SS-9: sittings are stored in UTC."""
    sitting = booking_at(time_zone, day).sitting
    sitting.refresh_from_db()

    assert sitting.starts_at == utc_start
    assert sitting.local_start().utcoffset() == offset
    assert sitting.local_start().tzname() == abbreviation


@pytest.mark.parametrize(FIELDS, CASES)
def test_the_booking_email_names_the_local_time_with_that_days_abbreviation(
    mailoutbox, time_zone, day, abbreviation, offset, utc_start, local_text, tokyo_text
):
    """SS-9: and the candidate's own time, computed for that instant."""
    booking = booking_at(time_zone, day, candidate_zone="Asia/Tokyo")

    emails.send_booking_notice(booking, "booked")

    (message,) = mailoutbox
    assert f"{local_text} (local time at the centre, {time_zone})" in message.body
    assert f"{day:%-d %B %Y} at 09:00 {abbreviation}" in message.subject
    assert f"{tokyo_text} your time" in message.body


@pytest.mark.parametrize(FIELDS, CASES)
def test_the_reminder_the_day_before_names_the_local_time_with_that_days_abbreviation(
    django_capture_on_commit_callbacks,
    mailoutbox,
    time_zone,
    day,
    abbreviation,
    offset,
    utc_start,
    local_text,
    tokyo_text,
):
    """SS-9: on a change day it is sent while the centre's clock still shows the old offset."""
    booking = booking_at(time_zone, day, candidate_zone="Asia/Tokyo")
    the_day_before = local_datetime(time_zone, day.year, day.month, day.day, 9) - timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = send_once(
            voucher_id=booking.voucher_id,
            occasion="sitting_tomorrow",
            booking_id=booking.pk,
            now=the_day_before,
        )

    assert outcome == "claimed"
    (message,) = mailoutbox
    assert f"is on {local_text} (local time at the test centre, {time_zone})." in message.body
    assert f"That is {tokyo_text} your time." in message.body
    assert message.subject.endswith(f"{day:%d %B %Y} at 09:00 {abbreviation}")


@pytest.mark.parametrize(FIELDS, CASES)
def test_the_calendar_file_places_the_exam_at_the_right_instant_with_the_right_offset(
    mailoutbox, time_zone, day, abbreviation, offset, utc_start, local_text, tokyo_text
):
    """SS-9: local time with TZID, and a VTIMEZONE that maps it to the right UTC instant."""
    emails.send_booking_notice(booking_at(time_zone, day), "booked")
    ics = ics_of(mailoutbox[0])

    assert f"DTSTART;TZID={time_zone}:{day:%Y%m%d}T090000\r\n" in ics
    assert f"DTEND;TZID={time_zone}:{day:%Y%m%d}T120000\r\n" in ics
    start, end = event_times(ics)
    assert start.utcoffset() == offset
    assert start.tzname() == abbreviation
    assert start.astimezone(UTC) == utc_start
    assert end.astimezone(UTC) == utc_start + calendar.EXAM_LENGTH


@pytest.mark.parametrize(FIELDS, CASES)
def test_the_calendar_file_is_valid_rfc_5545(
    time_zone, day, abbreviation, offset, utc_start, local_text, tokyo_text
):
    ics = calendar.booking_ics(booking_at(time_zone, day))

    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert_components_nest(ics)
    cal = Calendar.from_ical(ics)
    assert cal.errors == []
    assert {"VERSION", "PRODID"} <= set(cal)
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert vtimezone["TZID"] == time_zone
    observances = vtimezone.subcomponents
    assert observances and {o.name for o in observances} <= {"STANDARD", "DAYLIGHT"}
    for observance in observances:
        assert {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"} <= set(observance)
        assert observance.errors == []
    (event,) = cal.walk("VEVENT")
    assert {"UID", "DTSTAMP", "DTSTART", "DTEND"} <= set(event)


def test_staff_text_cannot_break_the_calendar_file_apart():
    """Bare carriage returns, line breaks, commas and semicolons typed into a centre's
    address are escaped; no line of the file is staff's own (no injected property)."""
    booking = booking_at("Europe/Berlin", date(2027, 3, 27))
    centre = booking.sitting.centre
    centre.address = "Hall 3\rATTACH:https://evil.example/x\nURL:https://evil.example;,\\"
    centre.save()

    ics = calendar.booking_ics(booking)

    assert "\r" not in ics.replace("\r\n", "") and "\n" not in ics.replace("\r\n", "")
    lines = ics.replace("\r\n ", "").split("\r\n")
    assert not any(line.startswith(("ATTACH", "URL")) for line in lines)
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert "Hall 3\nATTACH:https://evil.example/x\nURL:https://evil.example;,\\" in str(
        event["LOCATION"]
    )


def assert_components_nest(ics: str) -> None:
    stack = []
    for line in ics.split("\r\n"):
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
        elif line.startswith("END:"):
            assert stack.pop() == line[4:], f"{line} closes something else"
    assert stack == []


def test_the_vtimezone_holds_the_days_observance_and_the_next_change_of_the_year():
    """Berlin, the day summer time starts: CEST from 02:00 local, CET again from 31 October."""
    start = local_datetime("Europe/Berlin", 2027, 3, 28, 9)

    lines = calendar.vtimezone("Europe/Berlin", start, start + calendar.EXAM_LENGTH)

    assert "\r\n".join(lines) == "\r\n".join(
        [
            "BEGIN:VTIMEZONE",
            "TZID:Europe/Berlin",
            "BEGIN:DAYLIGHT",
            "DTSTART:20270328T020000",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "TZNAME:CEST",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "DTSTART:20271031T030000",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "TZNAME:CET",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    )


def test_a_zone_without_summer_time_gets_one_fixed_observance():
    start = local_datetime("Asia/Tokyo", 2027, 3, 28, 9)

    lines = calendar.vtimezone("Asia/Tokyo", start, start + calendar.EXAM_LENGTH)

    assert lines[2:8] == [
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0900",
        "TZOFFSETTO:+0900",
        "TZNAME:JST",
        "END:STANDARD",
    ]
    assert len(lines) == 9


def test_a_start_in_the_repeated_hour_second_time_round_is_written_in_utc():
    """02:30 happens twice in Berlin on 31 October 2027; a TZID time would mean the first."""
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 CET, after 02:30 CEST
    assert second.astimezone(zoneinfo.ZoneInfo("Europe/Berlin")).fold == 1
    booking = booking_at("Europe/Berlin", date(2027, 10, 31))
    booking.sitting.starts_at = second

    ics = calendar.booking_ics(booking)

    assert "DTSTART:20271031T013000Z\r\n" in ics
    assert "DTEND:20271031T043000Z\r\n" in ics
    assert "VTIMEZONE" not in ics


def test_the_first_time_round_keeps_the_local_time():
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST
    booking = booking_at("Europe/Berlin", date(2027, 10, 31))
    booking.sitting.starts_at = first

    ics = calendar.booking_ics(booking)

    assert "DTSTART;TZID=Europe/Berlin:20271031T023000\r\n" in ics
    start, _end = event_times(ics)
    assert start.astimezone(UTC) == first


def test_an_event_across_the_new_year_carries_the_zone_for_both_years():
    start = datetime(2027, 12, 31, 12, 0, tzinfo=UTC)  # 01:00 NZDT on 1 January 2028
    lines = calendar.vtimezone("Pacific/Auckland", start, start + calendar.EXAM_LENGTH)

    onsets = [line for line in lines if re.fullmatch(r"DTSTART:\d{8}T\d{6}", line)]
    assert onsets[0] == "DTSTART:20270926T020000"  # NZDT in force at the start
    assert "DTSTART:20280402T030000" in onsets  # and NZST from April 2028
