"""The back office as each staff role uses it all day, at 1280 px with the sidebar open.

The live server's database is emptied between tests; the role groups the
migrations made are put back for each (serialized_rollback). Each role signs in
through the admin's own form.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from backoffice import roles
from tests.browser.helpers import PASSWORD
from tests.factories import StaffFactory

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
