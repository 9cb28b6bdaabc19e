"""Finding a sitting: by country, city or centre, a week at a time up to the voucher's
expiry, grouped by day at the centre (SS-2, SS-9)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from exams.models import Sitting
from tests.factories import RegisteredVoucherFactory, SittingFactory, TestCenterFactory
from tests.portal.pages import (
    book,
    book_url,
    links,
    offered_in_every_week,
    offered_in_order,
    offered_sittings,
    text,
    week_links,
)
from vouchers.queries import WEEK_PAGE, monday_of, sittings_in_week

pytestmark = pytest.mark.django_db


def test_later_week_reaches_a_sitting_months_away_up_to_the_vouchers_expiry(
    signed_in, voucher, exam, berlin, now
):
    """SS-2: every sitting before expiry can be reached; none after."""
    soon = SittingFactory(centre=berlin, starts_at=now + timedelta(days=3))
    months_away = SittingFactory(centre=berlin, starts_at=now + timedelta(days=150))
    after_expiry = SittingFactory(centre=berlin, starts_at=now + timedelta(days=200))

    offered = offered_in_every_week(signed_in, book_url(voucher, exam=exam.pk))

    assert {soon.pk, months_away.pk} <= offered
    assert after_expiry.pk not in offered


def test_with_nothing_this_week_the_search_opens_on_the_week_of_the_first_sitting(
    signed_in, voucher, exam, berlin, now
):
    first = SittingFactory(centre=berlin, starts_at=now + timedelta(days=40))
    SittingFactory(centre=berlin, starts_at=now + timedelta(days=80))

    response = signed_in.get(book_url(voucher, exam=exam.pk))

    assert offered_sittings(response) == {first.pk}
    monday = monday_of(first.local_date())
    assert f"1 sitting from {monday:%-d %B} to" in text(response)


def test_a_date_jumps_to_its_week_and_earlier_week_goes_back(signed_in, voucher, exam, berlin, now):
    target = SittingFactory(centre=berlin, starts_at=now + timedelta(days=90))
    day = target.local_date()

    response = signed_in.get(book_url(voucher, exam=exam.pk, week=day.isoformat()))

    assert offered_sittings(response) == {target.pk}
    monday = monday_of(day)
    assert "1 sitting from" in text(response)
    (earlier,) = week_links(response, "Earlier week")
    assert f"week={(monday - timedelta(days=7)).isoformat()}" in earlier
    assert f"exam={exam.pk}" in earlier, "the search is kept"


def test_an_empty_week_names_the_next_sitting_with_a_link_to_its_week(
    signed_in, voucher, exam, berlin, now
):
    next_one = SittingFactory(centre=berlin, starts_at=now + timedelta(days=60))
    empty_week = (now + timedelta(days=21)).date()

    response = signed_in.get(book_url(voucher, exam=exam.pk, week=empty_week.isoformat()))

    day = f"{next_one.local_date():%-d %B %Y}"
    assert f"No sitting this week. The next one is on {day} ." in text(response)
    (href,) = [h for h, words in links(response) if words == day]
    assert offered_sittings(signed_in.get(href)) == {next_one.pk}


def test_a_week_is_grouped_by_day_at_the_centre_with_a_count(signed_in, voucher, exam, berlin, now):
    """SS-9"""
    monday = monday_of((now + timedelta(days=14)).date())
    at = berlin.zone
    from datetime import datetime

    def at_berlin(day_offset, hour):
        day = monday + timedelta(days=day_offset)
        return datetime(day.year, day.month, day.day, hour, tzinfo=at)

    SittingFactory(centre=berlin, starts_at=at_berlin(1, 9))
    SittingFactory(centre=berlin, starts_at=at_berlin(1, 14))
    SittingFactory(centre=berlin, starts_at=at_berlin(3, 9))

    page = text(signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat())))

    tuesday, thursday = monday + timedelta(days=1), monday + timedelta(days=3)
    assert "3 sittings from" in page
    assert f"{tuesday:%A %-d %B} 09:00" in page
    assert page.index(f"{tuesday:%A %-d %B}") < page.index(f"{thursday:%A %-d %B}")


def test_sittings_can_be_narrowed_to_one_test_centre(signed_in, voucher, exam, berlin, now):
    other = TestCenterFactory(name="Berlin Ost", country="DE", city="Berlin")
    here = SittingFactory(centre=berlin, starts_at=now + timedelta(days=5))
    SittingFactory(centre=other, starts_at=now + timedelta(days=5, hours=1))

    url = book_url(voucher, exam=exam.pk, centre=berlin.pk)

    assert offered_in_every_week(signed_in, url) == {here.pk}


def test_test_centres_are_offered_once_a_country_is_chosen(signed_in, voucher, exam, berlin):
    """Anywhere in the world, the centre list would be every centre there is: the page
    asks for a country or city first, and lists that one's centres."""
    tokyo = TestCenterFactory(name="Tokyo Shinjuku", country="JP", city="Tokyo")

    anywhere = signed_in.get(book_url(voucher, exam=exam.pk))
    in_japan = signed_in.get(book_url(voucher, exam=exam.pk, country="JP"))

    assert "To choose a test centre, first choose its country or city." in text(anywhere)
    assert f'<option value="{tokyo.pk}">' not in anywhere.content.decode()
    assert f'<option value="{berlin.pk}">' not in anywhere.content.decode()
    assert f'<option value="{tokyo.pk}">Tokyo Shinjuku, Tokyo</option>' in in_japan.content.decode()
    assert f'<option value="{berlin.pk}">' not in in_japan.content.decode()
    assert "first choose its country or city" not in text(in_japan)


def test_booking_starts_in_the_candidates_own_country(
    signed_in, candidate, voucher, exam, berlin, now
):
    """The country of the candidate's time zone, guessed from the country given at sign-up."""
    candidate.time_zone = "Europe/Berlin"
    candidate.save()
    tokyo = TestCenterFactory(name="Tokyo", country="JP", city="Tokyo", time_zone="Asia/Tokyo")
    SittingFactory(centre=tokyo, starts_at=now + timedelta(days=2))
    in_germany = SittingFactory(centre=berlin, starts_at=now + timedelta(days=4))

    response = signed_in.get(book_url(voucher, exam=exam.pk))

    assert offered_sittings(response) == {in_germany.pk}
    assert '<option value="DE" selected>' in response.content.decode()


def test_moving_starts_from_the_booked_centre_and_week(
    signed_in, candidate, voucher, exam, berlin, now
):
    elsewhere = TestCenterFactory(country="FR", city="Paris", time_zone="Europe/Paris")
    booked_at = SittingFactory(centre=berlin, starts_at=now + timedelta(days=40))
    booking = book(candidate, voucher, exam, booked_at, now=now)
    same_week = SittingFactory(centre=berlin, starts_at=booked_at.starts_at + timedelta(hours=2))
    SittingFactory(centre=elsewhere, starts_at=booked_at.starts_at + timedelta(hours=3))
    SittingFactory(centre=berlin, starts_at=now + timedelta(days=3))  # another week

    response = signed_in.get(reverse("portal:move_booking", args=[booking.pk]))

    assert offered_sittings(response) == {same_week.pk}
    assert week_links(response, "Earlier week"), "earlier weeks are one click away"


def test_a_mangled_week_or_centre_is_not_a_server_error(signed_in, voucher, exam, berlin, now):
    SittingFactory(centre=berlin, starts_at=now + timedelta(days=5))
    for query in ({"week": "31-02-2027"}, {"centre": "x"}, {"week": "99999-01-01"}):
        response = signed_in.get(book_url(voucher, exam=exam.pk, **query))
        assert response.status_code == 200


def test_another_candidates_voucher_expiring_the_same_day_sees_the_same_weeks(
    signed_in, other_client, other_candidate, voucher, exam, berlin, now
):
    theirs = RegisteredVoucherFactory(
        registered_by=other_candidate, pack__expires_on=voucher.pack.expires_on
    )
    sitting = SittingFactory(centre=berlin, starts_at=now + timedelta(days=30))
    mine = offered_in_every_week(signed_in, book_url(voucher, exam=exam.pk))
    assert offered_in_every_week(other_client, book_url(theirs, exam=exam.pk)) == mine
    assert sitting.pk in mine


def busy_week(berlin, now):
    """A week two weeks on with 2 × WEEK_PAGE + 2 sittings on its Tuesday: all but three
    in Berlin a minute apart, then three at the same hour at Berlin and two other centres
    (listed by the centre's name at the same start: the second page ends inside them).
    Returns (monday, sittings in the list's order)."""
    monday = monday_of((now + timedelta(days=14)).date())
    tuesday_morning = datetime.combine(monday + timedelta(days=1), time(9), tzinfo=UTC)
    listed = [
        SittingFactory(centre=berlin, starts_at=tuesday_morning + timedelta(minutes=i))
        for i in range(2 * WEEK_PAGE - 1)
    ]
    noon = tuesday_morning + timedelta(hours=3)
    at_noon = [
        SittingFactory(
            centre=TestCenterFactory(name=name, country="DE", city="Berlin"), starts_at=noon
        )
        for name in ("Berlin Ost", "Berlin Zoo")
    ]
    at_noon.append(SittingFactory(centre=berlin, starts_at=noon))  # "Berlin Mitte"
    return monday, listed + sorted(at_noon, key=lambda s: s.centre.name)


def test_a_busy_week_is_listed_a_page_at_a_time_in_order(signed_in, voucher, exam, berlin, now):
    """A week in any country can hold hundreds of sittings, more than anyone reads: a
    page lists WEEK_PAGE of them by start, says there are more, and leads on to the
    next ones and back to the first; every sitting is on one page, none on two."""
    monday, sittings = busy_week(berlin, now)
    expected = [sitting.pk for sitting in sittings]

    first = signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat()))
    assert offered_in_order(first) == expected[:WEEK_PAGE]
    assert f"The first {WEEK_PAGE} sittings from" in text(first)
    assert "This week has more sittings than one page lists." in text(first)
    assert not week_links(first, "First sittings of this week")

    (next_page,) = week_links(first, "Next sittings of this week")
    second = signed_in.get(next_page)
    assert offered_in_order(second) == expected[WEEK_PAGE : 2 * WEEK_PAGE]
    assert f"{WEEK_PAGE} more sittings from" in text(second)
    assert "more sittings than one page lists" not in text(second)
    (back,) = week_links(second, "First sittings of this week")
    assert offered_in_order(signed_in.get(back)) == expected[:WEEK_PAGE]

    (next_page,) = week_links(second, "Next sittings of this week")
    third = signed_in.get(next_page)
    assert offered_in_order(third) == expected[2 * WEEK_PAGE :], "same start: by the centre's name"
    assert "2 more sittings from" in text(third)
    assert not week_links(third, "Next sittings of this week")
    assert week_links(third, "Later week"), "the week after is still one click away"


def test_a_place_chosen_lists_its_own_sittings_on_one_page(signed_in, voucher, exam, berlin, now):
    monday, _sittings = busy_week(berlin, now)
    tokyo = TestCenterFactory(name="Shibuya", country="JP", city="Tokyo", time_zone="Asia/Tokyo")
    tuesday = datetime.combine(monday + timedelta(days=1), time(2), tzinfo=UTC)
    in_tokyo = [
        SittingFactory(centre=tokyo, starts_at=tuesday + timedelta(hours=i)) for i in range(3)
    ]

    in_japan = signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat(), country="JP"))

    assert offered_in_order(in_japan) == [sitting.pk for sitting in in_tokyo]
    assert "3 sittings from" in text(in_japan)
    assert "more sittings than one page lists" not in text(in_japan)
    assert not week_links(in_japan, "Next sittings of this week")


def test_the_next_page_starts_after_the_last_one_listed_when_seats_were_taken_meanwhile(
    signed_in, voucher, exam, berlin, now
):
    """A sitting of the first page that fills up while the candidate reads it moves no
    sitting of the week off the next page (which counting the rows listed would)."""
    monday, sittings = busy_week(berlin, now)
    first = signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat()))
    Sitting.objects.filter(pk=sittings[0].pk).update(seats_taken=F("seats"))

    (next_page,) = week_links(first, "Next sittings of this week")

    assert offered_in_order(signed_in.get(next_page)) == [
        s.pk for s in sittings[WEEK_PAGE : 2 * WEEK_PAGE]
    ]


def test_a_next_page_with_nothing_left_on_it_shows_the_week_from_its_start(
    signed_in, voucher, exam, berlin, now
):
    monday, sittings = busy_week(berlin, now)
    first = signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat()))
    (next_page,) = week_links(first, "Next sittings of this week")
    Sitting.objects.filter(pk__in=[s.pk for s in sittings[WEEK_PAGE:]]).update(
        seats_taken=F("seats")
    )

    again = signed_in.get(next_page)

    assert offered_in_order(again) == [s.pk for s in sittings[:WEEK_PAGE]]
    assert f"{WEEK_PAGE} sittings from" in text(again)
    assert not week_links(again, "Next sittings of this week")


@pytest.mark.parametrize("after", ["abc", "-3", "99999999", "1" * 40, "", "١٢"])
def test_a_next_page_link_that_names_no_sitting_of_the_week_shows_its_first_page(
    signed_in, voucher, exam, berlin, now, after
):
    monday, sittings = busy_week(berlin, now)

    response = signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat(), after=after))

    assert response.status_code == 200
    assert offered_in_order(response) == [s.pk for s in sittings[:WEEK_PAGE]]


def test_a_next_page_link_into_another_week_shows_the_weeks_first_page(
    signed_in, voucher, exam, berlin, now
):
    monday, sittings = busy_week(berlin, now)
    elsewhere = SittingFactory(centre=berlin, starts_at=now + timedelta(days=40))

    response = signed_in.get(
        book_url(voucher, exam=exam.pk, week=monday.isoformat(), after=elsewhere.pk)
    )

    assert offered_in_order(response) == [s.pk for s in sittings[:WEEK_PAGE]]


def test_a_week_is_listed_no_further_than_the_vouchers_expiry(
    signed_in, candidate, exam, berlin, now
):
    """SS-2: the last week before expiry neither lists nor pages on to sittings after it."""
    expires_on = monday_of((now + timedelta(days=30)).date()) + timedelta(days=2)  # a Wednesday
    voucher = RegisteredVoucherFactory(registered_by=candidate, pack__expires_on=expires_on)
    morning = datetime.combine(expires_on, time(9), tzinfo=berlin.zone)
    on_the_day = [
        SittingFactory(centre=berlin, starts_at=morning + timedelta(minutes=i)) for i in range(3)
    ]
    day_after = morning + timedelta(days=1)
    for i in range(WEEK_PAGE):
        SittingFactory(centre=berlin, starts_at=day_after + timedelta(minutes=i))

    response = signed_in.get(book_url(voucher, exam=exam.pk, week=expires_on.isoformat()))

    assert set(offered_in_order(response)) >= {s.pk for s in on_the_day}
    assert all(
        Sitting.objects.get(pk=pk).local_date() <= expires_on for pk in offered_in_order(response)
    )
    assert not week_links(response, "Next sittings of this week")


def test_a_week_whose_first_rows_are_all_the_day_before_somewhere_still_lists_its_page(
    signed_in, voucher, exam, now, monkeypatch
):
    """The week's statement is bounded to a few rows more than a page; where every one
    of them is a sitting on the Sunday before at its centre (the hours that are already
    Monday somewhere east), the page is still filled, from more rows."""
    monkeypatch.setattr("vouchers.queries._ROWS_FOR_KEPT", 4)
    los_angeles = TestCenterFactory(
        name="Downtown", country="US", city="Los Angeles", time_zone="America/Los_Angeles"
    )
    monday = monday_of((now + timedelta(days=14)).date())
    sunday_evening = datetime.combine(monday - timedelta(days=1), time(12), tzinfo=los_angeles.zone)
    for i in range(10):  # Sunday in Los Angeles, Monday in UTC: in the statement's hours
        SittingFactory(centre=los_angeles, starts_at=sunday_evening + timedelta(minutes=i))
    monday_at = datetime.combine(monday, time(9), tzinfo=los_angeles.zone)
    in_the_week = [
        SittingFactory(centre=los_angeles, starts_at=monday_at + timedelta(hours=i))
        for i in range(3)
    ]

    response = signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat()))

    assert offered_in_order(response) == [sitting.pk for sitting in in_the_week]


def test_the_first_sitting_is_found_past_rows_of_the_day_before(voucher, now, monkeypatch):
    """With nothing this week, the list opens on the week of the first sitting, read as
    a week's page is: rows passed over (Sunday evening in Los Angeles, Monday in UTC,
    after the moment asked at) make it read more rows, not miss the sitting."""
    monkeypatch.setattr("vouchers.queries._ROWS_FOR_KEPT", 4)
    los_angeles = TestCenterFactory(
        name="Downtown", country="US", city="Los Angeles", time_zone="America/Los_Angeles"
    )
    monday = monday_of((now + timedelta(days=14)).date())
    at = datetime.combine(monday, time(1), tzinfo=UTC)  # Sunday 17:00 in Los Angeles
    for i in range(10):  # last week's Sunday there, after ``at``
        SittingFactory(centre=los_angeles, starts_at=at + timedelta(hours=1, minutes=i))
    later = monday + timedelta(days=15)
    first = SittingFactory(
        centre=los_angeles, starts_at=datetime.combine(later, time(9), tzinfo=los_angeles.zone)
    )

    week = sittings_in_week(voucher, now=at)

    assert week.monday == monday_of(later)
    assert [s.pk for _day, sittings in week.days for s in sittings] == [first.pk]
