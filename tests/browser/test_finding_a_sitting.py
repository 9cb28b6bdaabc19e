"""Book, move and cancel through the week-by-week sitting search, in a real browser, at a
desktop's and a phone's width, in English and Japanese (issue 14's journeys)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD
from tests.factories import RegisteredVoucherFactory, SittingFactory, UserFactory
from vouchers.models import Booking

SHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"


def words(language, *msgids):
    with translation.override(language):
        return [gettext(m) for m in msgids]


def shot(page, name):
    """Keep a screenshot to look at (not asserted): SCREENSHOTS=1 pytest …"""
    import os

    if os.environ.get("SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_book_a_sitting_weeks_away_move_it_a_week_earlier_and_cancel_it(
    browser, live_server, catalogue, language, width, settings
):
    """SS-2, SS-9, SS-10: every sitting before expiry is reachable, week by week."""
    settings.SITE_URL = live_server.url
    candidate = UserFactory(
        password=PASSWORD,
        email_verified_at=timezone.now(),
        language=language,
        time_zone="Europe/Berlin",
    )
    RegisteredVoucherFactory(registered_by=candidate)
    berlin = catalogue["sittings"][0].centre
    far = SittingFactory(centre=berlin, starts_at=timezone.now() + timedelta(days=45), seats=3)
    week_before = SittingFactory(centre=berlin, starts_at=far.starts_at - timedelta(days=7))
    (
        email_label,
        password_label,
        sign_in_button,
        book_exam,
        exam_label,
        search,
        later_week,
        earlier_week,
        confirm,
        move,
        move_mine,
        cancel,
        yes_cancel,
        reference,
    ) = words(
        language,
        "E-mail address",
        "Password",
        "Sign in",
        "Book your exam",
        "Exam number or title",
        "Search",
        "Later week",
        "Earlier week",
        "Confirm booking",
        "Move to another sitting",
        "Move my booking",
        "Cancel booking",
        "Yes, cancel the booking",
        "Booking reference",
    )
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        is_mobile=width < 500,
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(10_000)
    page = context.new_page()
    tag = f"{language}-{width}"

    page.goto("/accounts/login/")
    page.get_by_label(email_label).fill(candidate.email)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=sign_in_button).click()
    shot(page, f"dashboard-{tag}")

    page.get_by_role("link", name=book_exam).first.click()
    page.get_by_label(exam_label).fill("483")
    page.get_by_role("button", name=search).click()
    page.get_by_role("link", name=re.compile("070-483")).click()
    shot(page, f"search-{tag}")
    # The search opens in Germany (the candidate's zone is Berlin's), on the first week.
    far_link = page.locator(f'a[href^="{far.pk}/"]')
    for _ in range(12):
        if far_link.count():
            break
        page.get_by_role("link", name=re.compile(re.escape(later_week))).first.click()
    shot(page, f"search-later-{tag}")
    far_link.click()
    shot(page, f"review-{tag}")
    page.get_by_role("button", name=confirm).click()
    expect(page.get_by_text(reference)).to_be_visible()
    shot(page, f"booking-{tag}")
    booking = Booking.objects.get(candidate=candidate, status=Booking.Status.SCHEDULED)
    assert booking.sitting == far
    expect(page.get_by_text(booking.reference)).to_be_visible()

    # Moving opens on the booked centre and week; a week earlier is one click away.
    page.get_by_role("link", name=move).click()
    shot(page, f"move-{tag}")
    page.get_by_role("link", name=re.compile(re.escape(earlier_week))).first.click()
    page.locator(f'a[href^="{week_before.pk}/"]').click()
    page.get_by_role("button", name=move_mine).click()
    moved = Booking.objects.get(candidate=candidate, status=Booking.Status.SCHEDULED)
    assert moved.sitting == week_before
    expect(page.get_by_text(moved.reference)).to_be_visible()

    page.get_by_role("link", name=cancel).click()
    page.get_by_role("button", name=yes_cancel).click()
    expect(page.get_by_role("link", name=book_exam).first).to_be_visible()
    shot(page, f"dashboard-after-{tag}")
    assert not Booking.objects.filter(candidate=candidate, status=Booking.Status.SCHEDULED).exists()
    # Nothing on the phone is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_on_a_phone_the_result_the_waiting_card_and_the_cutoff_box_are_in_view(
    browser, live_server, catalogue
):
    """SS-4, SS-10, and the attempts table at 390 px: nothing cut off at the right."""
    from vouchers import services

    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now())
    failed = RegisteredVoucherFactory(registered_by=candidate)
    waiting = RegisteredVoucherFactory(registered_by=candidate)
    exam = catalogue["exam"]
    now = timezone.now()
    past = SittingFactory(starts_at=now - timedelta(days=20))
    first = services.book_sitting(
        candidate=candidate, voucher=failed, exam=exam, sitting=past, now=now - timedelta(days=30)
    )
    services.record_outcome(
        booking=first,
        outcome=Booking.Outcome.FAILED,
        recorded_by=None,
        now=now - timedelta(days=19),
    )
    booked = services.book_sitting(
        candidate=candidate, voucher=waiting, exam=exam, sitting=catalogue["sittings"][0], now=now
    )
    soon = SittingFactory(centre=past.centre, starts_at=now + timedelta(hours=6))
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(candidate.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    day = f"{booked.sitting.local_date():%-d %B %Y}"
    expect(page.get_by_role("link", name=f"your exam on {day}").first).to_be_visible()
    shot(page, "dashboard-waiting-en-390")
    page.goto("/results/")
    result = page.locator(".attempt-result").first
    expect(result).to_have_text("Failed")
    box = result.bounding_box()
    assert box["x"] + box["width"] <= 390
    shot(page, "results-en-390")

    services.cancel_booking(candidate=candidate, booking=booked)
    page.goto(f"/vouchers/{failed.pk}/book/{soon.pk}/?exam={exam.pk}")
    box = page.get_by_label("I understand that this booking cannot be cancelled or moved.")
    expect(box).to_be_visible()
    shot(page, "review-cutoff-en-390")
    box.check()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_text("Your exam is booked.")).to_be_visible()
    assert Booking.objects.get(voucher=failed, attempt=Booking.Attempt.RETAKE).sitting == soon
    context.close()
