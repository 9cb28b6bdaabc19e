"""The benchmark's reference pages: the ceiling touches no database, the floor makes four
indexed queries, as ``bench/README.md`` says they do; and how it spreads its load over
many candidates (``bench/spread.py``, ``bench/wrk/*.lua``), without timing anything."""

import shutil
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password
from django.db import connection
from django.test import Client
from django.urls import reverse

from bench import run
from bench.spread import Visitor, deal, sign_in_all, write_visits
from tests.factories import CandidateFactory, RegisteredVoucherFactory, SittingFactory, UserFactory
from vouchers.models import Booking, VoucherEvent


def test_the_health_check_touches_no_database(client):
    # No django_db mark: pytest-django refuses any database access in this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_the_health_check_answers_plain_http_in_production(client, settings):
    """A load balancer checks over HTTP: no redirect to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("bench_app")
def test_the_floor_page_makes_four_queries(client, django_assert_num_queries):
    candidate = UserFactory()
    RegisteredVoucherFactory(registered_by=candidate)
    client.force_login(candidate)
    with django_assert_num_queries(4):
        response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert b'<data value="1">1</data>' in response.content


def test_the_floor_page_is_not_routed_outside_the_benchmark(client, db, settings):
    assert "bench" not in settings.INSTALLED_APPS
    assert client.get("/bench/floor/").status_code == 404


# --- traffic like a programme's: many candidates, each request the next one's ----------


def test_dealing_gives_every_candidate_to_exactly_one_thread():
    candidates = [f"candidate{i}@load.test" for i in range(1003)]

    hands = deal(candidates, 8)

    assert len(hands) == 8
    assert sorted(sum(hands, [])) == sorted(candidates)
    assert {len(hand) for hand in hands} == {125, 126}


def test_the_visits_file_holds_each_candidate_once_for_its_thread(tmp_path):
    rows = [[f"sessionid=s{i}", f"/vouchers/{i}/book/?exam=7"] for i in range(1000)]

    count = write_visits(tmp_path / "visits.tsv", rows, threads=2)

    lines = (tmp_path / "visits.tsv").read_text().splitlines()
    assert count == len(lines) == 1000
    fields = [line.split("\t") for line in lines]
    assert {thread for thread, _, _ in fields} == {"1", "2"}
    assert len({cookie for _, cookie, _ in fields}) == 1000
    assert sorted(path for _, _, path in fields) == sorted(path for _, path in rows)


def test_a_field_with_a_tab_is_refused_rather_than_split(tmp_path):
    with pytest.raises(ValueError, match="tab"):
        write_visits(tmp_path / "visits.tsv", [["sessionid=a\tb", "/vouchers/"]], threads=1)


def test_every_candidate_is_signed_in_several_at_a_time():
    emails = [f"candidate{i}@load.test" for i in range(1000)]
    lock, running, most = threading.Lock(), [0], [0]

    def sign_in(email):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.001)
        with lock:
            running[0] -= 1
        return {"sessionid": f"session of {email}", "csrftoken": "t"}

    cookies = sign_in_all(emails, sign_in, at_once=8)

    assert list(cookies) == emails
    assert len({c["sessionid"] for c in cookies.values()}) == 1000
    assert 1 < most[0] <= 8


def test_a_candidate_who_cannot_sign_in_stops_the_benchmark():
    def sign_in(email):
        if email.endswith("7@load.test"):
            raise SystemExit(f"Signing in as {email} failed (HTTP 200)")
        return {"sessionid": email}

    with pytest.raises(SystemExit, match="candidate7@"):
        sign_in_all([f"candidate{i}@load.test" for i in range(10)], sign_in)


def test_the_benchmark_hashes_passwords_cheaply_and_still_reads_the_default_hash(settings):
    """Signing in a thousand candidates takes seconds; a data set hashed before still works."""
    from bench import settings as bench_settings

    settings.PASSWORD_HASHERS = bench_settings.PASSWORD_HASHERS
    assert make_password("secondshot-bench").startswith("bench_pbkdf2_sha256$1000$")
    default = PBKDF2PasswordHasher().encode("secondshot-bench", "salt")
    assert check_password("secondshot-bench", default)


wrk_installed = pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")


def signed_in_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@wrk_installed
@pytest.mark.django_db(transaction=True)
def test_a_cold_round_visits_each_candidate_once_with_their_own_page(live_server, tmp_path):
    vouchers = [RegisteredVoucherFactory() for _ in range(12)]
    rows = [
        [signed_in_cookie(v.registered_by), reverse("portal:voucher", args=[v.pk])]
        for v in vouchers
    ]
    # Two threads at once on PostgreSQL; one on SQLite, whose test server shares one
    # connection between its threads (two requests at once there fail inside sqlite3).
    threads = 2 if connection.vendor == "postgresql" else 1
    write_visits(tmp_path / "visits.tsv", rows, threads=threads)

    figures = run.wrk(
        "get.lua",
        connections=threads,
        threads=threads,
        duration=60,
        base=live_server.url,
        BENCH_VISITS=str(tmp_path / "visits.tsv"),
        BENCH_ONCE="1",
    )

    # Another candidate's voucher is not found (404): a mixed-up cookie would show.
    assert figures["unexpected"] == figures["socket_errors"] == 0
    assert figures["requests"] == 12
    assert figures["requests"] / figures["rps"] < 30  # ended with its visits, not after -d


@pytest.fixture
def visitors(db, exam, berlin, now):
    """Three candidates signed in, each with a voucher to book at two sittings."""
    sittings = [
        SittingFactory(centre=berlin, starts_at=now + timedelta(days=10 + i), seats=5)
        for i in range(2)
    ]
    found = []
    for _ in range(3):
        voucher = RegisteredVoucherFactory(registered_by=CandidateFactory(), pack__exam_count=3)
        client = Client()
        client.force_login(voucher.registered_by)
        client.get(reverse("portal:dashboard"))  # its sign-out form gives a CSRF cookie
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        book = reverse("portal:book", args=[voucher.pk])
        found.append(
            Visitor(
                email=voucher.registered_by.email,
                cookie=run.cookie_header(cookies),
                csrf=cookies["csrftoken"],
                dashboard=reverse("portal:dashboard"),
                search=f"{book}?exam={exam.pk}",
                book=tuple(
                    reverse("portal:review_booking", args=[voucher.pk, s.pk]) + f"?exam={exam.pk}"
                    for s in sittings
                ),
            )
        )
    return found


def run_script(script, lines, live_server, tmp_path, seconds=4):
    write_visits(tmp_path / "visits.tsv", lines, threads=1)
    # One connection: the test server shares one SQLite connection between its threads.
    figures = run.wrk(
        script,
        connections=1,
        threads=1,
        duration=seconds,
        base=live_server.url,
        BENCH_VISITS=str(tmp_path / "visits.tsv"),
    )
    settled()
    return figures


def settled(wait=0.3, limit=10.0):
    """Wait for the request wrk left in flight when it stopped: the test server goes on
    with it, and a booking written while the test reads (or while the database is
    emptied after it) makes the test flaky."""
    deadline = time.monotonic() + limit
    seen = None
    while time.monotonic() < deadline:
        now = (
            Booking.objects.count(),
            Booking.objects.filter(status=Booking.Status.CANCELLED).count(),
            VoucherEvent.objects.count(),
        )
        if now == seen:
            return
        seen = now
        time.sleep(wait)


@wrk_installed
@pytest.mark.django_db(transaction=True)
def test_the_booking_load_books_and_cancels_for_each_candidate_in_turn(
    live_server, tmp_path, visitors
):
    """SS-4: one booking at a time each, whoever books next."""
    figures = run_script("book.lua", run.candidate_lines(visitors, "book"), live_server, tmp_path)

    assert figures["unexpected"] == figures["refused"] == 0
    booked = Booking.objects.values_list("candidate__email", flat=True)
    assert set(booked) == {v.email for v in visitors}
    assert Booking.objects.filter(status=Booking.Status.SCHEDULED).count() <= 1


@wrk_installed
@pytest.mark.django_db(transaction=True)
def test_the_mixed_load_reads_far_more_than_it_books_and_cancels_what_it_books(
    live_server, tmp_path, visitors
):
    lines = run.candidate_lines(visitors, "dashboard", "search", "book")

    figures = run_script("mixed.lua", lines, live_server, tmp_path)

    assert figures["unexpected"] == figures["refused"] == 0
    mix = figures["mix"]
    assert mix["dashboard"] > mix["search"] > mix["book"] > 0
    assert mix["book"] - mix["cancel"] in (0, 1)
    assert Booking.objects.filter(status=Booking.Status.CANCELLED).count() >= mix["cancel"] - 1
    assert Booking.objects.filter(status=Booking.Status.SCHEDULED).count() <= 1
