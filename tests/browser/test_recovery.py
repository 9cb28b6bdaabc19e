"""A lost number, twice, as a candidate would: the link in the e-mail, the notice with a
fresh link, the dead link explaining itself, and "Lost your number?" (SS-6).

Words are read through the catalogues (``gettext`` in the page's language), so the same
walk runs in English and Japanese.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD
from tests.browser.test_accessibility import serious_violations
from tests.factories import UserFactory, VoucherFactory
from vouchers import services

SCREENSHOTS = os.environ.get("SECONDSHOT_SCREENSHOTS")


def link_in(message, path_part):
    """The path of the e-mail's link (the e-mail names SITE_URL, not the live server)."""
    return urlparse(re.search(rf"https?://\S+{path_part}\S*", message.body).group(0)).path


def words(language, *messages):
    with translation.override(language):
        return [gettext(message) for message in messages]


def shoot(page, name):
    """Keep a screenshot of the page when SECONDSHOT_SCREENSHOTS names a folder."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def sign_in(page, email, language):
    email_label, button = words(language, "E-mail address", "Sign in")
    page.goto("/accounts/login/")
    page.get_by_label(email_label).fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    (heading,) = words(language, "My vouchers")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


def take_a_new_number(page, language) -> str:
    give, shown = words(language, "Give me a new number", "Your new voucher number")
    page.get_by_role("button", name=give).click()
    expect(page.get_by_role("heading", name=shown)).to_be_visible()
    return page.locator("#new-number").inner_text().strip()


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_candidate_recovers_a_lost_number_twice_and_then_from_the_voucher_page(
    browser, live_server, mailoutbox, language, width
):
    """SS-6: each use e-mails a fresh link; a used link says so; the voucher page sends one."""
    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now(), language=language)
    voucher = VoucherFactory()
    services.register_voucher(candidate=candidate, number=voucher.plain_number)
    first_link = link_in(mailoutbox[-1], "/recover/")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, candidate.email, language)
    found, shown = [], []

    # Once, with the registration e-mail's link.
    page.goto(first_link)
    shoot(page, f"recover-{language}-{width}")
    found += serious_violations(page)
    shown.append(take_a_new_number(page, language))
    shoot(page, f"new-number-{language}-{width}")
    changed = mailoutbox[-1]
    (subject,) = words(language, "Your Second Shot voucher number was changed")
    assert changed.subject == subject
    assert shown[-1] not in changed.body

    # The used link explains itself and offers a fresh one.
    page.goto(first_link)
    dead, fresh_button = words(language, "This link no longer works", "E-mail me a fresh link")
    expect(page.get_by_role("heading", name=dead)).to_be_visible()
    expect(page.get_by_role("button", name=fresh_button)).to_be_visible()
    shoot(page, f"dead-link-{language}-{width}")
    found += serious_violations(page)

    # Twice, with the notice's fresh link.
    page.goto(link_in(changed, "/recover/"))
    shown.append(take_a_new_number(page, language))

    # And from the voucher's page: "Lost your number?".
    page.goto(f"/vouchers/{voucher.pk}/")
    lost, button = words(language, "Lost your number?", "E-mail me a link to a new number")
    expect(page.get_by_role("heading", name=lost)).to_be_visible()
    shoot(page, f"voucher-lost-number-{language}-{width}")
    found += serious_violations(page)
    sent = len(mailoutbox)
    page.get_by_role("button", name=button).click()
    expect(page.locator(".alert-success")).to_contain_text(candidate.email)
    assert len(mailoutbox) == sent + 1
    (link_subject,) = words(language, "Your link to a new Second Shot voucher number")
    assert mailoutbox[-1].subject == link_subject
    page.goto(link_in(mailoutbox[-1], "/recover/"))
    shown.append(take_a_new_number(page, language))

    assert len(set(shown)) == 3
    voucher.refresh_from_db()
    assert voucher.number_last4 == shown[-1][-4:]
    context.close()
    assert found == []


def test_someone_elses_recovery_link_names_no_voucher(browser, live_server, mailoutbox):
    owner = UserFactory(password=PASSWORD, email_verified_at=timezone.now())
    voucher = VoucherFactory()
    services.register_voucher(candidate=owner, number=voucher.plain_number)
    link = link_in(mailoutbox[-1], "/recover/")
    stranger = UserFactory(password=PASSWORD, email_verified_at=timezone.now())
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, stranger.email, "en")

    page.goto(link)

    expect(page.get_by_role("heading", name="This link cannot be used here")).to_be_visible()
    assert voucher.number_last4 not in page.content()
    assert owner.email not in page.content()
    shoot(page, "link-not-yours-en-390")
    assert serious_violations(page) == []
    context.close()
