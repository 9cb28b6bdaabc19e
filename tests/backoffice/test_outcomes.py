"""Exam administrators record an outcome on a booking from the admin (SS-1, SS-12)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import ExamFactory, RegisteredVoucherFactory
from tests.vouchers.helpers import book
from vouchers.models import Booking, VoucherEvent

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:vouchers_booking_changelist"


@pytest.fixture
def taken():
    """A first attempt on a Second Shot voucher whose sitting was yesterday."""
    from django.utils import timezone

    voucher = RegisteredVoucherFactory(pack__exam_count=3)
    return book(
        voucher.registered_by,
        voucher,
        ExamFactory(number="070-483"),
        days_ahead=2,
        now=timezone.now() - timedelta(days=3),
    )


def record(client, booking, outcome, *, on_the_booking_page=False):
    if on_the_booking_page:
        url = reverse("admin:vouchers_booking_change", args=[booking.pk])
        data = {"CHANGE_FORM-action": "record_outcome", "_selected_action": [booking.pk]}
    else:
        url = reverse(CHANGELIST)
        data = {"action": "record_outcome", "_selected_action": [booking.pk]}
    question = client.post(url, data)
    assert 'name="outcome"' in question.content.decode()
    return client.post(url, data | {"_confirmed": "yes", "outcome": outcome}, follow=True)


@pytest.mark.parametrize("on_the_booking_page", [False, True])
def test_an_outcome_is_recorded_from_the_admin_and_audited(
    exam_admin_client, exam_admin, taken, on_the_booking_page
):
    """SS-1, SS-12: a failed first attempt opens the free retake."""
    response = record(exam_admin_client, taken, "failed", on_the_booking_page=on_the_booking_page)

    assert "Recorded the outcome of 1 booking." in response.content.decode()
    taken.refresh_from_db()
    assert (taken.outcome, taken.outcome_recorded_by) == ("failed", exam_admin)
    event = taken.voucher.events.get(action=VoucherEvent.Action.OUTCOME)
    assert event.actor == exam_admin
    taken.voucher.refresh_from_db()
    assert taken.voucher.retake_available()


def test_a_refused_outcome_is_a_message_on_the_page(exam_admin_client, taken):
    record(exam_admin_client, taken, "passed")

    response = record(exam_admin_client, taken, "failed")

    page = response.content.decode()
    assert f"Booking {taken.pk}" in page
    assert "An outcome (Passed) is already recorded for this booking." in page
    assert Booking.objects.get(pk=taken.pk).outcome == "passed"


def test_an_outcome_before_the_sitting_is_refused_with_a_message(
    exam_admin_client, candidate_booking
):
    response = record(exam_admin_client, candidate_booking, "passed")
    assert "The outcome can be recorded once the sitting has started." in response.content.decode()


def test_an_unknown_outcome_is_answered_on_the_question_page(exam_admin_client, taken):
    url = reverse(CHANGELIST)
    response = exam_admin_client.post(
        url,
        {
            "action": "record_outcome",
            "_selected_action": [taken.pk],
            "_confirmed": "yes",
            "outcome": "won",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Booking.objects.get(pk=taken.pk).outcome is None


def test_the_awaiting_outcome_list_holds_started_bookings_without_one(
    exam_admin_client, taken, candidate_booking
):
    response = exam_admin_client.get(reverse(CHANGELIST), {"result": "awaiting"})
    listed = list(response.context["cl"].result_list)
    assert listed == [taken]


def test_support_and_managers_record_no_outcomes(support_client, manager_client, taken):
    for client in (support_client, manager_client):
        client.post(
            reverse(CHANGELIST),
            {
                "action": "record_outcome",
                "_selected_action": [taken.pk],
                "_confirmed": "yes",
                "outcome": "passed",
            },
        )
    assert Booking.objects.get(pk=taken.pk).outcome is None


def test_a_booking_is_found_by_its_number_or_candidate(exam_admin_client, taken):
    url = reverse(CHANGELIST)
    for term in (str(taken.pk), taken.candidate.email, "070-483"):
        response = exam_admin_client.get(url, {"q": term})
        assert list(response.context["cl"].result_list) == [taken], term


def test_the_booking_list_shows_a_started_booking_as_taken_and_filters_by_state(
    exam_admin_client, taken, candidate_booking
):
    """SS-13: the list reads the state at this moment, not the stored status."""
    assert taken.status == Booking.Status.SCHEDULED  # stored: not yet marked taken

    response = exam_admin_client.get(reverse(CHANGELIST))
    rows = {b.pk: b for b in response.context["cl"].result_list}
    admin = response.context["cl"].model_admin
    assert admin.state(rows[taken.pk]) == "Taken"
    assert admin.state(rows[candidate_booking.pk]) == "Booked"

    pending = exam_admin_client.get(reverse(CHANGELIST), {"state": "pending"})
    assert list(pending.context["cl"].result_list) == [candidate_booking]
    sat = exam_admin_client.get(reverse(CHANGELIST), {"state": "taken"})
    assert list(sat.context["cl"].result_list) == [taken]
