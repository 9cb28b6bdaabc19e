"""Browser tests: Playwright drives Debian's Chromium against ``live_server``.

Playwright's own browser download cannot work on these machines, so the tests
launch ``/usr/bin/chromium`` (``apt-get install chromium``), or the browser named
by ``CHROMIUM``. Without one they skip, and say so; with
``SECONDSHOT_REQUIRE_BROWSER=1`` (as in ``.ci/run``, which installs it) they fail.
"""

import os
import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ExamFactory, SittingFactory, TestCenterFactory

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the tests touch the
# database from it only to arrange data and read e-mails, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("SECONDSHOT_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"SECONDSHOT_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}"
        )
    skip = pytest.mark.skip(
        reason=f"no Chromium at {CHROMIUM}: install Debian's chromium to run the browser tests"
    )
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def catalogue(db):
    """An eligible exam, an ineligible one, and sittings in Berlin and Auckland."""
    now = timezone.now()
    berlin = TestCenterFactory(
        name="Berlin Mitte Testing", city="Berlin", country="DE", time_zone="Europe/Berlin"
    )
    auckland = TestCenterFactory(
        name="Auckland Central Testing",
        city="Auckland",
        country="NZ",
        time_zone="Pacific/Auckland",
    )
    sittings = [
        SittingFactory(centre=centre, starts_at=now + timedelta(days=days, hours=hours), seats=4)
        for centre in (berlin, auckland)
        for days in (5, 8, 12)
        for hours in (0, 5)
    ]
    return {
        "exam": ExamFactory(number="070-483", title="Programming in C#"),
        "ineligible": ExamFactory(number="074-343", title="Managing Projects", track="other"),
        "sittings": sittings,
    }
