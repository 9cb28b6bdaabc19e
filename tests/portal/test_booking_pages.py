"""Booking a sitting, and the booking's own page: cancel, move, calendar file.

SS-2, SS-3, SS-4, SS-5, SS-9, SS-10 and SS-11 as a candidate meets them on the pages.
"""

import re
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from exams.models import Sitting
from tests.factories import (
    ExamPackFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
    local_datetime,
)
from tests.portal.pages import (
    book,
    book_url,
    has_link,
    ics_of,
    ics_start,
    input_value,
    links,
    offered_in_every_week,
    offered_sittings,
    take,
    text,
)
from vouchers import services
from vouchers.models import Booking, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db


def review_url(voucher, sitting, exam):
    return reverse("portal:review_booking", args=[voucher.pk, sitting.pk]) + f"?exam={exam.pk}"


def listed_exams(response) -> set[str]:
    """The exam numbers the page offers to choose."""
    return {words.split()[0] for href, words in links(response) if "?exam=" in href}


def nothing_booked(*sittings):
    assert not Booking.objects.exists()
    for sitting in sittings:
        assert Sitting.objects.get(pk=sitting.pk).seats_taken == sitting.seats_taken


# --- choosing the exam ----------------------------------------------------------------


def test_the_exam_list_offers_only_eligible_exams_still_offered(signed_in, voucher, catalogue):
    """SS-3"""
    response = signed_in.get(book_url(voucher))
    assert response.status_code == 200
    assert listed_exams(response) == {"070-483", "072-410"}


@pytest.mark.parametrize(
    ("query", "found"),
    [("483", {"070-483"}), ("072-", {"072-410"}), ("c%23", {"070-483"}), ("academic", {"072-410"})],
    ids=["number", "prefix", "title C#", "title word"],
)
def test_exams_can_be_searched_by_number_or_title(signed_in, voucher, catalogue, query, found):
    """SS-3"""
    response = signed_in.get(book_url(voucher, q=query))
    assert listed_exams(response) == found


def test_a_typed_ineligible_exam_number_gets_the_reason(signed_in, voucher, catalogue):
    """SS-3"""
    response = signed_in.get(book_url(voucher, q="074-343"))
    page = text(response)
    assert (
        "Exam 074-343 is not covered by the Second Shot offer, which covers IT professional "
        "and developer exams (numbers starting 070-) and academic exams (072-)."
    ) in page
    assert listed_exams(response) == set()
    assert input_value(response, "q") == "074-343"


def test_an_eligible_search_gives_no_ineligibility_warning(signed_in, voucher, catalogue):
    """SS-3"""
    assert "is not covered" not in text(signed_in.get(book_url(voucher, q="070-483")))


def test_an_ineligible_exam_cannot_be_chosen_through_the_address(
    signed_in, voucher, catalogue, sitting
):
    """SS-3"""
    ineligible = catalogue["ineligible"]
    assert listed_exams(signed_in.get(book_url(voucher, exam=ineligible.pk))) == {
        "070-483",
        "072-410",
    }
    response = signed_in.post(review_url(voucher, sitting, ineligible))
    assert response.status_code == 409
    assert "074-343 is not covered by the Second Shot offer" in text(response)
    nothing_booked(sitting)


@pytest.mark.parametrize("view", ["book", "review_booking"])
def test_a_mangled_exam_in_the_address_is_not_a_server_error(
    signed_in, voucher, sitting, catalogue, view
):
    """Bad input: a server error page is a bug."""
    signed_in.raise_request_exception = False
    args = [voucher.pk] if view == "book" else [voucher.pk, sitting.pk]
    response = signed_in.get(reverse(f"portal:{view}", args=args) + "?exam=abc")
    assert response.status_code in (200, 404)


# --- choosing the sitting --------------------------------------------------------------


def test_choosing_an_exam_lists_future_sittings_with_a_free_seat_on_or_before_expiry(
    signed_in, candidate, exam, berlin, auckland, now, today
):
    """SS-2 (by the centre's local date), SS-11"""
    expires_on = today + timedelta(days=60)
    voucher = RegisteredVoucherFactory(registered_by=candidate, pack__expires_on=expires_on)
    y, m, d = expires_on.year, expires_on.month, expires_on.day
    after = expires_on + timedelta(days=1)
    soon = SittingFactory(centre=berlin, starts_at=now + timedelta(days=5))
    last_day_auckland = SittingFactory(
        centre=auckland, starts_at=local_datetime("Pacific/Auckland", y, m, d, 9)
    )
    SittingFactory(centre=berlin, starts_at=now - timedelta(hours=1))  # past
    SittingFactory(centre=berlin, starts_at=now + timedelta(days=6), seats=2, seats_taken=2)
    day_after_in_auckland = SittingFactory(
        centre=auckland,
        starts_at=local_datetime("Pacific/Auckland", after.year, after.month, after.day, 9),
    )
    SittingFactory(
        centre=berlin, starts_at=local_datetime("Europe/Berlin", after.year, after.month, after.day)
    )
    assert day_after_in_auckland.starts_at.astimezone(UTC).date() == expires_on, "UTC says expiry"

    response = signed_in.get(book_url(voucher, exam=exam.pk))

    assert response.status_code == 200
    url = book_url(voucher, exam=exam.pk)
    assert offered_in_every_week(signed_in, url) == {soon.pk, last_day_auckland.pk}
    review = reverse("portal:review_booking", args=[voucher.pk, soon.pk])
    assert f"{review}?exam={exam.pk}" in [href for href, _ in links(response)]


def test_sittings_can_be_narrowed_by_country_and_city(signed_in, voucher, exam, berlin, now):
    munich = TestCenterFactory(country="DE", city="Munich", time_zone="Europe/Berlin")
    paris = TestCenterFactory(country="FR", city="Paris", time_zone="Europe/Paris")
    in_berlin, in_munich, in_paris = (
        SittingFactory(centre=centre, starts_at=now + timedelta(days=days))
        for centre, days in ((berlin, 5), (munich, 6), (paris, 7))
    )

    everywhere = book_url(voucher, exam=exam.pk, country="")
    germany = signed_in.get(book_url(voucher, exam=exam.pk, country="DE"))
    munich_only = book_url(voucher, exam=exam.pk, country="DE", city="Munich")

    every = offered_in_every_week(signed_in, everywhere)
    assert every == {in_berlin.pk, in_munich.pk, in_paris.pk}
    assert offered_in_every_week(
        signed_in, germany.request["PATH_INFO"] + "?" + germany.request["QUERY_STRING"]
    ) == {in_berlin.pk, in_munich.pk}
    assert offered_in_every_week(signed_in, munich_only) == {in_munich.pk}
    assert '<option value="Paris"' not in germany.content.decode(), "cities of that country only"


def test_sittings_are_shown_in_the_centres_local_time_with_its_zone(
    signed_in, candidate, exam, auckland, now
):
    """SS-9: 09:00 in Auckland is 20:00 UTC the day before; the page says 09:00 NZDT."""
    start = local_datetime("Pacific/Auckland", now.year + 1, 1, 15, 9)
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__expires_on=start.date() + timedelta(days=60)
    )
    sitting = SittingFactory(centre=auckland, starts_at=start)
    assert sitting.starts_at.astimezone(auckland.zone).hour == 9

    choose = text(signed_in.get(book_url(voucher, exam=exam.pk, country="NZ")))
    review = text(signed_in.get(review_url(voucher, sitting, exam)))

    when = f"{start:%A} 15 January {start.year}, 09:00 NZDT"
    assert f"{start:%A} 15 January 09:00 NZDT" in choose, "the day's heading, then the time"
    assert "20:00" not in choose
    assert f"{when} (local time at the centre, Pacific/Auckland)" in review
    assert "20:00" not in review


# --- the review page and SS-2's warning -------------------------------------------------


@pytest.mark.parametrize(
    ("expires_in", "second_shot", "warning_days", "warned"),
    [(20, True, 30, True), (180, True, 30, False), (20, True, 5, False), (20, False, 30, False)],
    ids=["close to expiry", "far from expiry", "setting shorter", "plain pack"],
)
def test_the_review_page_warns_when_a_retake_would_have_little_time(
    signed_in, candidate, exam, now, today, settings, expires_in, second_shot, warning_days, warned
):
    """SS-2"""
    settings.RETAKE_WARNING_DAYS = warning_days
    voucher = RegisteredVoucherFactory(
        registered_by=candidate,
        pack__expires_on=today + timedelta(days=expires_in),
        pack__is_second_shot=second_shot,
        pack__promotion="" if second_shot else "Spring sale",
    )
    sitting = SittingFactory(starts_at=now + timedelta(days=10))

    page = text(signed_in.get(review_url(voucher, sitting, exam)))

    assert "Check and confirm your booking" in page
    warning = (
        "Little time left for a retake. Your voucher expires on "
        f"{voucher.pack.expires_on:%-d %B %Y}. If you do not pass this sitting, your free "
        "retake must also be taken by that date."
    )
    assert (warning in page) is warned


def test_confirming_books_the_sitting_and_emails_a_calendar_file(
    signed_in, candidate, voucher, exam, auckland, now, django_capture_on_commit_callbacks
):
    """SS-5, SS-9: the pack is tied, the calendar file holds the centre's local start."""
    sitting = SittingFactory(centre=auckland, starts_at=now + timedelta(days=12))

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(review_url(voucher, sitting, exam), follow=True)

    booking = Booking.objects.get()
    assert response.redirect_chain == [(reverse("portal:booking", args=[booking.pk]), 302)]
    assert "Your exam is booked. We have e-mailed you the details." in text(response)
    assert (booking.candidate, booking.voucher, booking.sitting, booking.exam) == (
        candidate,
        voucher,
        sitting,
        exam,
    )
    assert booking.attempt == Booking.Attempt.FIRST
    assert Sitting.objects.get(pk=sitting.pk).seats_taken == 1
    assert Voucher.objects.get(pk=voucher.pk).pack.candidate == candidate
    (message,) = mail.outbox
    assert message.to == [candidate.email]
    assert message.subject.startswith("Booked: exam 070-483 on ")
    local = sitting.local_start()
    assert f"{local:%H:%M} {local.tzname()}" in message.subject
    assert f"valid until {voucher.pack.expires_on:%-d %B %Y}" in message.body, "names expiry"
    assert f"{local:%H:%M} {local.tzname()} (local time at the centre" in message.body
    ics = ics_of(message)
    assert "METHOD:PUBLISH" in ics
    assert f"{ics_start(sitting)}\r\n" in ics


def test_a_full_sitting_is_refused_in_words(signed_in, voucher, exam, now):
    """SS-11"""
    full = SittingFactory(starts_at=now + timedelta(days=10), seats=3, seats_taken=3)
    response = signed_in.post(review_url(voucher, full, exam))
    assert response.status_code == 409
    assert "This sitting is full. Please choose another one." in text(response)
    nothing_booked(full)


def test_a_sitting_that_has_started_is_refused_in_words(signed_in, voucher, exam, now):
    """Bad input: a past sitting."""
    past = SittingFactory(starts_at=now - timedelta(minutes=5))
    response = signed_in.post(review_url(voucher, past, exam))
    assert response.status_code == 409
    assert "This sitting has already started. Please choose a later one." in text(response)
    nothing_booked(past)


def test_a_second_booking_is_refused_while_the_first_is_open(
    signed_in, candidate, voucher, exam, sitting, now
):
    """SS-4"""
    first = book(candidate, voucher, exam, sitting, now=now)
    other_voucher = RegisteredVoucherFactory(registered_by=candidate)
    later = SittingFactory(starts_at=now + timedelta(days=20))

    response = signed_in.post(review_url(other_voucher, later, exam))

    assert response.status_code == 409
    start = sitting.local_start()
    assert (
        f"You already have exam 070-483 booked on {start:%d %B %Y at %H:%M} {start.tzname()}. "
        "You can book another exam once you have taken it, or after cancelling it."
    ) in text(response)
    assert list(Booking.objects.all()) == [first]
    assert Sitting.objects.get(pk=later.pk).seats_taken == 0


def test_a_second_booking_is_allowed_once_the_first_sitting_has_started(
    signed_in, candidate, voucher, exam, now
):
    """SS-4: a booking whose sitting has started counts as taken."""
    started = SittingFactory(starts_at=now - timedelta(hours=1))
    book(candidate, voucher, exam, started, now=now - timedelta(days=3))
    other_voucher = RegisteredVoucherFactory(registered_by=candidate)
    later = SittingFactory(starts_at=now + timedelta(days=20))

    response = signed_in.post(review_url(other_voucher, later, exam))

    assert response.status_code == 302
    assert Booking.objects.filter(voucher=other_voucher, sitting=later).exists()


def test_step_one_of_another_voucher_says_ss4_and_links_to_the_booking_instead_of_exams(
    signed_in, candidate, voucher, exam, sitting, catalogue, now
):
    """SS-4 where the decision is made: no exam to choose, the booking that waits, its link."""
    first = book(candidate, voucher, exam, sitting, now=now)
    other_voucher = RegisteredVoucherFactory(registered_by=candidate)

    response = signed_in.get(book_url(other_voucher))

    assert "You already have exam 070-483 booked on" in text(response)
    assert listed_exams(response) == set()
    assert has_link(response, reverse("portal:booking", args=[first.pk]), "See your booking")


def test_a_sitting_inside_the_cutoff_is_marked_in_the_list(signed_in, voucher, exam, now):
    """SS-10: the list says which sittings could never be changed once booked."""
    soon = SittingFactory(starts_at=now + timedelta(hours=20))
    later = SittingFactory(starts_at=now + timedelta(days=5))

    marked = {}  # each sitting listed → whether its row is marked; each on its week's page
    for sitting in (soon, later):
        week = sitting.local_start().date()  # a week is of dates at the centre
        page = signed_in.get(book_url(voucher, exam=exam.pk, week=week)).content.decode()
        for row in re.findall(r'<li class="list-group-item">(.*?)</li>', page, re.S):
            if chosen := re.search(r'href="(\d+)/\?exam=', row):
                marked[int(chosen.group(1))] = "sitting-cutoff" in row
    assert marked == {soon.pk: True, later.pk: False}
    assert "Starts within 24 hours: cannot be changed once booked" in text(
        signed_in.get(book_url(voucher, exam=exam.pk))
    )


def test_booking_inside_the_cutoff_asks_to_accept_that_it_cannot_be_changed(
    signed_in, voucher, exam, now, django_capture_on_commit_callbacks
):
    """SS-10: without the box ticked nothing is booked, and the page says why."""
    soon = SittingFactory(starts_at=now + timedelta(hours=20))
    url = review_url(voucher, soon, exam)

    review = text(signed_in.get(url))
    refused = signed_in.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        booked = signed_in.post(url, {"no_change_accepted": "on"})

    assert "This booking cannot be changed." in review
    assert "I understand that this booking cannot be cancelled or moved." in review
    assert "You can cancel or move this booking until" not in review
    assert refused.status_code == 409
    assert "Please tick the box" in text(refused)
    assert booked.status_code == 302
    assert Booking.objects.get().sitting == soon


def test_a_sitting_after_the_cutoff_asks_for_no_confirmation(signed_in, voucher, exam, now):
    """SS-10"""
    later = SittingFactory(starts_at=now + timedelta(days=5))
    review = text(signed_in.get(review_url(voucher, later, exam)))
    assert "I understand that this booking cannot be cancelled or moved." not in review
    assert "You can cancel or move this booking until 24 hours before it starts." in review


def test_an_already_booked_voucher_says_so_instead_of_offering_exams(
    signed_in, voucher, booking, catalogue
):
    """SS-4"""
    response = signed_in.get(book_url(voucher))
    assert "This voucher is already booked for a sitting." in text(response)
    assert listed_exams(response) == set()


def test_a_voucher_of_a_pack_tied_to_someone_else_is_theirs_and_cannot_be_booked(
    signed_in, candidate, other_candidate, exam, sitting, now
):
    """SS-5: registered before another person booked with the pack, it went back to them."""
    pack = ExamPackFactory(vouchers=True, exam_count=2)
    mine, theirs = pack.voucher_list
    Voucher.objects.filter(pk=mine.pk).update(registered_by=candidate)
    Voucher.objects.filter(pk=theirs.pk).update(registered_by=other_candidate)
    book(other_candidate, Voucher.objects.get(pk=theirs.pk), exam, sitting, now=now)

    choose = signed_in.get(book_url(mine))
    refused = signed_in.post(review_url(mine, sitting, exam))

    assert choose.status_code == 404
    assert refused.status_code == 404
    assert not Booking.objects.filter(candidate=candidate).exists()
    assert Sitting.objects.get(pk=sitting.pk).seats_taken == 1


def test_a_sitting_after_the_voucher_expires_is_refused_in_words(
    signed_in, candidate, exam, berlin, today
):
    """SS-2"""
    expires_on = today + timedelta(days=20)
    voucher = RegisteredVoucherFactory(registered_by=candidate, pack__expires_on=expires_on)
    day = expires_on + timedelta(days=2)
    late = SittingFactory(
        centre=berlin, starts_at=local_datetime("Europe/Berlin", day.year, day.month, day.day)
    )

    response = signed_in.post(review_url(voucher, late, exam))

    assert response.status_code == 409
    assert (
        f"This sitting is on {day:%-d %B %Y}, after your voucher expires on "
        f"{expires_on:%-d %B %Y}. Please choose a sitting on or before {expires_on:%-d %B %Y}."
    ) in text(response)
    nothing_booked(late)


def test_an_expired_voucher_offers_no_exam_to_book(signed_in, candidate, exam, catalogue, now):
    """SS-2"""
    voucher = RegisteredVoucherFactory(
        registered_by=candidate, pack__expires_on=now.date() - timedelta(days=3)
    )
    response = signed_in.get(book_url(voucher))
    assert f"This voucher expired on {voucher.pack.expires_on:%-d %B %Y}." in text(response)
    assert listed_exams(response) == set()


@pytest.mark.parametrize("address_names", ["another exam", "no exam", "a mangled exam"])
def test_a_retake_goes_straight_to_choosing_a_sitting_for_the_same_exam(
    signed_in,
    candidate,
    voucher,
    exam,
    catalogue,
    now,
    django_capture_on_commit_callbacks,
    address_names,
):
    """SS-1, SS-8"""
    take(candidate, voucher, exam, Booking.Outcome.FAILED, now=now)
    sitting = SittingFactory(starts_at=now + timedelta(days=8))

    choose = signed_in.get(book_url(voucher))
    confirm = (
        reverse("portal:review_booking", args=[voucher.pk, sitting.pk])
        + {
            "another exam": f"?exam={catalogue['academic'].pk}",
            "no exam": "",
            "a mangled exam": "?exam=4x",
        }[address_names]
    )
    with django_capture_on_commit_callbacks(execute=True):
        booked = signed_in.post(confirm)

    page = text(choose)
    assert "Book your free retake" in page
    assert "070-483 Programming in C#" in page
    assert 'name="q"' not in choose.content.decode(), "no exam to choose"
    assert sitting.pk in offered_sittings(choose)
    review = reverse("portal:review_booking", args=[voucher.pk, sitting.pk])
    assert f"{review}?exam={exam.pk}" in [href for href, _ in links(choose)]
    if address_names == "another exam":
        # The workflow, not the page, knows a retake's exam: it says why not, and books nothing.
        assert booked.status_code == 409
        assert "Your free retake is for exam 070-483" in text(booked)
        assert not Booking.objects.filter(attempt=Booking.Attempt.RETAKE).exists()
        return
    assert booked.status_code == 302
    retake = Booking.objects.get(attempt=Booking.Attempt.RETAKE)
    assert (retake.exam, retake.sitting) == (exam, sitting), "the workflow finds the exam"


# --- the booking page: cancel, move, calendar (SS-10) ----------------------------------------


def test_the_booking_page_offers_move_and_cancel_before_the_cutoff(
    signed_in, candidate, voucher, exam, auckland, now
):
    """SS-10, SS-9: the cut-off is shown in the centre's local time."""
    start = local_datetime("Pacific/Auckland", now.year + 1, 1, 15, 9)
    voucher.pack.expires_on = start.date() + timedelta(days=60)
    voucher.pack.save()
    booking = book(
        candidate, voucher, exam, SittingFactory(centre=auckland, starts_at=start), now=now
    )

    response = signed_in.get(reverse("portal:booking", args=[booking.pk]))

    assert has_link(
        response, reverse("portal:move_booking", args=[booking.pk]), "Move to another sitting"
    )
    assert has_link(response, reverse("portal:cancel_booking", args=[booking.pk]), "Cancel booking")
    deadline = start - timedelta(days=1)
    assert f"You can cancel or move until {deadline:%A %-d %B %Y}, 09:00 NZDT" in text(response)


CUTOFF_MESSAGE = (
    "Bookings can be cancelled or moved until 24 hours before the sitting. This sitting starts "
    "too soon; if you do not attend it is recorded as a no-show."
)


@pytest.fixture
def booking_within_cutoff(candidate, voucher, exam, now):
    """A booking made two days ago for a sitting that starts in ten hours."""
    sitting = SittingFactory(starts_at=now + timedelta(hours=10))
    return book(candidate, voucher, exam, sitting, now=now - timedelta(days=2))


def test_after_the_cutoff_the_booking_page_says_why_it_cannot_be_changed(
    signed_in, booking_within_cutoff
):
    """SS-10"""
    booking = booking_within_cutoff
    response = signed_in.get(reverse("portal:booking", args=[booking.pk]))
    assert CUTOFF_MESSAGE in text(response)
    hrefs = {href for href, _ in links(response)}
    assert reverse("portal:move_booking", args=[booking.pk]) not in hrefs
    assert reverse("portal:cancel_booking", args=[booking.pk]) not in hrefs
    move = signed_in.get(reverse("portal:move_booking", args=[booking.pk]))
    assert CUTOFF_MESSAGE in text(move)
    assert offered_sittings(move) == set()


def test_after_the_cutoff_cancelling_is_refused_and_the_booking_stands(
    signed_in, booking_within_cutoff, django_capture_on_commit_callbacks
):
    """SS-10"""
    booking = booking_within_cutoff
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("portal:cancel_booking", args=[booking.pk]))
    assert response.status_code == 409
    assert CUTOFF_MESSAGE in text(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SCHEDULED
    assert mail.outbox == []


def test_after_the_cutoff_moving_is_refused_and_the_booking_stands(
    signed_in, booking_within_cutoff, now
):
    """SS-10"""
    booking = booking_within_cutoff
    later = SittingFactory(starts_at=now + timedelta(days=9))
    response = signed_in.post(reverse("portal:review_move", args=[booking.pk, later.pk]))
    assert response.status_code == 409
    assert CUTOFF_MESSAGE in text(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SCHEDULED
    assert Sitting.objects.get(pk=later.pk).seats_taken == 0


@pytest.mark.parametrize("view", ["cancel", "review_move"])
def test_after_the_cutoff_the_cancel_and_move_pages_say_why_not_instead_of_offering_it(
    signed_in, booking_within_cutoff, now, view
):
    """SS-10"""
    booking = booking_within_cutoff
    if view == "cancel":
        path, button = reverse("portal:cancel_booking", args=[booking.pk]), "Yes, cancel"
    else:
        later = SittingFactory(starts_at=now + timedelta(days=9))
        path, button = reverse("portal:review_move", args=[booking.pk, later.pk]), "Move my"
    page = text(signed_in.get(path))
    assert CUTOFF_MESSAGE in page
    assert button not in page


def test_the_pages_name_the_configured_cutoff(
    signed_in, candidate, voucher, exam, sitting, now, settings
):
    """SS-10: the cut-off is a setting."""
    settings.BOOKING_CHANGE_CUTOFF = timedelta(hours=48)
    review = text(signed_in.get(review_url(voucher, sitting, exam)))
    booking = book(candidate, voucher, exam, sitting, now=now)
    detail = text(signed_in.get(reverse("portal:booking", args=[booking.pk])))
    assert "24 hours" not in review + detail
    assert "48 hours" in review
    assert "48 hours" in detail


def test_cancelling_asks_first_then_frees_the_voucher_and_emails_a_cancellation(
    signed_in, candidate, voucher, booking, django_capture_on_commit_callbacks
):
    """SS-10: the voucher covers the exam again; the pack stays tied (SS-5)."""
    url = reverse("portal:cancel_booking", args=[booking.pk])

    confirm = signed_in.get(url)
    assert confirm.status_code == 200
    assert "Cancel this booking?" in text(confirm)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.SCHEDULED

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(url, follow=True)

    assert response.redirect_chain == [(reverse("portal:dashboard"), 302)]
    page = text(response)
    assert "Your booking for 070-483 is cancelled." in page
    assert "First attempt available" in page
    assert has_link(response, reverse("portal:book", args=[voucher.pk]), "Book your exam")
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert Sitting.objects.get(pk=booking.sitting_id).seats_taken == 0
    assert Voucher.objects.get(pk=voucher.pk).pack.candidate == candidate
    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled: exam 070-483 on ")
    ics = ics_of(message)
    assert "METHOD:CANCEL" in ics
    assert "STATUS:CANCELLED" in ics
    assert ics_start(booking.sitting) in ics


def test_moving_lists_other_sittings_shows_from_and_to_and_moves_the_booking(
    signed_in, candidate, booking, berlin, auckland, now, django_capture_on_commit_callbacks
):
    """SS-10, SS-9"""
    to = SittingFactory(centre=auckland, starts_at=now + timedelta(days=12, hours=3))
    other = SittingFactory(centre=berlin, starts_at=now + timedelta(days=14))

    anywhere = reverse("portal:move_booking", args=[booking.pk]) + "?country="
    offered = offered_in_every_week(signed_in, anywhere)
    review = signed_in.get(reverse("portal:review_move", args=[booking.pk, to.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        moved = signed_in.post(reverse("portal:review_move", args=[booking.pk, to.pk]), follow=True)

    assert offered == {to.pk, other.pk}, "not the sitting already booked"
    page = text(review)
    old_start, new_start = booking.sitting.local_start(), to.local_start()
    assert page.index("From") < page.index(f"{old_start:%H:%M} {old_start.tzname()}")
    assert page.index("To") < page.index(f"{new_start:%H:%M} {new_start.tzname()}")
    assert "Auckland CBD" in page and "Berlin Mitte" in page
    new = Booking.objects.get(sitting=to)
    assert moved.redirect_chain == [(reverse("portal:booking", args=[new.pk]), 302)]
    assert "Your booking is moved. We have e-mailed you the new details." in text(moved)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.replaced_by == new
    assert (new.status, new.exam, new.attempt) == (
        Booking.Status.SCHEDULED,
        booking.exam,
        booking.attempt,
    )
    assert Sitting.objects.get(pk=booking.sitting_id).seats_taken == 0
    assert Sitting.objects.get(pk=to.pk).seats_taken == 1
    assert VoucherEvent.objects.filter(action=VoucherEvent.Action.MOVED).count() == 1
    (message,) = mail.outbox
    assert message.subject.startswith("Moved: exam 070-483 is now on ")
    ics = ics_of(message)
    assert ics_start(to) in ics
    assert "SEQUENCE:1" in ics


def test_moving_to_a_full_sitting_is_refused_in_words(signed_in, booking, now):
    """SS-11"""
    full = SittingFactory(starts_at=now + timedelta(days=12), seats=1, seats_taken=1)
    response = signed_in.post(reverse("portal:review_move", args=[booking.pk, full.pk]))
    assert response.status_code == 409
    assert "This sitting is full. Please choose another one." in text(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SCHEDULED


def test_the_calendar_download_is_a_calendar_file_with_the_local_start(signed_in, booking):
    """SS-9"""
    response = signed_in.get(reverse("portal:booking_calendar", args=[booking.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="exam-070-483.ics"'
    ics = response.content.decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n")
    assert f"{ics_start(booking.sitting)}\r\n" in ics


def test_a_retake_of_an_exam_withdrawn_since_is_refused_with_the_reason(
    signed_in, candidate, voucher, exam, now
):
    """The review page of a retake shows; confirming it says the exam is no longer offered."""
    take(candidate, voucher, exam, Booking.Outcome.FAILED, now=now)
    sitting = SittingFactory(starts_at=now + timedelta(days=8))
    exam.is_active = False
    exam.save()

    review = signed_in.get(review_url(voucher, sitting, exam))
    refused = signed_in.post(review_url(voucher, sitting, exam))

    assert review.status_code == 200
    assert refused.status_code == 409
    assert "no longer offered" in text(refused)
    assert not Booking.objects.filter(attempt=Booking.Attempt.RETAKE).exists()


def test_the_booking_page_and_email_give_reference_arrival_photo_id_and_a_plain_map_link(
    signed_in, candidate, voucher, exam, sitting, now, django_capture_on_commit_callbacks
):
    """The next step: what the candidate needs on the day."""
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(candidate, voucher, exam, sitting, now=now)
    response = signed_in.get(reverse("portal:booking", args=[booking.pk]))
    page = text(response)

    assert f"Booking reference {booking.reference}" in page
    assert "Photo ID showing your name exactly as on your booking: Ada King Lovelace." in page
    assert "Arrive 15 minutes early to check in." in page
    (map_url,) = [h for h, w in links(response) if w == "Map (OpenStreetMap)"]
    assert map_url.startswith("https://www.openstreetmap.org/search?query=")
    assert "<script" not in response.content.decode().split("<main")[1].split("</main>")[0]
    (message,) = mail.outbox
    assert booking.reference in message.body
    assert map_url in message.body
    assert "Arrive 15 minutes early to check in." in message.body


def test_the_booking_email_words_the_cutoff_for_this_booking(
    candidate, voucher, exam, sitting, now, django_capture_on_commit_callbacks
):
    """SS-10: the deadline of this booking, or that it can never be changed."""
    other = RegisteredVoucherFactory(registered_by=candidate)
    with django_capture_on_commit_callbacks(execute=True):
        later = book(candidate, voucher, exam, sitting, now=now)
    deadline = later.change_deadline().astimezone(sitting.centre.zone)
    soon = SittingFactory(starts_at=sitting.starts_at + timedelta(days=3, hours=-2))
    with django_capture_on_commit_callbacks(execute=True):
        services.book_sitting(
            candidate=candidate,
            voucher=other,
            exam=exam,
            sitting=soon,
            no_change_accepted=True,
            now=soon.starts_at - timedelta(hours=5),
        )

    first, second = mail.outbox
    assert f"You can cancel or move the booking until {deadline:%A %-d %B %Y, %H:%M}" in first.body
    assert "cannot be cancelled or moved" not in first.body
    assert "it cannot be cancelled or moved" in second.body
    assert "You can cancel or move the booking until" not in second.body
