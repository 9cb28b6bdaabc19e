"""Results and history: each voucher's attempts, their outcomes, and the free retake (SS-1)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import RegisteredVoucherFactory, SittingFactory
from tests.portal.pages import book, has_link, take, text
from vouchers.models import Booking

pytestmark = pytest.mark.django_db

FAILED, PASSED, NO_SHOW = Booking.Outcome.FAILED, Booking.Outcome.PASSED, Booking.Outcome.NO_SHOW


def results(client):
    response = client.get(reverse("portal:results"))
    assert response.status_code == 200
    return text(response)


def retake_until(voucher):
    return f"Your free retake is available until {voucher.pack.expires_on:%-d %B %Y}."


def test_a_failed_first_attempt_shows_with_the_free_retake_and_until_when(
    signed_in, candidate, voucher, exam, now
):
    """SS-1, SS-2"""
    first = take(candidate, voucher, exam, FAILED, now=now)

    page = results(signed_in)

    assert "070-483 Programming in C#" in page
    assert "First attempt 070-483" in page
    assert f"{first.sitting.centre.name}, Berlin Failed" in page
    assert retake_until(voucher) in page


def test_a_no_show_counts_as_an_attempt_and_leaves_the_free_retake(
    signed_in, candidate, voucher, exam, now
):
    """SS-1, SS-10"""
    take(candidate, voucher, exam, NO_SHOW, now=now)
    page = results(signed_in)
    assert "No-show" in page
    assert retake_until(voucher) in page


def test_a_passed_exam_shows_passed_and_no_retake(signed_in, candidate, voucher, exam, now):
    """SS-1"""
    take(candidate, voucher, exam, PASSED, now=now)
    page = results(signed_in)
    assert "Passed" in page
    assert "retake is available" not in page


def test_a_booked_retake_shows_both_attempts_and_no_retake_left(
    signed_in, candidate, voucher, exam, now
):
    """SS-1, SS-8"""
    take(candidate, voucher, exam, FAILED, now=now)
    retake = book(
        candidate, voucher, exam, SittingFactory(starts_at=now + timedelta(days=5)), now=now
    )

    response = signed_in.get(reverse("portal:results"))
    page = text(response)

    assert page.index("First attempt 070-483") < page.index("Free retake 070-483")
    assert "Failed" in page
    assert has_link(response, reverse("portal:booking", args=[retake.pk]), "Booked")
    assert "is available until" not in page


def test_a_voucher_not_yet_used_is_not_listed_in_results(signed_in, voucher):
    page = results(signed_in)
    assert "No exams taken or booked yet." in page
    assert voucher.masked_number not in page


def test_the_voucher_page_shows_its_attempts_and_the_retake_still_available(
    signed_in, candidate, voucher, exam, now, today
):
    """SS-1, SS-2"""
    take(candidate, voucher, exam, FAILED, now=now)

    response = signed_in.get(reverse("portal:voucher", args=[voucher.pk]))
    page = text(response)

    assert response.status_code == 200
    assert f"Voucher {voucher.masked_number}" in page
    assert "Failed" in page
    days = (voucher.pack.expires_on - today).days
    assert f"Expires {voucher.pack.expires_on:%-d %B %Y} ({days} days left)" in page
    assert (
        f"Your free retake of 070-483 is still available until {voucher.pack.expires_on:%-d %B %Y}."
    ) in page
    assert has_link(response, reverse("portal:book", args=[voucher.pk]), "Book your free retake")


def test_the_results_page_offers_to_book_the_free_retake(signed_in, candidate, voucher, exam, now):
    """SS-1: the next step on the page that says the retake is there."""
    take(candidate, voucher, exam, FAILED, now=now)
    response = signed_in.get(reverse("portal:results"))
    assert has_link(response, reverse("portal:book", args=[voucher.pk]), "Book your free retake")


def test_while_another_exam_is_booked_the_retake_waits_for_it_with_a_link(
    signed_in, candidate, voucher, exam, now
):
    """SS-4: no page offers a booking the workflow would refuse."""
    take(candidate, voucher, exam, FAILED, now=now)
    other = RegisteredVoucherFactory(registered_by=candidate)
    waiting = book(
        candidate, other, exam, SittingFactory(starts_at=now + timedelta(days=9)), now=now
    )
    day = f"{waiting.sitting.local_date():%-d %B %Y}"

    for url in (reverse("portal:results"), reverse("portal:voucher", args=[voucher.pk])):
        response = signed_in.get(url)
        assert f"You can book this after your exam on {day}" in text(response)
        assert has_link(
            response, reverse("portal:booking", args=[waiting.pk]), f"your exam on {day}"
        )
        assert not has_link(
            response, reverse("portal:book", args=[voucher.pk]), "Book your free retake"
        )


def test_the_voucher_page_of_a_plain_pack_says_there_is_no_free_retake(
    signed_in, candidate, exam, now
):
    """SS-7"""
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__is_second_shot=False, pack__discount_percent=15
    )
    take(candidate, voucher, exam, FAILED, now=now)
    page = text(signed_in.get(reverse("portal:voucher", args=[voucher.pk])))
    assert "No free retake: this pack was sold with another offer." in page
    assert "still available" not in page
    assert "Used" in page


def test_the_voucher_page_without_attempts_says_so(signed_in, voucher):
    page = text(signed_in.get(reverse("portal:voucher", args=[voucher.pk])))
    assert "No exam booked with this voucher yet." in page
    assert "First attempt available" in page
