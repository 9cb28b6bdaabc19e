"""The account page's two privacy flows in Chromium: download the data; erase the account
after entering the password again and confirming, on a phone."""

import json
import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, sign_in
from tests.factories import RegisteredVoucherFactory, UserFactory
from vouchers import services
from vouchers.models import Booking

User = get_user_model()


def a_candidate(**fields):
    return UserFactory(
        email="grace@example.com",
        legal_name="Grace Hopper",
        password=PASSWORD,
        email_verified_at=timezone.now(),
        **fields,
    )


def test_a_candidate_downloads_their_data_from_the_account_page(page, catalogue):
    candidate = a_candidate()
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    sign_in(page, candidate.email)

    page.goto("/accounts/")
    expect(page.get_by_role("heading", name="Your data")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    assert download.value.suggested_filename.startswith("second-shot-data-")
    data = json.loads(download.value.path().read_text(encoding="utf-8"))

    assert data["account"]["email"] == "grace@example.com"
    assert data["account"]["legal_name"] == "Grace Hopper"
    assert [v["number_ends_with"] for v in data["vouchers"]] == [voucher.number_last4]
    assert voucher.plain_number not in json.dumps(data)
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()  # still here


def test_a_candidate_erases_their_account_on_a_phone(phone_page, catalogue):
    """SS-10: the booking still to come is cancelled, once its box is ticked."""
    page = phone_page
    candidate = a_candidate()
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    booking = services.book_sitting(
        candidate=candidate,
        voucher=voucher,
        exam=catalogue["exam"],
        sitting=catalogue["sittings"][2],
        now=timezone.now() - timedelta(minutes=5),
    )
    sign_in(page, candidate.email)

    page.goto("/accounts/")
    page.get_by_role("link", name="Erase your account").click()
    expect(page.get_by_role("heading", name="Erase your account")).to_be_visible()
    expect(page.get_by_text("Exam 070-483 is booked for")).to_be_visible()

    page.get_by_label("Cancel this booking").check()
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_text("This is not your password.")).to_be_visible()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_role("heading", name="Your account is erased")).to_be_visible()

    erased = User.objects.get(pk=candidate.pk)
    assert erased.email == f"erased-{candidate.pk}@erased.invalid" and not erased.is_active
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("grace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(re.compile("Please enter a correct e-mail address"))).to_be_visible()
