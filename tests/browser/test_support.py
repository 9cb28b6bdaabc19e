"""Help and support as a candidate would: the footer's links, the help page, a request
sent, support's reply in the back office, the answer read (1280 and 390 px, English and
Japanese); axe on each new page."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from backoffice import roles
from tests.browser.helpers import PASSWORD
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_recovery import shoot, sign_in, words
from tests.factories import RegisteredVoucherFactory, StaffFactory, UserFactory


def support_staff():
    """A support agent; the role's group is made again here, as a live server's database
    is emptied between tests and the roles migration does not run again."""
    group, _ = Group.objects.get_or_create(name=roles.SUPPORT)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="support",
            codename__in=["view_supportrequest", "change_supportrequest"],
        )
    )
    support = StaffFactory(email="sam.support@secondshot.test", password=PASSWORD)
    support.groups.add(group)
    return support


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_candidate_asks_support_and_reads_the_answer(
    browser, live_server, mailoutbox, language, width
):
    candidate = UserFactory(password=PASSWORD, email_verified_at=timezone.now(), language=language)
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    support = support_staff()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(10_000)
    page = context.new_page()
    found = []

    # The help page, from the footer, before signing in.
    page.goto("/")
    help_, how, contact = words(language, "Help", "How Second Shot works", "Contact support")
    page.locator("footer").get_by_role("link", name=help_).click()
    expect(page.get_by_role("heading", name=how)).to_be_visible()
    shoot(page, f"help-{language}-{width}")
    found += serious_violations(page)

    # Signed in, the footer's "Contact support", a request about a voucher.
    sign_in(page, candidate.email, language)
    page.locator("footer").get_by_role("link", name=contact).click()
    expect(page.get_by_role("heading", name=contact)).to_be_visible()
    found += serious_violations(page)
    which, subject, message, send = words(
        language, "Which voucher is it about?", "Subject", "Your message", "Send to support"
    )
    page.get_by_label(which).select_option(label=voucher.masked_number)
    page.get_by_label(subject).fill("名前の綴り" if language == "ja" else "My name is misspelt")
    page.get_by_label(message).fill("Ada King Lovelace")
    page.get_by_role("button", name=send).click()
    expect(page.locator(".alert-success")).to_contain_text(candidate.email)
    (open_,) = words(language, "Open")
    expect(page.locator(".badge").filter(has_text=open_)).to_be_visible()
    shoot(page, f"contact-sent-{language}-{width}")
    found += serious_violations(page)

    # Support replies in the back office.
    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(10_000)
    desk = staff.new_page()
    desk.goto("/admin/login/")
    desk.locator("#id_username").fill(support.email)
    desk.locator("#id_password").fill(PASSWORD)
    desk.locator("input[type=submit]").click()
    desk.goto("/admin/support/supportrequest/")
    desk.get_by_role(
        "link", name="名前の綴り" if language == "ja" else "My name is misspelt"
    ).click()
    desk.get_by_label("Reply").fill("It is corrected.")
    desk.get_by_role("button", name="Send the reply").click()
    expect(desk.locator(".messagelist")).to_contain_text("the request is answered")
    if width == 1280 and language == "en":
        shoot(desk, "admin-request-answered-en-1280")
    staff.close()
    assert mailoutbox[-1].to == [candidate.email]
    assert "It is corrected." in mailoutbox[-1].body

    # The candidate reads the answer on the contact page.
    page.reload()
    (answered,) = words(language, "Answered")
    expect(page.locator(".badge").filter(has_text=answered)).to_be_visible()
    expect(page.get_by_text("It is corrected.")).to_be_visible()
    shoot(page, f"contact-answered-{language}-{width}")
    context.close()
    assert found == []
