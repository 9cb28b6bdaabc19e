"""WCAG 2.2 AA on the candidate pages and the back office (axe-core), and the booking flow
by keyboard alone."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, sign_in, sign_in_staff
from tests.factories import (
    CustomerFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    StaffFactory,
    UserFactory,
    VoucherFactory,
)
from vouchers import services
from vouchers.queries import WEEK_PAGE, monday_of
from vouchers.tokens import make_recovery_token

AXE = Axe()
WCAG_22_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}
SIGNED_OUT = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/data/erased/",
    "/nowhere/",
]


def signed_in_pages(voucher, booking, exam, sitting):
    return [
        "/vouchers/",
        "/vouchers/register/",
        "/results/",
        "/accounts/",
        "/accounts/data/erase/",
        f"/vouchers/{voucher.pk}/",
        f"/vouchers/{voucher.pk}/book/",
        f"/vouchers/{voucher.pk}/book/?q=074-343",
        f"/bookings/{booking.pk}/",
        f"/bookings/{booking.pk}/cancel/",
        f"/bookings/{booking.pk}/move/?country=DE",
        f"/bookings/{booking.pk}/move/{sitting.pk}/",
        f"/recover/{make_recovery_token(booking.voucher)}/",
    ]


def serious_violations(page):
    results = AXE.run(page, options=WCAG_22_AA)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — "
        f"{[node['target'] for node in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["en", "es", "ja"])
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_every_candidate_page_meets_wcag_22_aa(browser, live_server, catalogue, language, width):
    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now(), language=language)
    fresh = RegisteredVoucherFactory(registered_by=candidate)
    booked = RegisteredVoucherFactory(registered_by=candidate)
    exam, sitting = catalogue["exam"], catalogue["sittings"][0]
    booking = services.book_sitting(
        candidate=candidate, voucher=booked, exam=exam, sitting=catalogue["sittings"][1]
    )
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    found = []
    for path in SIGNED_OUT:
        page.goto(path)
        found += serious_violations(page)
    sign_in(page, candidate.email, language=language)
    pages = signed_in_pages(fresh, booking, exam, sitting)
    pages.append(f"/vouchers/{fresh.pk}/book/?exam={exam.pk}&country=DE")
    pages.append(f"/vouchers/{fresh.pk}/book/{sitting.pk}/?exam={exam.pk}")
    # The week search: a later week, an empty week naming the next sitting, a centre.
    later = (sitting.starts_at + timedelta(days=7)).date().isoformat()
    empty = (sitting.starts_at + timedelta(days=60)).date().isoformat()
    pages.append(f"/vouchers/{fresh.pk}/book/?exam={exam.pk}&week={later}")
    pages.append(f"/vouchers/{fresh.pk}/book/?exam={exam.pk}&week={empty}")
    pages.append(f"/vouchers/{fresh.pk}/book/?exam={exam.pk}&centre={sitting.centre_id}")
    # A busy week: its first page (a line suggests a place) and its next page.
    busy = monday_of((timezone.now() + timedelta(days=21)).date()) + timedelta(days=2)
    morning = datetime.combine(busy, time(8), tzinfo=UTC)
    crowd = [
        SittingFactory(centre=sitting.centre, starts_at=morning + timedelta(minutes=20 * i))
        for i in range(WEEK_PAGE + 2)
    ]
    pages.append(f"/vouchers/{fresh.pk}/book/?exam={exam.pk}&week={busy}")
    pages.append(
        f"/vouchers/{fresh.pk}/book/?exam={exam.pk}&week={busy}&after={crowd[WEEK_PAGE - 1].pk}"
    )
    # A sitting inside the cut-off: the review page asks to tick the box.
    soon = SittingFactory(centre=sitting.centre, starts_at=timezone.now() + timedelta(hours=6))
    pages.append(f"/vouchers/{fresh.pk}/book/{soon.pk}/?exam={exam.pk}")
    for path in pages:
        page.goto(path)
        found += serious_violations(page)
    context.close()
    print(
        f"\naxe ({language}, {width}px): {len(SIGNED_OUT) + len(pages)} pages, {len(found)} serious"
    )
    assert found == []


def press_tab_until(page, matches, limit=60):
    """Tab forward until the focused element's accessible text matches; fail if never.

    The element focused already (``autofocus``) counts without a Tab.
    """
    for presses in range(limit):
        if presses:
            page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " if (!e || e === document.body || e.id === 'main') return '';"
            " return (e.innerText || e.value || e.getAttribute('aria-label') || '')"
            " + ' ' + (e.labels && e.labels[0] ? e.labels[0].innerText : ''); }"
        )
        if re.search(matches, focused):
            return
    raise AssertionError(f"no focusable element matching {matches!r} by keyboard")


def test_the_booking_flow_works_with_the_keyboard_alone(browser, live_server, catalogue):
    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now())
    voucher = VoucherFactory()
    voucher.registered_by, voucher.registered_at = candidate, timezone.now()
    voucher.save()
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    keys = page.keyboard

    page.goto("/accounts/login/")
    press_tab_until(page, "E-mail address")
    keys.type(candidate.email)
    press_tab_until(page, "Password")
    keys.type(PASSWORD)
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", name="My vouchers")).to_be_visible()

    press_tab_until(page, "Book your exam")
    with page.expect_navigation():
        keys.press("Enter")
    press_tab_until(page, "Exam number or title")
    keys.type("483")
    with page.expect_navigation():
        keys.press("Enter")
    press_tab_until(page, "070-483")
    with page.expect_navigation():
        keys.press("Enter")
    press_tab_until(page, "Country")
    keys.type("Germany")
    press_tab_until(page, "Show sittings")
    with page.expect_navigation():
        keys.press("Enter")
    press_tab_until(page, r"^Choose|Choose ")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", name="Check and confirm your booking")).to_be_visible()
    press_tab_until(page, "Confirm booking")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_text("Your exam is booked.")).to_be_visible()
    assert candidate.bookings.filter(status="scheduled", sitting__centre__country="DE").exists()
    context.close()


def test_focus_is_visible_and_the_skip_link_leads_to_the_content(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()


@pytest.fixture(autouse=True)
def _sittings_ahead(catalogue):
    """The catalogue's sittings start days ahead, well before any voucher's expiry."""
    assert all(s.starts_at > timezone.now() + timedelta(days=1) for s in catalogue["sittings"])


# --- the back office, as each role uses it ------------------------------------------


def back_office_pages(role: str, w) -> list[str]:
    """Every back-office page the role uses: its start page, lists (with a filter chosen),
    an object's page, the pages of its tasks and the question an action asks."""
    common = ["/admin/", "/admin/vouchers/booking/", "/admin/vouchers/voucherevent/"]
    return {
        "manager": [
            *common,
            "/admin/vouchers/voucher/",
            f"/admin/vouchers/voucher/?pack__customer__id__exact={w['customer'].pk}",
            "/admin/vouchers/exampack/",
            "/admin/vouchers/exampack/add/",
            f"/admin/vouchers/exampack/{w['voucher'].pack_id}/change/",
            "/admin/vouchers/customer/",
            "/admin/vouchers/customer/report/",
        ],
        "support": [
            *common,
            "/admin/vouchers/voucher/",
            "/admin/vouchers/voucher/find/",
            f"/admin/vouchers/voucher/{w['voucher'].pk}/change/",
            "/admin/vouchers/exampack/",
            "/admin/accounts/user/",
        ],
        "exam_admin": [
            *common,
            "/admin/vouchers/booking/?result=awaiting",
            "/admin/vouchers/booking/import-results/",
            "/admin/exams/sitting/",
            "/admin/exams/sitting/series/",
            "/admin/exams/exam/",
            "/admin/exams/testcenter/",
        ],
    }[role]


@pytest.mark.parametrize("role", ["manager", "support", "exam_admin"])
def test_every_back_office_page_a_role_uses_has_no_serious_axe_violation(page, db, role):
    user = sign_in_staff(page, role)
    manager = user if role == "manager" else StaffFactory()
    customer = CustomerFactory(account_manager=manager, name="Contoso Training Ltd")
    voucher = RegisteredVoucherFactory(pack__customer=customer)
    w = {"customer": customer, "voucher": voucher}
    found = []
    for url in back_office_pages(role, w):
        page.goto(url)
        found += serious_violations(page)
    assert not found, "\n".join(found)
