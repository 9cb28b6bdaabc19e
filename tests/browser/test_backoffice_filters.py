"""The back office's autocomplete list filter, in a real browser.

Signed in as a superuser: the live server's database is emptied between tests,
the staff groups the migrations made with it.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD
from tests.factories import CustomerFactory, UserFactory, VoucherFactory


@pytest.fixture
def staff_signed_in(page, db):
    admin = UserFactory(
        email="ada.root@secondshot.test", password=PASSWORD, is_staff=True, is_superuser=True
    )
    page.goto("/admin/login/")
    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def test_choosing_a_customer_in_the_filter_box_lists_that_customers_vouchers_until_cleared(
    staff_signed_in,
):
    page = staff_signed_in
    contoso = CustomerFactory(name="Contoso Training Ltd")
    ours = {VoucherFactory(pack__customer=contoso).short_masked_number for _ in range(2)}
    theirs = VoucherFactory(pack__customer=CustomerFactory(name="Fabrikam")).short_masked_number

    page.goto("/admin/vouchers/voucher/?registered=no")
    page.locator("#changelist-filter .select2-selection").first.click()
    page.locator(".select2-search__field").fill("Contoso")
    page.get_by_role("option", name="Contoso Training Ltd").click()

    expect(page).to_have_url(re.compile(rf"pack__customer__id__exact={contoso.pk}"))
    expect(page).to_have_url(re.compile("registered=no"))  # the other filter is kept
    rows = page.locator("#result_list tbody")
    for number in ours:
        expect(rows).to_contain_text(number)
    expect(rows).not_to_contain_text(theirs)
    expect(page.locator("#changelist-filter")).to_contain_text("Contoso Training Ltd")

    page.locator("#changelist-filter .select2-selection__clear").first.click()

    expect(page).not_to_have_url(re.compile("pack__customer__id__exact"))
    expect(rows).to_contain_text(theirs)
