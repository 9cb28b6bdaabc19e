"""One date format in the whole back office: the locale's staff format (core/formats),
in lists, on pages and in the audit trail, never Django's own nor ISO dates."""

import re

import pytest
from django.urls import reverse

from support import services
from tests.backoffice import test_pages
from tests.backoffice.conftest import signed_in
from tests.backoffice.test_pages import PAGES, urls_for
from tests.backoffice.test_support_requests import page_of, reply
from tests.factories import CandidateFactory, RegisteredVoucherFactory
from tests.portal.pages import text

pytestmark = pytest.mark.django_db

world = test_pages.world  # a customer with a pack in use, a retake booked, its audit trail

MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|"
    r"April|June|July|August|September|October|November|December)"
)
OTHER_FORMATS = {
    "Django's English date (Oct. 26, 2026)": rf"\b{MONTH}\.? \d{{1,2}}, \d{{4}}",
    "a.m./p.m. time": r"\b\d{1,2}(?::\d{2})? [ap]\.m\.",
    "ISO date (2026-10-26)": r"\b\d{4}-\d{2}-\d{2}\b",
    "day and month in full (26 October 2026)": r"\b\d{1,2} (?:January|February|March|April|"
    r"May|June|July|August|September|October|November|December) \d{4}",
}
STAFF_DATE = rf"\b\d{{2}} {MONTH} \d{{4}}"  # 26 Oct 2026


def dates_in_other_formats(page: str) -> list[str]:
    return [
        f"{name}: {found.group()}"
        for name, pattern in OTHER_FORMATS.items()
        for found in re.finditer(pattern, page)
    ]


@pytest.mark.parametrize("role", sorted(PAGES))
def test_every_back_office_page_shows_its_dates_in_the_staff_format(role, world, request):
    client = signed_in(request.getfixturevalue(role))
    seen = 0
    for url in urls_for(role, world):
        page = text(client.get(url))
        assert dates_in_other_formats(page) == [], url
        seen += len(re.findall(STAFF_DATE, page))
    assert seen, "the pages show no date at all: the test would prove nothing"


def test_the_audit_trail_dates_its_events_as_sittings_are_dated(manager_client, world):
    trail = text(manager_client.get(reverse("admin:vouchers_voucherevent_changelist")))
    assert re.search(rf"{STAFF_DATE} \d{{2}}:\d{{2}} [A-Z+\-0-9]+", trail), trail
    sitting = text(manager_client.get(reverse("admin:vouchers_booking_changelist")))
    assert re.search(rf"{STAFF_DATE} \d{{2}}:\d{{2}}", sitting)


def test_a_french_reader_sees_the_french_staff_format(manager_client, world):
    manager_client.cookies["django_language"] = "fr"
    trail = text(manager_client.get(reverse("admin:vouchers_voucherevent_changelist")))
    assert re.search(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b", trail), trail
    assert not re.search(
        r"\b\d{1,2} (?:janvier|février|mars|avril|mai|juin|juillet|août|"
        r"septembre|octobre|novembre|décembre) \d{4}",
        trail,
    ), trail


def test_supports_requests_and_the_account_trails_show_the_staff_format(
    support_client, superuser_client
):
    candidate = CandidateFactory()
    asked = services.send_support_request(
        candidate=candidate,
        voucher=RegisteredVoucherFactory(registered_by=candidate),
        subject="My name is misspelt",
        message="It should be Ada King Lovelace.",
    )
    reply(support_client, asked)
    pages = [
        (support_client, reverse("admin:support_supportrequest_changelist") + "?status=all"),
        (support_client, page_of(asked)),
        (superuser_client, reverse("admin:support_supportevent_changelist")),
        (superuser_client, reverse("admin:privacy_accountevent_changelist")),
    ]
    seen = 0
    for client, url in pages:
        page = text(client.get(url))
        assert dates_in_other_formats(page) == [], url
        seen += len(re.findall(STAFF_DATE, page))
    assert seen
