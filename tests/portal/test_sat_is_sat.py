"""SS-13 on the candidate's pages: a booking whose sitting has started is taken.

It stays stored as "scheduled" until a workflow marks it, so these pages are
read at a moment when the database still says so.
"""

from datetime import timedelta

import pytest
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
