import os

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

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
