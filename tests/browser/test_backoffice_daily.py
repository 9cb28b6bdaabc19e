"""The back office as each staff role uses it all day, at 1280 px with the sidebar open.

The live server's database is emptied between tests, the role groups the
migrations made with it: each test makes its role's group again, with the
migration's permissions (``helpers.role_group``). Each role signs in through the
admin's own form.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import sign_in_staff
from tests.factories import (
    BookingFactory,
    CustomerFactory,
    ExamFactory,
    ExamPackFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    StaffFactory,
    TestCenterFactory,
    UserFactory,
    VoucherFactory,
)
from vouchers.models import VoucherEvent

START_PAGES = {
    "manager": ("Account manager", "Issue a pack", "Issue an exam pack"),
    "support": ("Support", "Find a voucher by its number", "Find a voucher by its number"),
    "exam_admin": ("Exam administrator", "Create a series of sittings", "Create a series"),
}


@pytest.mark.parametrize("role", START_PAGES)
def test_each_role_starts_on_its_own_page_and_its_first_task_is_one_click_away(page, db, role):
    section, button, landed = START_PAGES[role]
    sign_in_staff(page, role)

    start = page.get_by_role("region", name=section)
    expect(start).to_be_visible()
    expect(page.get_by_role("region")).to_have_count(1)  # no other role's page
    start.get_by_role("link", name=button).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(landed)


def world_of_long_names(manager):
    """A manager's customer, pack, vouchers, bookings and audit events, every name long."""
    customer = CustomerFactory(
        name="Northwind International Professional Training and Certification Services GmbH",
        account_manager=manager,
    )
    candidates = [
        UserFactory(email=f"maximiliane.mustermann-oberhausen{n}@northwind-training.example")
        for n in range(3)
    ]
    pack = ExamPackFactory(customer=customer, candidate=candidates[0], exam_count=3)
    centre = TestCenterFactory(
        name="Bangalore Koramangala Professional Testing Centre, Third Floor", city="Bangalore"
    )
    exam = ExamFactory(number="070-483", title="Programming in C# with the .NET Framework")
    for n, candidate in enumerate(candidates):
        voucher = RegisteredVoucherFactory(pack=pack, registered_by=candidate)
        BookingFactory(
            voucher=voucher,
            candidate=candidate,
            exam=exam,
            sitting=SittingFactory(centre=centre, starts_at=timezone.now() + timedelta(days=n - 1)),
        )
        VoucherEvent.objects.create(
            voucher=voucher,
            actor=manager,
            action=VoucherEvent.Action.CONFIRMATION_RESENT,
            details={"reason": "The candidate telephoned twice about the lost e-mail " * 3},
        )


MAIN_LISTS = {
    "manager": ["voucher", "exampack", "booking", "voucherevent"],
    "support": ["voucher", "exampack", "booking", "voucherevent"],
    "exam_admin": ["booking", "voucherevent", "sitting"],
}


@pytest.mark.parametrize("role", MAIN_LISTS)
def test_each_roles_main_lists_fit_a_laptop_with_the_sidebar_open(page, db, role):
    """Every column in sight at 1280 px: no list is wider than the room it has."""
    user = sign_in_staff(page, role)
    world_of_long_names(user if role == "manager" else StaffFactory())
    for model in MAIN_LISTS[role]:
        app = "exams" if model == "sitting" else "vouchers"
        page.goto(f"/admin/{app}/{model}/?when=all")
        expect(page.locator("#nav-sidebar")).to_be_visible()
        table = page.locator("#result_list")
        expect(table.locator("tbody tr").first).to_be_visible()
        width, room = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
        assert width <= room, f"{model}: the list is {width} px wide in {room} px"


def test_a_masked_number_is_one_line_and_long_text_is_whole_in_its_tooltip(page, db):
    user = sign_in_staff(page, "manager")
    world_of_long_names(user)
    voucher = VoucherEvent.objects.first().voucher
    page.goto("/admin/vouchers/voucherevent/")

    number = page.locator("#result_list td.field-voucher_number a").first
    expect(number).to_have_text(f"…{voucher.number_last4}")
    box = number.bounding_box()
    assert box["height"] < 24, "the number wraps"
    details = page.locator("#result_list td.field-details_cut span").first
    expect(details).to_have_attribute(
        "title", "reason: " + "The candidate telephoned twice about the lost e-mail " * 3
    )


SUPPORT_BUTTONS = {
    "Reissue the number on the candidate's behalf": (
        "Reissue the number",
        VoucherEvent.Action.NUMBER_REISSUED,
    ),
    "Re-send the registration confirmation": (
        "Re-send the confirmation",
        VoucherEvent.Action.CONFIRMATION_RESENT,
    ),
}


@pytest.mark.parametrize("button", SUPPORT_BUTTONS)
def test_support_helps_a_candidate_from_the_vouchers_page_giving_a_reason(page, db, button):
    sign_in_staff(page, "support")
    voucher = RegisteredVoucherFactory()
    confirm, action = SUPPORT_BUTTONS[button]
    page.goto(f"/admin/vouchers/voucher/{voucher.pk}/change/")

    page.get_by_role("button", name=button).click()
    page.get_by_role("button", name=confirm).click()  # no reason yet
    expect(page.get_by_text("Say why, for the audit trail.")).to_be_visible()
    assert not voucher.events.filter(action=action).exists()
    page.get_by_label("Reason").fill("Candidate phoned: ticket 4411")
    page.get_by_role("button", name=confirm).click()

    expect(page).to_have_url(f"/admin/vouchers/voucher/{voucher.pk}/change/")
    expect(page.locator(".messagelist .success")).to_be_visible()
    event = voucher.events.get(action=action)
    assert event.details["reason"] == "Candidate phoned: ticket 4411"
    assert event.actor.email == "support@secondshot.test"


def test_a_manager_voids_a_voucher_from_its_page_and_support_sees_no_void_button(page, db):
    manager = sign_in_staff(page, "manager")
    voucher = VoucherFactory(pack__customer__account_manager=manager)
    page.goto(f"/admin/vouchers/voucher/{voucher.pk}/change/")
    expect(page.get_by_role("button", name="Re-send the registration confirmation")).to_have_count(
        0
    )

    page.get_by_role("button", name="Void this voucher").click()
    page.get_by_label("Reason").fill("Sold twice by mistake")
    page.get_by_role("button", name="Void these vouchers").click()

    expect(page.locator(".messagelist .success")).to_contain_text("Voided 1 voucher.")
    voucher.refresh_from_db()
    assert voucher.void_reason == "Sold twice by mistake"
