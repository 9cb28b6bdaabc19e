"""The candidate's journeys through the portal, in a real browser, as a candidate would."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, sign_in
from tests.factories import (
    RegisteredVoucherFactory,
    SittingFactory,
    UserFactory,
    VoucherFactory,
)
from vouchers import numbers, services
from vouchers.models import Booking


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url


def link_in(message, path_part):
    return re.search(rf"https?://\S+{path_part}\S*", message.body).group(0)


def choose_first_sitting(page, country):
    page.get_by_label("Country").select_option(country)
    page.get_by_role("button", name="Show sittings").click()
    page.get_by_role("link", name=re.compile(r"^Choose ")).first.click()
    expect(
        page.get_by_role("heading", name=re.compile("Check and confirm|Move your"))
    ).to_be_visible()


def book_first_attempt(page, exam_search="483", country="DE"):
    page.get_by_role("link", name="Book your exam").first.click()
    page.get_by_label("Exam number or title").fill(exam_search)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile("070-483")).click()
    choose_first_sitting(page, country)
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_text("Your exam is booked.")).to_be_visible()


def test_a_new_candidate_signs_up_registers_books_moves_cancels_and_books_again(
    page, mailoutbox, catalogue
):
    """SS-5, SS-9, SS-10, SS-11: the whole first journey."""
    voucher = VoucherFactory()

    page.goto("/")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("E-mail address").fill("ada@example.com")
    page.get_by_label("Full name as on your ID").fill("Ada Lovelace")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    page.goto(link_in(mailoutbox[-1], "/accounts/verify/"))
    expect(page.get_by_text("your e-mail address is confirmed")).to_be_visible()
    expect(page.get_by_text("You have no vouchers on your account yet.")).to_be_visible()

    # Register: lower case with spaces is fine.
    page.get_by_role("link", name="Register a voucher").first.click()
    page.get_by_label("Voucher number").fill(
        numbers.display(voucher.plain_number).lower().replace("-", " ")
    )
    page.get_by_role("button", name="Register voucher").click()
    expect(page.get_by_text(f"Voucher {voucher.masked_number} is registered.")).to_be_visible()
    expect(page.get_by_text("First attempt available")).to_be_visible()
    assert "/recover/" in mailoutbox[-1].body

    # Book, in Auckland: shown in Auckland's time with its zone named.
    book_first_attempt(page, country="NZ")
    expect(page.locator("time").filter(has_text=re.compile(r"\d\d:\d\d NZ[DS]T"))).to_be_visible()
    booking = Booking.objects.get(candidate__email="ada@example.com")
    assert mailoutbox[-1].subject.startswith("Booked: exam 070-483")
    assert mailoutbox[-1].attachments[0][2] == "text/calendar"

    # Move it to Berlin.
    page.get_by_role("link", name="Move to another sitting").click()
    choose_first_sitting(page, "Germany")
    page.get_by_role("button", name="Move my booking").click()
    expect(page.get_by_text("Your booking is moved.")).to_be_visible()
    expect(page.locator("time").filter(has_text=re.compile(r"\d\d:\d\d CES?T"))).to_be_visible()
    assert mailoutbox[-1].subject.startswith("Moved:")

    # Cancel it: the voucher covers the exam again.
    page.get_by_role("link", name="Cancel booking").click()
    page.get_by_role("button", name="Yes, cancel the booking").click()
    expect(page.get_by_text("Your voucher covers it again")).to_be_visible()
    expect(page.get_by_text("First attempt available")).to_be_visible()
    assert mailoutbox[-1].subject.startswith("Cancelled:")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED

    # And book again.
    book_first_attempt(page)
    assert (
        Booking.objects.filter(
            candidate__email="ada@example.com", status=Booking.Status.SCHEDULED
        ).count()
        == 1
    )


def test_a_candidate_who_failed_books_the_free_retake_of_the_same_exam(page, catalogue):
    """SS-1: after a failed first attempt, the dashboard offers the free retake."""
    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now())
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    long_ago = timezone.now() - timedelta(days=30)
    past_sitting = SittingFactory(
        centre=catalogue["sittings"][0].centre, starts_at=long_ago + timedelta(days=5)
    )
    first = services.book_sitting(
        candidate=candidate,
        voucher=voucher,
        exam=catalogue["exam"],
        sitting=past_sitting,
        now=long_ago,
    )
    services.record_outcome(
        booking=first,
        outcome="failed",
        recorded_by=None,
        now=past_sitting.starts_at + timedelta(hours=4),
    )

    sign_in(page, candidate.email)
    expect(page.get_by_text(re.compile("Free retake available — book by"))).to_be_visible()
    page.get_by_role("link", name="Book your free retake").click()
    expect(page.get_by_text("070-483 Programming in C#")).to_be_visible()
    choose_first_sitting(page, "Germany")
    expect(page.get_by_text("Your free retake")).to_be_visible()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", name="Free retake: exam 070-483")).to_be_visible()

    page.get_by_role("link", name="Results").click()
    expect(page.get_by_role("cell", name="Failed")).to_be_visible()


def test_a_lost_number_is_recovered_and_the_old_one_stops_working(page, mailoutbox, catalogue):
    """SS-6: the confirmation e-mail's link gives a new number; the old one is refused."""
    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now())
    voucher = VoucherFactory()
    old_number = numbers.display(voucher.plain_number)

    sign_in(page, candidate.email)
    page.get_by_role("link", name="Register a voucher").first.click()
    page.get_by_label("Voucher number").fill(old_number)
    page.get_by_role("button", name="Register voucher").click()
    recovery_link = link_in(mailoutbox[-1], "/recover/")

    page.goto(recovery_link)
    page.get_by_role("button", name="Give me a new number").click()
    new_number = page.locator("#new-number").inner_text().strip()
    assert numbers.normalize(new_number) != numbers.normalize(old_number)
    expect(page.get_by_text("we show it only this once")).to_be_visible()

    # The link dies once used, and says so to its owner.
    page.goto(recovery_link)
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()

    # The old number is refused; the new one is the voucher on this account.
    page.goto("/vouchers/register/")
    page.get_by_label("Voucher number").fill(old_number)
    page.get_by_role("button", name="Register voucher").click()
    expect(page.get_by_text("We don't recognise this voucher number.")).to_be_visible()
    page.get_by_label("Voucher number").fill(new_number)
    page.get_by_role("button", name="Register voucher").click()
    expect(page.get_by_text("This voucher is already on your account.")).to_be_visible()

    page.get_by_role("link", name="My vouchers").first.click()
    book_first_attempt(page)


def test_a_typed_ineligible_exam_number_gets_the_reason(page, catalogue):
    """SS-3"""
    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now())
    RegisteredVoucherFactory(registered_by=candidate)
    sign_in(page, candidate.email)
    page.get_by_role("link", name="Book your exam").click()
    page.get_by_label("Exam number or title").fill("074-343")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Exam 074-343 is not covered by the Second Shot offer")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("074-343"))).to_have_count(0)


def test_the_dashboard_and_booking_pages_fit_a_phone(phone_page, catalogue):
    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now())
    RegisteredVoucherFactory(registered_by=candidate)
    page = phone_page
    sign_in(page, candidate.email)
    for path in (
        "/vouchers/",
        f"/vouchers/{candidate.vouchers.get().pk}/book/?exam={catalogue['exam'].pk}",
    ):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    expect(page.get_by_role("button", name="Show menu")).to_be_visible()


def test_the_portal_pages_work_under_the_content_security_policy(browser, live_server, catalogue):
    """No page of the candidate's journey trips the Content-Security-Policy."""
    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now())
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        page.goto(path)
    sign_in(page, candidate.email)
    sitting = catalogue["sittings"][0]
    exam = catalogue["exam"]
    for path in (
        "/vouchers/",
        "/vouchers/register/",
        "/results/",
        "/accounts/",
        f"/vouchers/{voucher.pk}/",
        f"/vouchers/{voucher.pk}/book/",
        f"/vouchers/{voucher.pk}/book/?exam={exam.pk}&country=DE",
        f"/vouchers/{voucher.pk}/book/{sitting.pk}/?exam={exam.pk}",
    ):
        page.goto(path)
        page.get_by_role("navigation", name="Main").wait_for()
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("link", name="Move to another sitting").click()
    page.get_by_role("link", name="My vouchers").first.click()
    context.close()
    print(f"\nCSP violations seen: {len(violations)}")
    assert violations == []
