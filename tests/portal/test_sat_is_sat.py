"""SS-13 on the candidate's pages: a booking whose sitting has started is taken.

It stays stored as "scheduled" until a workflow marks it, so these pages are
read at a moment when the database still says so.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import SittingFactory
from tests.portal.pages import book, links, text
from vouchers.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(candidate, voucher, exam, now):
    """Booked nine days ago for a sitting that started two hours ago; no result yet."""
    sitting = SittingFactory(starts_at=now - timedelta(hours=2))
    booking = book(candidate, voucher, exam, sitting, now=now - timedelta(days=9))
    assert booking.status == Booking.Status.SCHEDULED
    return booking


def test_the_booking_page_of_a_started_sitting_says_taken_and_offers_nothing_to_do(
    signed_in, started
):
    """SS-13"""
    response = signed_in.get(reverse("portal:booking", args=[started.pk]))
    words = text(response)
    assert "Taken: waiting for the result" in words
    assert "E-mail me the details again" not in words
    hrefs = {href for href, _ in links(response)}
    assert reverse("portal:booking_calendar", args=[started.pk]) not in hrefs
    assert reverse("portal:move_booking", args=[started.pk]) not in hrefs
    assert reverse("portal:cancel_booking", args=[started.pk]) not in hrefs


def test_the_voucher_page_shows_a_started_sitting_as_waiting_for_its_result(
    signed_in, voucher, started
):
    """SS-13"""
    response = signed_in.get(reverse("portal:voucher", args=[voucher.pk]))
    assert "Waiting for the result" in text(response)
    assert (reverse("portal:booking", args=[started.pk]), "Booked") not in links(response)


def test_sending_the_details_again_after_the_sitting_started_sends_nothing_and_says_why(
    signed_in, started, django_capture_on_commit_callbacks
):
    """SS-13: no "booked" message goes out for a sitting that has started."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("portal:resend_booking_email", args=[started.pk]), follow=True
        )
    assert response.status_code == 200
    assert "This sitting has started, so its booking details are not sent again" in text(response)
    assert mail.outbox == []


def test_sending_the_details_again_before_the_sitting_sends_them_once_more(
    signed_in, candidate, booking, django_capture_on_commit_callbacks
):
    """SS-13: while the booking is still to come, its details go again, each time asked."""
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            signed_in.post(reverse("portal:resend_booking_email", args=[booking.pk]))
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Booked", "Booked"]
    assert all(m.to == [candidate.email] for m in mail.outbox)


def test_another_persons_booking_cannot_be_sent_again(other_client, booking):
    response = other_client.post(reverse("portal:resend_booking_email", args=[booking.pk]))
    assert response.status_code == 404
