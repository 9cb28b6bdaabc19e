"""The back office as each staff role uses it all day, at 1280 px with the sidebar open.

The live server's database is emptied between tests; the role groups the
migrations made are put back for each (serialized_rollback). Each role signs in
through the admin's own form.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from backoffice import roles
from tests.browser.helpers import PASSWORD
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
)
from vouchers.models import VoucherEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROLE_GROUPS = {
    "manager": roles.ACCOUNT_MANAGERS,
    "support": roles.SUPPORT,
    "exam_admin": roles.EXAM_ADMINISTRATORS,
}


def sign_in_staff(page, role: str):
    """Sign a new staff member of ``role`` in, and return them."""
    user = StaffFactory(email=f"{role}@secondshot.test", password=PASSWORD)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    page.goto("/admin/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return user


START_PAGES = {
    "manager": ("Account manager", "Issue a pack", "Issue an exam pack"),
    "support": ("Support", "Find a voucher by its number", "Find a voucher by its number"),
    "exam_admin": ("Exam administrator", "Create a series of sittings", "Create a series"),
}


@pytest.mark.parametrize("role", START_PAGES)
def test_each_role_starts_on_its_own_page_and_its_first_task_is_one_click_away(page, role):
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
def test_each_roles_main_lists_fit_a_laptop_with_the_sidebar_open(page, role):
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


def test_a_masked_number_is_one_line_and_long_text_is_whole_in_its_tooltip(page):
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
