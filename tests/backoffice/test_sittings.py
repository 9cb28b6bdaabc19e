"""Exam administrators keep sittings: local times stored in UTC, series at once (SS-9, SS-11)."""

import datetime as dt
from datetime import UTC, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exams.models import Sitting
from exams.services import create_sitting_series
from tests.factories import SittingFactory, TestCenterFactory
from vouchers.models import Booking

pytestmark = pytest.mark.django_db

BERLIN = "Europe/Berlin"


def last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


@pytest.fixture
def spring_forward():
    """The next Sunday on which Berlin's clocks go from 02:00 to 03:00, at least a month ahead."""
    year = timezone.now().year + 1
    return last_sunday(year, 3)


@pytest.fixture
def centre():
    return TestCenterFactory(name="Berlin Mitte", time_zone=BERLIN)


def series(centre, first_day, last_day, *, weekdays=range(7), times=(time(9),), seats=10):
    return create_sitting_series(
        centre=centre,
        first_day=first_day,
        last_day=last_day,
        weekdays=set(weekdays),
        local_times=list(times),
        seats=seats,
    )


def utc_starts(centre) -> list[dt.datetime]:
    return list(Sitting.objects.filter(centre=centre).values_list("starts_at", flat=True))


def test_a_series_keeps_the_local_hour_across_the_change_to_summer_time(centre, spring_forward):
    """SS-9: 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer."""
    friday, monday = spring_forward - timedelta(days=2), spring_forward + timedelta(days=1)

    report = series(centre, friday, monday, weekdays=[4, 0], times=[time(9), time(14)])

    assert report.created == 4
    assert utc_starts(centre) == [
        dt.datetime.combine(friday, time(8), tzinfo=UTC),
        dt.datetime.combine(friday, time(13), tzinfo=UTC),
        dt.datetime.combine(monday, time(7), tzinfo=UTC),
        dt.datetime.combine(monday, time(12), tzinfo=UTC),
    ]
    for sitting in Sitting.objects.filter(centre=centre):
        assert sitting.local_start().hour in (9, 14)


def test_a_local_time_the_clocks_skip_gets_no_sitting_and_is_reported(centre, spring_forward):
    """SS-9: 02:30 does not exist in Berlin the night summer time begins."""
    report = series(centre, spring_forward - timedelta(days=1), spring_forward, times=[time(2, 30)])

    assert report.created == 1
    assert report.skipped_by_the_clock == [dt.datetime.combine(spring_forward, time(2, 30))]
    assert utc_starts(centre) == [
        dt.datetime.combine(spring_forward - timedelta(days=1), time(1, 30), tzinfo=UTC)
    ]


def test_a_local_time_that_happens_twice_is_the_first_of_the_two(centre):
    """SS-9: when the clocks go back, 02:30 happens in summer time, then in winter time."""
    fall_back = last_sunday(timezone.now().year + 1, 10)

    report = series(centre, fall_back, fall_back, times=[time(2, 30)])

    assert report.first_of_two == [dt.datetime.combine(fall_back, time(2, 30))]
    assert utc_starts(centre) == [dt.datetime.combine(fall_back, time(0, 30), tzinfo=UTC)]


def test_running_a_series_again_skips_the_sittings_that_exist(centre):
    first_day = timezone.now().date() + timedelta(days=10)
    last_day = first_day + timedelta(weeks=8, days=-1)
    first = series(centre, first_day, last_day, weekdays=range(5), times=[time(9), time(14)])

    again = series(centre, first_day, last_day, weekdays=range(5), times=[time(9), time(14)])

    assert first.created == 8 * 5 * 2
    assert (again.created, again.already_there) == (0, 80)
    assert Sitting.objects.filter(centre=centre).count() == 80


def test_a_series_skips_times_already_past(centre):
    today = timezone.now().astimezone(centre.zone).date()
    report = series(centre, today - timedelta(days=3), today - timedelta(days=1))
    assert (report.created, report.in_the_past) == (0, 3)


# --- the admin pages ---------------------------------------------------------------


def series_url():
    return reverse("admin:exams_sitting_series")


def test_the_exam_administrator_creates_a_series_from_the_admin(exam_admin_client, centre):
    first_day = timezone.now().date() + timedelta(days=30)
    SittingFactory(
        centre=centre,
        starts_at=dt.datetime.combine(first_day, time(9), tzinfo=centre.zone),
    )
    changelist = reverse("admin:exams_sitting_changelist")
    assert series_url() in exam_admin_client.get(changelist).content.decode()

    response = exam_admin_client.post(
        series_url(),
        {
            "centre": centre.pk,
            "first_day": first_day.isoformat(),
            "weeks": "2",
            "weekdays": [str(first_day.weekday())],
            "local_times": "09:00, 14:00",
            "seats": "12",
        },
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Created 3 sittings at Berlin Mitte" in page
    assert "1 already existed" in page
    assert Sitting.objects.filter(centre=centre, seats=12).count() == 3
    # The list the administrator lands on shows the new sittings, and only them.
    listed = {sitting.pk for sitting in response.context["cl"].result_list}
    assert listed == set(
        Sitting.objects.filter(centre=centre, seats=12).values_list("pk", flat=True)
    )
    assert len(listed) == 3


def every_minute() -> str:
    return ", ".join(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))


@pytest.mark.parametrize(
    ("times", "weeks", "message"),
    [
        (every_minute(), "1", "Give at most 24 start times a day."),
        (", ".join(f"{h:02d}:00" for h in range(24)), "52", "would make 8736 sittings"),
    ],
    ids=["1,440 start times", "24 times every day of a year"],
)
def test_a_series_too_big_to_mean_is_refused_and_makes_nothing(
    exam_admin_client, centre, times, weeks, message
):
    """One submit once made 4,320 sittings out of a start time every minute."""
    response = exam_admin_client.post(
        series_url(),
        {
            "centre": centre.pk,
            "first_day": (timezone.now().date() + timedelta(days=30)).isoformat(),
            "weeks": weeks,
            "weekdays": [str(day) for day in range(7)],
            "local_times": times,
            "seats": "12",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Sitting.objects.filter(centre=centre).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weekdays": []}, "This field is required"),
        ({"local_times": "9am"}, "is not a time"),
        ({"last_day": "2030-01-01"}, "either the last day or a number of weeks"),
        ({"last_day": "2099-01-01"}, "Give a date between"),
        ({"weeks": ""}, "either the last day or a number of weeks"),
        ({"first_day": "tomorrow"}, "Enter a valid date"),
        ({"seats": "0"}, "greater than or equal to 1"),
        ({"centre": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_series_input_is_answered_on_the_page(exam_admin_client, centre, change, message):
    data = {
        "centre": centre.pk,
        "first_day": (timezone.now().date() + timedelta(days=3)).isoformat(),
        "weeks": "1",
        "weekdays": ["0"],
        "local_times": "09:00",
        "seats": "10",
    } | change

    response = exam_admin_client.post(series_url(), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Sitting.objects.exists()


def test_a_series_cannot_span_more_than_a_year(exam_admin_client, centre):
    first_day = timezone.now().date() + timedelta(days=3)
    response = exam_admin_client.post(
        series_url(),
        {
            "centre": centre.pk,
            "first_day": first_day.isoformat(),
            "last_day": (first_day + timedelta(days=400)).isoformat(),
            "weekdays": ["0"],
            "local_times": "09:00",
            "seats": "10",
        },
    )
    assert "a year at most" in response.content.decode()


def test_only_who_may_add_sittings_may_create_a_series(manager_client, support_client):
    assert manager_client.get(series_url()).status_code == 403
    assert support_client.get(series_url()).status_code == 403


def test_a_sitting_is_entered_at_the_centres_local_time_and_stored_in_utc(
    exam_admin_client, centre
):
    """SS-9"""
    day = timezone.now().date() + timedelta(days=40)
    response = exam_admin_client.post(
        reverse("admin:exams_sitting_add"),
        {"centre": centre.pk, "local_date": day.isoformat(), "local_time": "09:30", "seats": "8"},
    )
    assert response.status_code == 302
    sitting = Sitting.objects.get()
    assert sitting.starts_at == dt.datetime.combine(day, time(9, 30), tzinfo=centre.zone)
    assert (sitting.seats, sitting.seats_taken) == (8, 0)


def test_a_sitting_at_a_time_the_clocks_skip_is_refused_on_the_form(
    exam_admin_client, centre, spring_forward
):
    response = exam_admin_client.post(
        reverse("admin:exams_sitting_add"),
        {
            "centre": centre.pk,
            "local_date": spring_forward.isoformat(),
            "local_time": "02:30",
            "seats": "8",
        },
    )
    assert response.status_code == 200
    assert "the clocks skip that hour" in response.content.decode()
    assert not Sitting.objects.exists()


def test_two_sittings_at_the_same_centre_and_time_are_refused_on_the_form(
    exam_admin_client, centre
):
    starts_at = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    local = SittingFactory(centre=centre, starts_at=starts_at).local_start()
    response = exam_admin_client.post(
        reverse("admin:exams_sitting_add"),
        {
            "centre": centre.pk,
            "local_date": local.date().isoformat(),
            "local_time": f"{local:%H:%M}",
            "seats": "8",
        },
    )
    assert response.status_code == 200
    assert "already has a sitting starting then" in response.content.decode()


def booked_sitting(seats: int, taken: int) -> Sitting:
    return SittingFactory(seats=seats, seats_taken=taken)


def change(client, sitting, **fields):
    local = sitting.local_start()
    data = {
        "centre": sitting.centre_id,
        "local_date": local.date().isoformat(),
        "local_time": f"{local:%H:%M}",
        "seats": str(sitting.seats),
    } | fields
    return client.post(reverse("admin:exams_sitting_change", args=[sitting.pk]), data)


def test_seats_taken_is_shown_but_never_an_editable_field(exam_admin_client):
    """SS-11: the booking workflows keep the counter."""
    sitting = booked_sitting(seats=10, taken=4)
    page = exam_admin_client.get(reverse("admin:exams_sitting_change", args=[sitting.pk]))
    assert 'name="seats_taken"' not in page.content.decode()

    response = change(exam_admin_client, sitting, seats="12", seats_taken="0")

    assert response.status_code == 302
    sitting.refresh_from_db()
    assert (sitting.seats, sitting.seats_taken) == (12, 4)


def test_saving_a_sitting_keeps_a_booking_made_while_the_form_was_open(exam_admin_client):
    """SS-11: the form's stale seat count is never written back."""
    sitting = booked_sitting(seats=10, taken=4)
    Sitting.objects.filter(pk=sitting.pk).update(seats_taken=5)

    change(exam_admin_client, sitting, seats="11")

    sitting.refresh_from_db()
    assert (sitting.seats, sitting.seats_taken) == (11, 5)


def test_seats_below_the_seats_taken_are_refused_on_the_form(exam_admin_client):
    """SS-11"""
    sitting = booked_sitting(seats=10, taken=6)

    response = change(exam_admin_client, sitting, seats="5")

    assert response.status_code == 200
    assert "Seats already taken at this sitting: 6." in response.content.decode()
    sitting.refresh_from_db()
    assert sitting.seats == 10


def test_a_sitting_with_bookings_cannot_move(exam_admin_client):
    """SS-13: they booked that sitting, at that centre and time."""
    sitting = booked_sitting(seats=10, taken=1)
    later = sitting.local_start() + timedelta(hours=2)

    response = change(exam_admin_client, sitting, local_time=f"{later:%H:%M}")

    assert response.status_code == 200
    assert "its centre and start time cannot change" in response.content.decode()


def test_a_sitting_with_bookings_cannot_be_deleted(exam_admin_client, candidate_booking):
    """The bookings protect it; the admin says so instead of failing."""
    sitting = candidate_booking.sitting
    url = reverse("admin:exams_sitting_delete", args=[sitting.pk])

    response = exam_admin_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "Cannot delete sitting" in response.content.decode()
    assert Booking.objects.filter(sitting=sitting).exists()
