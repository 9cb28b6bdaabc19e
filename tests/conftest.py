"""Fixtures every folder may use: the test run's settings, and the candidate, exam, voucher,
sitting and booking most tests start from. A folder's conftest keeps what only its tests
need, and may give one of these another shape (an unverified candidate, say)."""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from tests.factories import (
    CandidateFactory,
    ExamFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
)
from tests.portal.pages import book

# CI replays the same examples every run (a red build is then reproducible);
# elsewhere every run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def _flush_may_empty_the_audit_trail():
    """Resetting a test database is the one job allowed to empty the audit trail."""
    from django.core.management.commands import flush

    from vouchers import audit

    original = flush.Command.handle

    def handle(self, *args, **options):
        with audit.maintenance():
            return original(self, *args, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests on SQLite, unless the run must be on PostgreSQL.

    ``.ci/run`` sets SECONDSHOT_REQUIRE_POSTGRES=1 for its PostgreSQL run, so a
    skipped race test there (a misconfigured database URL, say) fails the run.
    """
    if connection.vendor == "postgresql":
        return
    if os.environ.get("SECONDSHOT_REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError(
            "SECONDSHOT_REQUIRE_POSTGRES=1 but the tests run on "
            f"{connection.vendor}: set DATABASE_URL to a PostgreSQL database."
        )
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request leaves its language active in the thread: the next test starts in English."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def one_limit_window(monkeypatch):
    """The clock the rate limits read (``time.time``) stands still for the test.

    The limits count in fixed windows (the quarter-hour, the hour, the day): a test
    whose attempts straddled a window's end saw its count start again and its last
    attempt allowed (the SQLite run that began at 02:27 failed the sign-in limit's
    test so). A test that moves the clock on sets it itself."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    return now


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue (``TASKS_BACKEND=db``), to wait for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker():
    """Run ``db_worker --batch`` (every queued task, then stop), keeping pytest's signals."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run():
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
        )

    yield run
    for number, handler in handlers.items():
        signal.signal(number, handler)


# --- What most tests start from ------------------------------------------------------


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def candidate(db):
    """A candidate who has confirmed their address."""
    return CandidateFactory(legal_name="Ada King Lovelace")


@pytest.fixture
def signed_in(client, candidate):
    """The test client, signed in as ``candidate``."""
    client.force_login(candidate)
    return client


@pytest.fixture
def exam(db):
    return ExamFactory(number="070-483", title="Programming in C#")


@pytest.fixture
def voucher(candidate):
    """A registered voucher of a 3-exam Second Shot pack expiring in 180 days."""
    return RegisteredVoucherFactory(registered_by=candidate, pack__exam_count=3)


@pytest.fixture
def berlin(db):
    return TestCenterFactory(
        name="Berlin Mitte", country="DE", city="Berlin", time_zone="Europe/Berlin"
    )


@pytest.fixture
def sitting(berlin, now):
    return SittingFactory(centre=berlin, starts_at=now + timedelta(days=10), seats=5)


@pytest.fixture
def booking(candidate, voucher, exam, sitting, now):
    """The candidate's first attempt, booked yesterday, ten days before the sitting."""
    return book(candidate, voucher, exam, sitting, now=now - timedelta(days=1))
