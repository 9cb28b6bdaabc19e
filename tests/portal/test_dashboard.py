"""My vouchers: grouped by pack, masked numbers, what each voucher still covers, the next step."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    ExamPackFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    local_datetime,
)
from tests.portal.pages import book, has_link, links, take, text
from vouchers import numbers
from vouchers.models import Booking, Voucher

pytestmark = pytest.mark.django_db

FAILED, PASSED = Booking.Outcome.FAILED, Booking.Outcome.PASSED


def dashboard(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return response


def test_vouchers_are_grouped_by_pack_with_masked_numbers(signed_in, candidate, today):
    soon = ExamPackFactory(customer__name="Contoso", expires_on=today + timedelta(days=30))
    later = ExamPackFactory(customer__name="Fabrikam", expires_on=today + timedelta(days=90))
    first, second = (RegisteredVoucherFactory(pack=soon, registered_by=candidate) for _ in "12")
    third = RegisteredVoucherFactory(pack=later, registered_by=candidate)

    page = text(dashboard(signed_in))

    order = [
        page.index("Second Shot pack from Contoso"),
        page.index(first.masked_number),
        page.index(second.masked_number),
        page.index("Second Shot pack from Fabrikam"),
        page.index(third.masked_number),
    ]
    assert order == sorted(order)


def test_no_page_shows_a_full_voucher_number(signed_in, candidate, voucher, exam, booking):
    """Voucher numbers are secrets: only their last characters are shown."""
    pages = [
        reverse("portal:dashboard"),
        reverse("portal:results"),
        reverse("portal:voucher", args=[voucher.pk]),
        reverse("portal:booking", args=[booking.pk]),
        reverse("portal:cancel_booking", args=[booking.pk]),
        reverse("portal:move_booking", args=[booking.pk]),
        reverse("portal:booking_calendar", args=[booking.pk]),
        reverse("account"),
    ]
    secret = voucher.plain_number
    for path in pages:
        content = signed_in.get(path).content.decode()
        assert secret not in content, path
        assert numbers.display(secret) not in content, path
        assert secret[:-4] not in content.replace("-", ""), path
    assert voucher.masked_number in text(signed_in.get(pages[0]))


def _first_attempt_available(candidate, voucher, exam, now):
    return None


def _booked(candidate, voucher, exam, now):
    sitting = SittingFactory(starts_at=now + timedelta(days=5))
    return book(candidate, voucher, exam, sitting, now=now)


def _awaiting_outcome(candidate, voucher, exam, now):
    sitting = SittingFactory(starts_at=now - timedelta(hours=5))
    return book(candidate, voucher, exam, sitting, now=now - timedelta(days=3))


def _retake_available(candidate, voucher, exam, now):
    return take(candidate, voucher, exam, FAILED, now=now)


def _passed(candidate, voucher, exam, now):
    return take(candidate, voucher, exam, PASSED, now=now)


def _used(candidate, voucher, exam, now):
    take(candidate, voucher, exam, FAILED, now=now, days_ago=40)
    return take(candidate, voucher, exam, FAILED, now=now, days_ago=20)


def _expired(candidate, voucher, exam, now):
    voucher.pack.expires_on = now.date() - timedelta(days=3)
    voucher.pack.save()


def _voided(candidate, voucher, exam, now):
    Voucher.objects.filter(pk=voucher.pk).update(voided_at=now, void_reason="refunded")


STATES = {
    "first attempt available": (
        _first_attempt_available,
        "First attempt available",
        "portal:book",
        "Book your exam",
    ),
    "booked": (_booked, "Booked", "portal:booking", "See your booking"),
    "awaiting outcome": (
        _awaiting_outcome,
        "Taken: waiting for the result",
        "portal:booking",
        "See your booking",
    ),
    "retake available": (
        _retake_available,
        "Free retake available — book by {day_month}",
        "portal:book",
        "Book your free retake",
    ),
    "passed": (_passed, "Passed", "portal:voucher", "See history"),
    "used": (_used, "Used", "portal:voucher", "See history"),
    "expired": (_expired, "Expired", "portal:voucher", "See history"),
    "voided": (_voided, "Cancelled by the issuer", "portal:voucher", "See history"),
}


@pytest.mark.parametrize("state", list(STATES))
def test_each_voucher_says_in_plain_words_what_it_covers_and_offers_the_next_step(
    state, signed_in, candidate, voucher, exam, now
):
    """SS-1, SS-2"""
    arrange, words, next_url, next_step = STATES[state]
    booking = arrange(candidate, voucher, exam, now)
    voucher.refresh_from_db()

    response = dashboard(signed_in)

    words = words.format(day_month=f"{voucher.pack.expires_on:%-d %B}")
    assert words in text(response)
    target = booking.pk if next_url == "portal:booking" else voucher.pk
    assert has_link(response, reverse(next_url, args=[target]), next_step)
    other_steps = {s[3] for s in STATES.values()} - {next_step}
    assert not [words for _, words in links(response) if words in other_steps]


def test_a_booked_voucher_shows_its_sitting_in_the_centres_local_time(
    signed_in, candidate, voucher, exam, auckland, now
):
    """SS-9"""
    start = local_datetime("Pacific/Auckland", now.year + 1, 1, 15, 9)
    voucher.pack.expires_on = start.date() + timedelta(days=60)
    voucher.pack.save()
    book(candidate, voucher, exam, SittingFactory(centre=auckland, starts_at=start), now=now)

    page = text(dashboard(signed_in))

    assert f"Booked: {start:%A} 15 January {start.year}, 09:00 NZDT at Auckland CBD" in page


@pytest.mark.parametrize(("days", "words"), [(40, "40 days left"), (1, "1 day left")])
def test_each_voucher_shows_its_expiry_date_and_the_days_left(
    signed_in, candidate, today, days, words
):
    """SS-2"""
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__expires_on=today + timedelta(days=days)
    )
    page = text(dashboard(signed_in))
    assert f"Expires {voucher.pack.expires_on:%-d %B %Y} · {words}" in page


def test_a_voucher_of_a_pack_someone_else_uses_leaves_my_vouchers(
    signed_in, candidate, other_candidate, exam, now
):
    """SS-5: registered before the pack was tied to someone else, it is theirs now."""
    pack = ExamPackFactory(vouchers=True, exam_count=2)
    mine, theirs = pack.voucher_list
    Voucher.objects.filter(pk=mine.pk).update(registered_by=candidate)
    Voucher.objects.filter(pk=theirs.pk).update(registered_by=other_candidate)
    sitting = SittingFactory(starts_at=now + timedelta(days=5))
    book(other_candidate, Voucher.objects.get(pk=theirs.pk), exam, sitting, now=now)

    response = dashboard(signed_in)

    assert mine.masked_number not in text(response)
    assert not has_link(response, reverse("portal:book", args=[mine.pk]), "Book your exam")


def test_a_plain_pack_says_it_has_no_free_retakes(signed_in, candidate):
    """SS-7"""
    RegisteredVoucherFactory(
        registered_by=candidate,
        pack__is_second_shot=False,
        pack__discount_percent=10,
        pack__customer__name="Contoso",
    )
    page = text(dashboard(signed_in))
    assert "Exam pack from Contoso" in page
    assert "This pack was sold with another offer, so it has no free retakes." in page


def test_a_second_shot_pack_does_not_say_it_has_no_free_retakes(signed_in, voucher):
    assert "no free retakes" not in text(dashboard(signed_in))


def test_a_failed_exam_of_a_plain_pack_leaves_the_voucher_used(signed_in, candidate, exam, now):
    """SS-7: no free retake outside Second Shot."""
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__is_second_shot=False, pack__promotion="Spring sale"
    )
    take(candidate, voucher, exam, FAILED, now=now)
    response = dashboard(signed_in)
    assert "Used" in text(response)
    assert "Book your free retake" not in text(response)


def test_without_vouchers_the_page_says_how_to_get_one(signed_in, other_candidate):
    RegisteredVoucherFactory(registered_by=other_candidate)
    response = dashboard(signed_in)
    assert "You have no vouchers on your account yet." in text(response)
    assert has_link(response, reverse("portal:register_voucher"), "Register a voucher")


def test_another_candidates_vouchers_are_not_on_my_dashboard(signed_in, voucher, other_candidate):
    theirs = RegisteredVoucherFactory(registered_by=other_candidate)
    page = text(dashboard(signed_in))
    assert voucher.masked_number in page
    assert theirs.masked_number not in page


def test_while_one_exam_is_booked_another_voucher_waits_for_it_instead_of_offering_booking(
    signed_in, candidate, voucher, exam, now
):
    """SS-4 on the card: "you can book this after your exam on …", linking to it."""
    other = RegisteredVoucherFactory(registered_by=candidate)
    booked = book(
        candidate, voucher, exam, SittingFactory(starts_at=now + timedelta(days=9)), now=now
    )
    day = f"{booked.sitting.local_date():%-d %B %Y}"

    response = dashboard(signed_in)

    assert f"You can book this after your exam on {day} : one exam is booked at a time." in text(
        response
    )
    assert has_link(response, reverse("portal:booking", args=[booked.pk]), f"your exam on {day}")
    assert not has_link(response, reverse("portal:book", args=[other.pk]), "Book your exam")


COVERS = {
    "first attempt available": "Covers a first attempt and one free retake, by {day}.",
    "booked": "Covers this attempt and, if you do not pass, one free retake by {day}.",
    "awaiting outcome": "Covers this attempt and, if you do not pass, one free retake by {day}.",
    "retake available": "Covers one free retake, by {day}.",
    "passed": None,
    "used": None,
    "expired": None,
    "voided": None,
}


@pytest.mark.parametrize("state", list(COVERS))
def test_each_card_says_what_the_voucher_still_covers_and_by_when(
    state, signed_in, candidate, voucher, exam, now
):
    """SS-1, SS-2"""
    STATES[state][0](candidate, voucher, exam, now)
    voucher.refresh_from_db()

    page = text(dashboard(signed_in))

    if COVERS[state] is None:
        assert "Covers " not in page
    else:
        assert COVERS[state].format(day=f"{voucher.pack.expires_on:%-d %B %Y}") in page


def test_a_plain_pack_covers_one_attempt(signed_in, candidate):
    plain = RegisteredVoucherFactory(registered_by=candidate, pack__is_second_shot=False)
    assert f"Covers one attempt, by {plain.pack.expires_on:%-d %B %Y}." in text(
        dashboard(signed_in)
    )
