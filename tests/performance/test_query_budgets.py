"""Query budgets: every candidate page makes the same number of queries whatever the data.

Each page is rendered twice: for a candidate with little (3 vouchers, 5 sittings on
offer) and for one with a lot (30 vouchers in every state, 200 sittings at several
centres), with the first candidate's data still in the database. The two counts
must be equal, and within the page's budget below: a page whose count grows with
the data has an N+1 query, which at a million vouchers is an outage.

No timing is asserted here; speed is measured by ``bench/run.py``.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import (
    BookingFactory,
    CandidateFactory,
    ExamFactory,
    ExamPackFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
    UserFactory,
)
from vouchers.models import Booking

pytestmark = pytest.mark.django_db

SMALL = {"vouchers": 3, "sittings": 5}
LARGE = {"vouchers": 30, "sittings": 200}
CENTRES = [
    ("Berlin", "DE", "Europe/Berlin"),
    ("London", "GB", "Europe/London"),
    ("Tokyo", "JP", "Asia/Tokyo"),
    ("Auckland", "NZ", "Pacific/Auckland"),
]


@dataclass
class World:
    """One candidate's data and the ids the pages need."""

    candidate: object
    fresh_voucher: object  # first attempt available
    retake_voucher: object  # failed first attempt: free retake available
    scheduled: Booking  # a booking that can still be cancelled or moved
    exam: object
    sitting: object  # a sitting with a free seat the fresh voucher can pay for


def _past_sitting(centre, days_ago):
    return SittingFactory(centre=centre, starts_at=timezone.now() - timedelta(days=days_ago))


def build_world(*, vouchers: int, sittings: int, tag: str) -> World:
    """A candidate with ``vouchers`` vouchers in packs of three, in every state the
    dashboard shows, and ``sittings`` future sittings spread over four centres, one a
    day at noon UTC from the Monday after next: the same weeks whatever the day and
    hour of the run (the small world's booking then shares its week with another
    sitting at its centre, as the large world's does, and the move page reads the same
    statements for both)."""
    now = timezone.now()
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=14)
    first_noon = datetime.combine(monday, time(12), tzinfo=UTC)
    candidate = UserFactory(email=f"{tag}@example.com", email_verified_at=now)
    exam = ExamFactory(number="070-483")
    centres = [
        TestCenterFactory(city=city, country=country, time_zone=zone)
        for city, country, zone in CENTRES
    ]
    future = [
        SittingFactory(
            centre=centres[i % len(centres)],
            starts_at=first_noon + timedelta(days=i % 90, hours=i // 90),
            seats=20,
        )
        for i in range(sittings)
    ]
    packs = [ExamPackFactory() for _ in range(-(-vouchers // 3))]
    made = [
        RegisteredVoucherFactory(registered_by=candidate, pack=packs[i // 3])
        for i in range(vouchers)
    ]
    fresh, retake_voucher, scheduled_voucher, *others = made
    for pack in {v.pack for v in made[:3]}:
        pack.candidate = candidate
        pack.save()

    def taken(voucher, outcome, days_ago, attempt=Booking.Attempt.FIRST):
        return BookingFactory(
            voucher=voucher,
            candidate=candidate,
            exam=exam,
            sitting=_past_sitting(centres[days_ago % len(centres)], days_ago),
            attempt=attempt,
            status=Booking.Status.TAKEN,
            outcome=outcome,
        )

    taken(retake_voucher, Booking.Outcome.FAILED, 40)
    scheduled = BookingFactory(
        voucher=scheduled_voucher, candidate=candidate, exam=exam, sitting=future[-1]
    )
    future[-1].seats_taken += 1  # the booking holds its seat, which cancelling frees
    future[-1].save(update_fields=["seats_taken"])
    # The rest cycle through what a voucher can have been through.
    for i, voucher in enumerate(others):
        match i % 5:
            case 0:
                pass  # registered, never booked
            case 1:
                taken(voucher, Booking.Outcome.PASSED, 60 + i)
            case 2:
                taken(voucher, Booking.Outcome.FAILED, 90 + i)
                taken(voucher, Booking.Outcome.PASSED, 30 + i, attempt=Booking.Attempt.RETAKE)
            case 3:
                BookingFactory(
                    voucher=voucher,
                    candidate=candidate,
                    exam=exam,
                    sitting=future[i % len(future)],
                    status=Booking.Status.CANCELLED,
                    cancelled_at=now,
                )
                taken(voucher, Booking.Outcome.NO_SHOW, 20 + i)
            case 4:
                taken(voucher, None, 2)  # taken, waiting for the result
    return World(
        candidate=candidate,
        fresh_voucher=fresh,
        retake_voucher=retake_voucher,
        scheduled=scheduled,
        exam=exam,
        sitting=future[0],
    )


# Each page: its URL in a world, and the most queries it may make. The session and
# the user are two of them on every signed-in page.
PAGES = {
    "dashboard": (lambda w: reverse("portal:dashboard"), 3),
    "voucher detail": (lambda w: reverse("portal:voucher", args=[w.retake_voucher.pk]), 5),
    "results": (lambda w: reverse("portal:results"), 5),
    "book: exam choice": (lambda w: reverse("portal:book", args=[w.fresh_voucher.pk]), 6),
    "book: sitting list": (
        lambda w: reverse("portal:book", args=[w.fresh_voucher.pk]) + f"?exam={w.exam.pk}",
        8,
    ),
    "book: sitting list in one country": (
        lambda w: (
            reverse("portal:book", args=[w.fresh_voucher.pk]) + f"?exam={w.exam.pk}&country=JP"
        ),
        8,
    ),
    "book: a week months away": (
        lambda w: (
            reverse("portal:book", args=[w.fresh_voucher.pk])
            + f"?exam={w.exam.pk}&week={(w.sitting.starts_at + timedelta(days=120)).date()}"
        ),
        8,
    ),
    "book: one centre, a week with no sitting": (
        lambda w: (
            reverse("portal:book", args=[w.fresh_voucher.pk])
            + f"?exam={w.exam.pk}&centre={w.sitting.centre_id}"
            + f"&week={(w.sitting.starts_at - timedelta(days=1)).date()}"
        ),
        8,
    ),
    "book retake: sitting list": (
        lambda w: reverse("portal:book", args=[w.retake_voucher.pk]),
        8,
    ),
    "review booking": (
        lambda w: (
            reverse("portal:review_booking", args=[w.fresh_voucher.pk, w.sitting.pk])
            + f"?exam={w.exam.pk}"
        ),
        7,  # with the candidate's booking still to come, shown before confirming (SS-4)
    ),
    "booking detail": (lambda w: reverse("portal:booking", args=[w.scheduled.pk]), 5),
    "cancel": (lambda w: reverse("portal:cancel_booking", args=[w.scheduled.pk]), 5),
    "move": (lambda w: reverse("portal:move_booking", args=[w.scheduled.pk]), 8),
    "review move": (
        lambda w: reverse("portal:review_move", args=[w.scheduled.pk, w.sitting.pk]),
        5,
    ),
    "calendar file": (lambda w: reverse("portal:booking_calendar", args=[w.scheduled.pk]), 4),
    "register": (lambda w: reverse("portal:register_voucher"), 4),
    "erase your account": (lambda w: reverse("privacy:erase"), 4),
}


def count_queries(client, world, url_for) -> tuple[int, list[str]]:
    client.force_login(world.candidate)
    cache.clear()  # counted cold: the test centres' places are cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url_for(world))
    assert response.status_code == 200, response.content[:500]
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("page", PAGES)
def test_a_candidate_page_makes_the_same_queries_whatever_the_data_size(client, page):
    url_for, budget = PAGES[page]
    small = build_world(**SMALL, tag="small")
    large = build_world(**LARGE, tag="large")

    small_count, _ = count_queries(client, small, url_for)
    large_count, large_sql = count_queries(client, large, url_for)

    assert large_count == small_count, "\n".join(large_sql)
    assert large_count <= budget, "\n".join(large_sql)


# The POSTs that book and cancel: the most queries each may make, counted as in
# production (TASKS_BACKEND=db): the workflow's statements, then the task row that
# queues the e-mail as it commits. Cancelling runs first, so the candidate has no
# open booking when booking (SS-4).
POSTS = {
    "cancel": (lambda w: reverse("portal:cancel_booking", args=[w.scheduled.pk]), 9),
    "book": (
        lambda w: (
            reverse("portal:review_booking", args=[w.fresh_voucher.pk, w.sitting.pk])
            + f"?exam={w.exam.pk}"
        ),
        12,
    ),
}


def count_post_queries(client, world, capture_on_commit) -> dict[str, tuple[int, list[str]]]:
    client.force_login(world.candidate)
    counted = {}
    for name, (url_for, _) in POSTS.items():
        with CaptureQueriesContext(connection) as queries, capture_on_commit(execute=True):
            response = client.post(url_for(world))
        assert response.status_code == 302, (name, response.content[:500])
        counted[name] = len(queries), [q["sql"] for q in queries.captured_queries]
    return counted


@pytest.mark.usefixtures("database_queue")
def test_booking_and_cancelling_make_the_same_queries_whatever_the_data_size(
    client, django_capture_on_commit_callbacks
):
    small = build_world(**SMALL, tag="small")
    large = build_world(**LARGE, tag="large")

    small_counts = count_post_queries(client, small, django_capture_on_commit_callbacks)
    large_counts = count_post_queries(client, large, django_capture_on_commit_callbacks)

    assert DBTaskResult.objects.count() == 4, "each POST queued its e-mail"
    for name, (_, budget) in POSTS.items():
        (small_count, _), (large_count, large_sql) = small_counts[name], large_counts[name]
        assert large_count == small_count, "\n".join(large_sql)
        assert large_count <= budget, f"{name}: {large_count} queries\n" + "\n".join(large_sql)


def test_the_data_download_and_the_erasure_make_the_same_queries_whatever_the_data_size(
    client,
):
    """The export reads each kind of data once; erasure retires every number in one
    statement and writes their events in another, whatever the number of vouchers."""
    counts = {}
    for size in (SMALL, LARGE):
        world = build_world(**size, tag=f"privacy{size['vouchers']}")
        Booking.objects.filter(pk=world.scheduled.pk).update(status=Booking.Status.CANCELLED)
        client.force_login(world.candidate)
        ContentType.objects.clear_cache()  # counted cold: erasure reads the User's type
        with CaptureQueriesContext(connection) as exported:
            assert client.post(reverse("privacy:export")).status_code == 200
        with CaptureQueriesContext(connection) as erased:
            response = client.post(
                reverse("privacy:erase"),
                {"password": "correct horse battery staple", "understood": "on"},
            )
            assert response.status_code == 302, response.content[:500]
        counts[size["vouchers"]] = [len(exported), len(erased)], erased
    (small, _), (large, large_erased) = counts[SMALL["vouchers"]], counts[LARGE["vouchers"]]
    sql = "\n".join(q["sql"] for q in large_erased.captured_queries)
    assert large == small, sql
    # Support's part: its requests read once; its requests and replies scrubbed in two.
    assert large[0] <= 12 and large[1] <= 30, (large, sql)


def booking_post_queries(client, *, pack_size: int, tag: str) -> int:
    """Queries of the booking POST that ties a fresh pack of ``pack_size`` vouchers."""
    now = timezone.now()
    candidate = UserFactory(email=f"{tag}@example.com", email_verified_at=now)
    pack = ExamPackFactory(exam_count=pack_size, vouchers=True)
    for voucher in pack.voucher_list:
        voucher.registered_by, voucher.registered_at = candidate, now
        voucher.save()
    sitting = SittingFactory(starts_at=now + timedelta(days=10))
    exam = ExamFactory(number="070-483")
    url = (
        reverse("portal:review_booking", args=[pack.voucher_list[0].pk, sitting.pk])
        + f"?exam={exam.pk}"
    )
    client.force_login(candidate)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url)
    assert response.status_code == 302, response.content[:500]
    return len(queries)


def test_the_booking_that_ties_a_pack_makes_the_same_queries_for_3_or_30_vouchers(client):
    """SS-5: tying the pack writes one audit event per voucher, in one statement."""
    assert booking_post_queries(client, pack_size=3, tag="three") == booking_post_queries(
        client, pack_size=30, tag="thirty"
    )


@pytest.mark.django_db
def test_a_dashboard_rendered_afresh_reads_vouchers_and_bookings_in_one_statement(client):
    """Rendered afresh, the cards take one statement for the vouchers, their bookings
    and the counts they are kept with, whether any voucher was booked or not."""
    candidate = CandidateFactory()
    for _ in range(3):
        RegisteredVoucherFactory(registered_by=candidate)
    client.force_login(candidate)
    cache.clear()
    with CaptureQueriesContext(connection) as fresh:
        assert client.get(reverse("portal:dashboard")).status_code == 200
    booked = RegisteredVoucherFactory(registered_by=candidate)
    BookingFactory(voucher=booked, candidate=candidate)
    cache.clear()
    with CaptureQueriesContext(connection) as with_a_booking:
        page = client.get(reverse("portal:dashboard")).content.decode()

    assert len(fresh) == 3, "session, user, the vouchers with their bookings and counts"
    assert len(with_a_booking) == 3, "the same statement reads the bookings"
    assert "See your booking" in page
