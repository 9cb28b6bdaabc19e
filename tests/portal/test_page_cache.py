"""The dashboard's cards and the booking page's sitting list come from the cache, and
never show anything out of date (the seats left aside, which may be seconds old).

Each test opens the dashboard (which keeps its cards), changes something the
way the portal or the back office does, and opens it again: the change must
show at once. See vouchers/page_cache.py for how each kind is caught.
"""

from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from exams.models import Sitting
from tests.factories import (
    BookingFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    StaffFactory,
    VoucherFactory,
)
from tests.portal.pages import book_url, links, offered_sittings, week_links
from vouchers import page_cache, services
from vouchers.clock import ANYWHERE_ON_EARTH
from vouchers.models import Booking
from vouchers.queries import WEEK_PAGE, monday_of

DASHBOARD = reverse("portal:dashboard")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change as if committed: its on-commit work (forgetting the cards) runs."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def dashboard(client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeat_visit_reads_the_cards_from_the_cache(signed_in, voucher):
    dashboard(signed_in)
    with CaptureQueriesContext(connection) as repeat:
        page = dashboard(signed_in)
    assert voucher.masked_number in page
    # The session, the user and the fingerprint; not the vouchers and their bookings.
    assert len(repeat) == 3, [q["sql"] for q in repeat.captured_queries]


def test_booking_and_cancelling_show_at_once(signed_in, candidate, voucher, exam, commit):
    assert "Book your exam" in dashboard(signed_in)
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=20))
    booking = commit(
        services.book_sitting, candidate=candidate, voucher=voucher, exam=exam, sitting=sitting
    )
    page = dashboard(signed_in)
    assert "Booked:" in page and "See your booking" in page

    commit(services.cancel_booking, candidate=candidate, booking=booking)
    page = dashboard(signed_in)
    assert "Booked:" not in page and "Book your exam" in page


def test_a_recorded_outcome_shows_at_once(signed_in, candidate, voucher, exam, commit):
    sitting = SittingFactory(starts_at=timezone.now() - timedelta(days=2))
    booking = BookingFactory(
        voucher=voucher, candidate=candidate, exam=exam, sitting=sitting,
        status=Booking.Status.TAKEN,
    )  # fmt: skip
    assert "Taken: waiting for the result" in dashboard(signed_in)

    commit(
        services.record_outcome,
        booking=booking,
        outcome=Booking.Outcome.FAILED,
        recorded_by=StaffFactory(),
    )
    assert "Free retake available" in dashboard(signed_in)


def test_a_reissued_number_and_a_voided_voucher_show_at_once(signed_in, voucher, commit):
    old = voucher.masked_number
    assert old in dashboard(signed_in)
    commit(services.reissue_number_on_behalf, voucher=voucher, actor=StaffFactory(), reason="lost")
    voucher.refresh_from_db()
    page = dashboard(signed_in)
    assert voucher.masked_number in page and old not in page

    commit(services.void_voucher, voucher=voucher, actor=StaffFactory(), reason="refunded")
    assert "Cancelled by the issuer" in dashboard(signed_in)


def test_another_person_booking_with_the_pack_shows_at_once(
    signed_in, voucher, other_candidate, exam, commit
):
    """SS-5: once someone else books with the pack, my voucher of it is theirs."""
    theirs = RegisteredVoucherFactory(pack=voucher.pack, registered_by=other_candidate)
    assert "Book your exam" in dashboard(signed_in)
    commit(
        services.book_sitting,
        candidate=other_candidate,
        voucher=theirs,
        exam=exam,
        sitting=SittingFactory(starts_at=timezone.now() + timedelta(days=20)),
    )
    assert voucher.masked_number not in dashboard(signed_in)


def test_registering_another_voucher_shows_at_once(signed_in, candidate, voucher, commit):
    dashboard(signed_in)
    new = VoucherFactory()
    commit(services.register_voucher, candidate=candidate, number=new.plain_number)
    assert new.masked_number in dashboard(signed_in)


def test_back_office_edits_of_what_the_cards_show_appear_at_once(
    signed_in, candidate, voucher, exam, commit
):
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=20))
    commit(services.book_sitting, candidate=candidate, voucher=voucher, exam=exam, sitting=sitting)
    page = dashboard(signed_in)
    assert "Programming in C#" in page

    def edit(obj, **fields):
        for name, value in fields.items():
            setattr(obj, name, value)
        commit(obj.save)

    edit(exam, title="Programming in C# (2027 edition)")
    assert "Programming in C# (2027 edition)" in dashboard(signed_in)
    edit(voucher.pack.customer, name="Renamed Holdings")
    assert "Renamed Holdings" in dashboard(signed_in)
    edit(sitting.centre, name="Brand New Test Centre")
    assert "Brand New Test Centre" in dashboard(signed_in)
    moved_to = sitting.starts_at + timedelta(days=1, hours=2)
    edit(sitting, starts_at=moved_to)
    assert f'datetime="{dateformat.format(timezone.localtime(moved_to), "c")}"' in dashboard(
        signed_in
    )
    edit(voucher.pack, expires_on=voucher.pack.expires_on + timedelta(days=31))
    day = voucher.pack.expires_on
    assert f"{day.day} {day:%B} {day.year}" in dashboard(signed_in)


def test_a_booked_sitting_that_starts_shows_as_taken_without_any_change(
    signed_in, candidate, voucher, exam, commit
):
    starts = timezone.now() + timedelta(minutes=2)
    sitting = SittingFactory(starts_at=starts)
    BookingFactory(voucher=voucher, candidate=candidate, exam=exam, sitting=sitting)
    assert "Booked:" in dashboard(signed_in)
    with mock.patch("django.utils.timezone.now", return_value=starts + timedelta(seconds=1)):
        assert "Taken: waiting for the result" in dashboard(signed_in)


def test_the_days_left_count_down_at_midnight_anywhere_on_earth(signed_in, voucher, today):
    left = (voucher.pack.expires_on - today).days
    midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=ANYWHERE_ON_EARTH)
    with mock.patch("django.utils.timezone.now", return_value=midnight - timedelta(minutes=1)):
        assert f"{left} days left" in dashboard(signed_in)
    with mock.patch("django.utils.timezone.now", return_value=midnight + timedelta(seconds=1)):
        assert f"{left - 1} days left" in dashboard(signed_in)


def test_the_cards_follow_the_language_chosen(signed_in, candidate, voucher):
    assert "Book your exam" in dashboard(signed_in)
    signed_in.post(reverse("set_language"), {"language": "de", "next": DASHBOARD})
    candidate.refresh_from_db()
    assert candidate.language == "de"
    page = dashboard(signed_in)
    assert "Book your exam" not in page and 'lang="de"' in page


def test_a_change_committed_while_the_cards_render_is_not_kept_as_current(
    signed_in, candidate, voucher, exam, commit
):
    """The cards are kept with the counts of the data they were read from, read with
    them: cards read before a change that commits meanwhile are kept with the old
    counts, and the next visit, counting again, renders them afresh."""

    def render_then_someone_books(now):
        counts = page_cache.fingerprint(candidate)  # read with the cards, before the booking
        html = "<p>cards from before the booking</p>"
        commit(
            services.book_sitting,
            candidate=candidate,
            voucher=voucher,
            exam=exam,
            sitting=SittingFactory(starts_at=timezone.now() + timedelta(days=20)),
        )
        return html, [], counts

    page_cache.cards_html(candidate, render_then_someone_books)
    page = dashboard(signed_in)
    assert "cards from before the booking" not in page and "Booked:" in page


def test_a_first_visit_reads_the_cards_and_their_counts_in_one_statement(signed_in, voucher):
    """Nothing kept: the session, the user, and one statement for the vouchers, their
    bookings and the counts the cards are kept with."""
    BookingFactory(voucher=voucher, candidate=voucher.registered_by)
    with CaptureQueriesContext(connection) as first:
        page = dashboard(signed_in)
    assert voucher.masked_number in page and "Booked:" in page
    assert len(first) == 3, [q["sql"] for q in first.captured_queries]


# --- the sitting list of the booking page -------------------------------------------


def test_one_kept_sitting_list_serves_every_voucher_expiring_that_day(
    signed_in, voucher, other_client, other_candidate, exam
):
    """The second candidate gets the list kept for the first, seats left as they were
    then (up to SITTING_LIST_CACHE_SECONDS old), each link leading to their own voucher."""
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=20), seats=10)
    theirs = RegisteredVoucherFactory(
        registered_by=other_candidate, pack__expires_on=voucher.pack.expires_on
    )
    first = signed_in.get(book_url(voucher, exam=exam.pk))
    assert "10 seats left" in first.content.decode()
    Sitting.objects.filter(pk=sitting.pk).update(seats_taken=3)  # booked elsewhere meanwhile

    second = other_client.get(book_url(theirs, exam=exam.pk))
    assert "10 seats left" in second.content.decode(), "the kept list"
    review = reverse("portal:review_booking", args=[theirs.pk, sitting.pk])
    assert [
        href
        for href, _ in links(second)
        if "/book/" in href and "?exam=" in href and "week=" not in href
    ] == [f"{review}?exam={exam.pk}"]


def test_a_weeks_next_page_is_kept_but_a_page_after_no_sitting_of_the_week_is_not(
    signed_in, voucher, other_client, other_candidate, exam
):
    """A next page is a search like any other; an ``after`` the page did not take (the
    week's first page shown instead) is not kept, or every number typed would be a key."""
    monday = monday_of((timezone.now() + timedelta(days=14)).date())
    morning = datetime.combine(monday + timedelta(days=1), time(9), tzinfo=UTC)
    for i in range(WEEK_PAGE + 2):
        SittingFactory(starts_at=morning + timedelta(minutes=i), seats=10)
    theirs = RegisteredVoucherFactory(
        registered_by=other_candidate, pack__expires_on=voucher.pack.expires_on
    )
    first = signed_in.get(book_url(voucher, exam=exam.pk, week=monday.isoformat()))
    (next_page,) = week_links(first, "Next sittings of this week")
    unknown = f"?exam={exam.pk}&week={monday.isoformat()}&after=999999"
    spelt_otherwise = "?" + next_page.split("?")[1].replace("after=", "after=0")
    for asked in (next_page, book_url(voucher) + unknown, book_url(voucher) + spelt_otherwise):
        assert signed_in.get(asked).status_code == 200
    Sitting.objects.update(seats_taken=3)  # booked elsewhere meanwhile

    kept = other_client.get(book_url(theirs) + "?" + next_page.split("?")[1])
    not_kept = [
        other_client.get(book_url(theirs) + asked).content.decode()
        for asked in (unknown, spelt_otherwise)
    ]

    assert "10 seats left" in kept.content.decode(), "the next page as kept"
    for page in not_kept:
        assert "7 seats left" in page
        assert "10 seats left" not in page


def test_a_sitting_list_kept_for_no_seconds_is_rendered_for_every_request(
    signed_in, voucher, other_client, other_candidate, exam, settings
):
    """SITTING_LIST_CACHE_SECONDS = 0: the second candidate sees the seats as they are."""
    settings.SITTING_LIST_CACHE_SECONDS = 0
    SittingFactory(starts_at=timezone.now() + timedelta(days=20), seats=10)
    theirs = RegisteredVoucherFactory(
        registered_by=other_candidate, pack__expires_on=voucher.pack.expires_on
    )
    assert "10 seats left" in signed_in.get(book_url(voucher, exam=exam.pk)).content.decode()
    Sitting.objects.update(seats_taken=3)

    assert "7 seats left" in other_client.get(book_url(theirs, exam=exam.pk)).content.decode()


def test_a_sitting_added_in_the_back_office_is_listed_at_once(signed_in, voucher, exam, commit):
    # Both on one day, at noon UTC: in one week wherever the hour of the run puts it.
    noon = (timezone.now() + timedelta(days=20)).replace(hour=12, minute=0, second=0)
    first = SittingFactory(starts_at=noon)
    assert offered_sittings(signed_in.get(book_url(voucher, exam=exam.pk))) == {first.pk}
    added = commit(SittingFactory, starts_at=noon + timedelta(hours=2))
    assert offered_sittings(signed_in.get(book_url(voucher, exam=exam.pk))) == {first.pk, added.pk}


def test_a_sitting_that_filled_while_listed_is_refused_with_the_reason(
    signed_in, voucher, other_candidate, exam, commit
):
    """The list may show seats SITTING_LIST_CACHE_SECONDS old; confirming checks afresh."""
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=20), seats=1)
    assert sitting.pk in offered_sittings(signed_in.get(book_url(voucher, exam=exam.pk)))
    commit(
        services.book_sitting,
        candidate=other_candidate,
        voucher=RegisteredVoucherFactory(registered_by=other_candidate),
        exam=exam,
        sitting=sitting,
    )
    review = reverse("portal:review_booking", args=[voucher.pk, sitting.pk])
    refused = signed_in.post(f"{review}?exam={exam.pk}")
    assert refused.status_code == 409
    assert "full" in refused.content.decode()
    assert not Booking.objects.filter(voucher=voucher).exists()


def test_an_exam_withdrawn_in_the_back_office_is_no_longer_offered_at_once(
    signed_in, voucher, exam, commit
):
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=20))
    assert offered_sittings(signed_in.get(book_url(voucher, exam=exam.pk))) == {sitting.pk}
    exam.is_active = False
    commit(exam.save)
    page = signed_in.get(book_url(voucher, exam=exam.pk))
    assert offered_sittings(page) == set()
    assert "1. Choose the exam" in page.content.decode()


class FailingCache:
    """A cache server that is down."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("the cache server is down")

        return fail


def test_with_the_cache_down_the_pages_are_rendered_afresh(
    signed_in, voucher, exam, commit, monkeypatch
):
    sitting = SittingFactory(starts_at=timezone.now() + timedelta(days=20))
    monkeypatch.setattr(page_cache, "cache", FailingCache())
    assert voucher.masked_number in dashboard(signed_in)
    assert offered_sittings(signed_in.get(book_url(voucher, exam=exam.pk))) == {sitting.pk}


def test_with_the_cache_down_a_back_office_change_still_stands(voucher, exam, commit, monkeypatch):
    """Forgetting kept pages fails after the commit, quietly: a new pack's numbers, shown
    only once, are not lost to it."""
    monkeypatch.setattr(page_cache, "cache", FailingCache())
    exam.title = "Renamed while the cache is down"
    commit(exam.save)
    exam.refresh_from_db()
    assert exam.title == "Renamed while the cache is down"
    issued = commit(
        services.issue_pack,
        customer=voucher.pack.customer,
        exam_count=2,
        expires_on=voucher.pack.expires_on,
        is_second_shot=True,
        list_price=900,
        issued_by=voucher.pack.customer.account_manager,
    )
    assert len(issued.numbers) == 2
