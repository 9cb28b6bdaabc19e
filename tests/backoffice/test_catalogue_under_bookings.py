"""The catalogue cannot change under a booked sitting in a way that moves it or takes it out
of the offer (SS-13): the exam administrator is told why, next to the field, and nothing is
saved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exams.models import Exam, TestCenter
from tests.factories import ExamFactory, RegisteredVoucherFactory, SittingFactory
from tests.portal.pages import text
from tests.vouchers.helpers import book
from vouchers import services

pytestmark = pytest.mark.django_db


def centre_form(centre, **changes):
    return {
        "name": centre.name,
        "site_id": centre.site_id,
        "country": centre.country,
        "city": centre.city,
        "address": centre.address,
        "time_zone": centre.time_zone,
    } | changes


def exam_form(exam, **changes):
    data = {"number": exam.number, "title": exam.title, "track": exam.track} | changes
    if data.pop("is_active", exam.is_active):
        data["is_active"] = "on"
    return data


def change_centre(client, centre, **changes):
    url = reverse("admin:exams_testcenter_change", args=[centre.pk])
    return client.post(url, centre_form(centre, **changes))


def change_exam(client, exam, **changes):
    return client.post(
        reverse("admin:exams_exam_change", args=[exam.pk]), exam_form(exam, **changes)
    )


def started(booking):
    """The booking's sitting moved into the past, as time passing would."""
    booking.sitting.starts_at = timezone.now() - timedelta(hours=1)
    booking.sitting.save(update_fields=["starts_at"])
    return booking


# --- a test centre's time zone ------------------------------------------------------


def test_a_centre_with_booked_sittings_to_come_keeps_its_time_zone(
    exam_admin_client, candidate_booking
):
    """SS-13: a new zone would move every sitting booked there."""
    centre = candidate_booking.sitting.centre

    response = change_centre(exam_admin_client, centre, time_zone="Asia/Tokyo")

    assert response.status_code == 200
    assert (
        "Candidates are booked on sittings of this centre that have not started yet (1), "
        "so its time zone cannot change" in text(response)
    )
    assert "time_zone" in response.context["adminform"].form.errors
    assert TestCenter.objects.get(pk=centre.pk).time_zone == centre.time_zone


def test_the_rest_of_a_booked_centre_can_change(exam_admin_client, candidate_booking):
    """SS-13 asks only that the sittings do not move."""
    centre = candidate_booking.sitting.centre

    response = change_centre(exam_admin_client, centre, address="2 New Street")

    assert response.status_code == 302
    assert TestCenter.objects.get(pk=centre.pk).address == "2 New Street"


def test_once_its_booked_sittings_have_started_a_centre_may_change_its_zone(
    exam_admin_client, candidate_booking
):
    """SS-13"""
    centre = started(candidate_booking).sitting.centre

    response = change_centre(exam_admin_client, centre, time_zone="Asia/Tokyo")

    assert response.status_code == 302
    assert TestCenter.objects.get(pk=centre.pk).time_zone == "Asia/Tokyo"


# --- an exam's number and its place in the offer --------------------------------------


def test_a_booked_exam_keeps_its_number(exam_admin_client, candidate_booking):
    """SS-13: before, it could become 074-343 and leave the offer under its candidates."""
    exam = candidate_booking.exam

    response = change_exam(exam_admin_client, exam, number="074-343")

    assert response.status_code == 200
    assert (
        "Candidates are booked on exam 070-483 for sittings that have not started yet (1), "
        "so its number cannot change." in text(response)
    )
    assert "number" in response.context["adminform"].form.errors
    assert Exam.objects.get(pk=exam.pk).number == "070-483"


def test_a_booked_exam_cannot_be_withdrawn_until_it_is_sat(exam_admin_client, candidate_booking):
    """SS-13"""
    exam = candidate_booking.exam

    response = change_exam(exam_admin_client, exam, is_active=False)

    assert response.status_code == 200
    assert "so it cannot be withdrawn from the offer until they have sat it" in text(response)
    assert Exam.objects.get(pk=exam.pk).is_active

    started(candidate_booking)
    assert change_exam(exam_admin_client, exam, is_active=False).status_code == 302
    assert not Exam.objects.get(pk=exam.pk).is_active


def test_a_cancelled_booking_holds_nothing(exam_admin_client, candidate_booking):
    """SS-13: only bookings still to come hold the exam."""
    exam = candidate_booking.exam
    services.cancel_booking(candidate=candidate_booking.candidate, booking=candidate_booking)

    response = change_exam(exam_admin_client, exam, number="070-484", title="Renamed")

    assert response.status_code == 302
    assert Exam.objects.get(pk=exam.pk).number == "070-484"


def test_an_exam_number_typed_in_full_width_is_stored_in_plain_digits(exam_admin_client):
    exam = ExamFactory(number="070-100")
    response = change_exam(exam_admin_client, exam, number="０７０－１０１")
    assert response.status_code == 302
    assert Exam.objects.get(pk=exam.pk).number == "070-101"


def test_a_booking_made_elsewhere_holds_the_exam_too(exam_admin_client):
    """SS-13: every booking still to come counts, whoever made it."""
    exam = ExamFactory(number="072-410")
    for _ in range(2):
        voucher = RegisteredVoucherFactory()
        book(voucher.registered_by, voucher, exam, days_ahead=5)
    SittingFactory()  # an unbooked sitting holds nothing

    response = change_exam(exam_admin_client, exam, number="072-411")

    assert "(2)" in text(response)


def test_a_centres_codes_typed_in_full_width_are_stored_in_plain_characters(exam_admin_client):
    centre = SittingFactory().centre
    typed = {"site_id": "ＪＰ－ＯＳＡ－０００１", "time_zone": "Ａｓｉａ／Ｔｏｋｙｏ"}
    response = change_centre(exam_admin_client, centre, **typed)
    assert response.status_code == 302
    centre.refresh_from_db()
    assert (centre.site_id, centre.time_zone) == ("JP-OSA-0001", "Asia/Tokyo")
