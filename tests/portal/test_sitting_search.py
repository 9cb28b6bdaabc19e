"""Finding a sitting: by country, city or centre, a week at a time up to the voucher's
expiry, grouped by day at the centre (SS-2, SS-9)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse

from tests.factories import RegisteredVoucherFactory, SittingFactory, TestCenterFactory
from tests.portal.pages import (
    book,
    book_url,
    links,
    offered_in_every_week,
    offered_sittings,
    text,
    week_links,
)
from vouchers.queries import WEEK_LIST_LIMIT, monday_of

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


def test_a_week_with_more_sittings_than_a_list_holds_shows_the_first_and_asks_for_a_place(
    signed_in, voucher, exam, berlin, now
):
    """A week in any country can hold hundreds of sittings, more than anyone reads: the
    first WEEK_LIST_LIMIT are listed by start and the page asks for a place; a place
    chosen lists its own."""
    tokyo = TestCenterFactory(name="Shibuya", country="JP", city="Tokyo", time_zone="Asia/Tokyo")
    monday = monday_of((now + timedelta(days=14)).date())
    tuesday_morning = datetime.combine(monday + timedelta(days=1), time(9), tzinfo=UTC)
    in_berlin = [
        SittingFactory(centre=berlin, starts_at=tuesday_morning + timedelta(minutes=i))
        for i in range(WEEK_LIST_LIMIT)
    ]
    in_tokyo = [
        SittingFactory(centre=tokyo, starts_at=tuesday_morning + timedelta(hours=2, minutes=i))
        for i in range(3)
    ]

    anywhere = signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat()))
    in_japan = signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat(), country="JP"))

    assert offered_sittings(anywhere) == {sitting.pk for sitting in in_berlin}
    assert f"The first {WEEK_LIST_LIMIT} sittings from" in text(anywhere)
    assert "This week has more sittings than are listed here." in text(anywhere)
    assert offered_sittings(in_japan) == {sitting.pk for sitting in in_tokyo}
    assert "3 sittings from" in text(in_japan)
    assert "more sittings than are listed" not in text(in_japan)
