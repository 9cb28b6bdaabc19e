"""Sittings in the centre's local time and, where the candidate's clock differs, theirs (SS-9)."""

import zoneinfo
from datetime import date, timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from tests.factories import (
    BookingFactory,
    ExamFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
    local_datetime,
)
from tests.portal.pages import book, text
from vouchers import emails

pytestmark = pytest.mark.django_db


def when(sitting, time_zone) -> str:
    """The sitting as the shared tag shows it to a candidate in the given zone."""
    html = Template("{% load sittings %}{% sitting_when sitting %}").render(
        Context({"sitting": sitting, "user": SimpleNamespace(time_zone=time_zone)})
    )
    return " ".join(unescape(strip_tags(html)).split())


def test_a_candidate_in_another_zone_sees_the_centre_time_and_their_own(berlin):
    """SS-9: the centre's time first, its zone named, then the candidate's."""
    sitting = SittingFactory(centre=berlin, starts_at=local_datetime("Europe/Berlin", 2027, 1, 12))

    assert when(sitting, "Asia/Tokyo") == (
        "Tuesday 12 January 2027, 09:00 CET in Berlin — 17:00 JST your time"
    )


def test_the_candidates_date_is_named_when_it_is_another_day(berlin):
    sitting = SittingFactory(centre=berlin, starts_at=local_datetime("Europe/Berlin", 2027, 1, 12))

    assert when(sitting, "Pacific/Honolulu") == (
        "Tuesday 12 January 2027, 09:00 CET in Berlin — Monday 11 January, 22:00 HST your time"
    )


@pytest.mark.parametrize("time_zone", ["", "Europe/Berlin", "Europe/Paris", "Not/A_Zone"])
def test_no_second_time_when_the_candidates_clock_reads_the_same(berlin, time_zone):
    """No zone, the same zone, or another zone at the same offset: the centre's time alone."""
    sitting = SittingFactory(centre=berlin, starts_at=local_datetime("Europe/Berlin", 2027, 1, 12))

    assert when(sitting, time_zone) == "Tuesday 12 January 2027, 09:00 CET"


def test_the_second_time_depends_on_the_offsets_at_that_moment_not_on_the_zone_names(db):
    """London matches Reykjavik in winter (both UTC) and is an hour ahead in summer."""
    reykjavik = TestCenterFactory(city="Reykjavik", country="IS", time_zone="Atlantic/Reykjavik")
    winter = SittingFactory(
        centre=reykjavik, starts_at=local_datetime("Atlantic/Reykjavik", 2027, 1, 12)
    )
    summer = SittingFactory(
        centre=reykjavik, starts_at=local_datetime("Atlantic/Reykjavik", 2027, 7, 12)
    )

    assert when(winter, "Europe/London") == "Tuesday 12 January 2027, 09:00 GMT"
    assert when(summer, "Europe/London") == (
        "Monday 12 July 2027, 09:00 GMT in Reykjavik — 10:00 BST your time"
    )


def test_the_portal_pages_show_the_candidates_own_time(signed_in, candidate, berlin):
    """SS-9: the dashboard and the booking page, for a candidate who lives in Tokyo."""
    candidate.time_zone = "Asia/Tokyo"
    candidate.save()
    now = timezone.now()
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    start = timezone.localtime(now + timedelta(days=12), berlin.zone).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    sitting = SittingFactory(centre=berlin, starts_at=start)
    booking = book(candidate, voucher, ExamFactory(), sitting, now=now)
    in_tokyo = start.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    expected = f"09:00 {start.tzname()} in Berlin — {in_tokyo:%H:%M} JST your time"

    assert expected in text(signed_in.get(reverse("portal:dashboard")))
    assert expected in text(signed_in.get(reverse("portal:booking", args=[booking.pk])))


def test_a_booking_email_gives_the_candidates_own_time_too(candidate, berlin, mailoutbox):
    """SS-9"""
    candidate.time_zone = "America/New_York"
    candidate.save()
    sitting = SittingFactory(centre=berlin, starts_at=local_datetime("Europe/Berlin", 2027, 1, 12))
    booking = BookingFactory(
        candidate=candidate,
        voucher=RegisteredVoucherFactory(
            registered_by=candidate, pack__expires_on=date(2027, 6, 30)
        ),
        sitting=sitting,
    )

    emails.send_booking_notice(booking, "booked")

    (message,) = mailoutbox
    assert "Tuesday 12 January 2027, 09:00 CET (local time at the centre" in message.body
    assert "03:00 EST your time" in message.body
    assert "03:00 EST your time" in message.alternatives[0][0]
