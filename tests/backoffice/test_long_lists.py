"""Long lists in the back office, as staff see them (issue 6: a million vouchers).

A list counts only as far as it is read (``secondshot/admin_paging.py``): under
the bound it says how many, over it "More than …", and paging on still works.
The bounds are made small here, so a few rows show what a million would.
"""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CustomerFactory, VoucherFactory
from vouchers.models import Voucher

pytestmark = pytest.mark.django_db

VOUCHERS = "admin:vouchers_voucher_changelist"


@pytest.fixture
def short_pages(monkeypatch):
    """Vouchers listed two a page, and counted five past the top of the page read."""
    voucher_admin = admin.site.get_model_admin(Voucher)
    monkeypatch.setattr(voucher_admin, "list_per_page", 2)
    monkeypatch.setattr(voucher_admin, "rows_counted", 5)


def unbounded_counts(queries) -> list[str]:
    """The captured queries that count rows with no LIMIT: every row the filter finds."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT COUNT(") and "LIMIT" not in q["sql"]
    ]


def paginator_text(page: str) -> str:
    nav = re.search(r'<nav class="paginator".*?</nav>', page, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", nav).split())


def page_links(page: str) -> list[str]:
    nav = re.search(r'<nav class="paginator".*?</nav>', page, re.S).group(0)
    return re.findall(r'href="\?p=(\d+)"', nav)


def listed(response) -> list[int]:
    return [voucher.pk for voucher in response.context["cl"].result_list]


def test_a_list_longer_than_it_counts_says_more_than_and_pages_on(support_client, short_pages):
    vouchers = sorted(VoucherFactory().pk for _ in range(12))

    with CaptureQueriesContext(connection) as queries:
        first = support_client.get(reverse(VOUCHERS))

    page = first.content.decode()
    assert "More than 5 vouchers" in paginator_text(page)
    assert page_links(page) == ["2", "3"]  # the pages counted, and one past them
    assert unbounded_counts(queries) == []
    # The page past the counted rows is whole, and counts on from where it is.
    third = support_client.get(reverse(VOUCHERS), {"p": 3})
    assert len(listed(third)) == 2
    assert "More than 9 vouchers" in paginator_text(third.content.decode())
    assert "5" in page_links(third.content.decode())
    # The last page: every row counted now, so the list says how many.
    last = support_client.get(reverse(VOUCHERS), {"p": 6})
    assert "12 vouchers" in paginator_text(last.content.decode())
    every = {
        pk for p in range(1, 7) for pk in listed(support_client.get(reverse(VOUCHERS), {"p": p}))
    }
    assert sorted(every) == vouchers


def test_a_list_within_its_count_says_exactly_how_many(support_client, short_pages):
    for _ in range(4):
        VoucherFactory()

    response = support_client.get(reverse(VOUCHERS))

    assert "4 vouchers" in paginator_text(response.content.decode())
    assert "More than" not in response.content.decode()
    assert page_links(response.content.decode()) == ["2"]


def test_a_search_that_finds_more_than_it_counts_says_so(support_client, short_pages):
    customer = CustomerFactory(name="Contoso Training Ltd")
    for _ in range(7):
        VoucherFactory(pack__customer=customer)
    VoucherFactory(pack__customer=CustomerFactory(name="Fabrikam"))

    many = support_client.get(reverse(VOUCHERS), {"q": "contoso"}).content.decode()
    few = support_client.get(reverse(VOUCHERS), {"q": "fabrikam"}).content.decode()

    assert "More than 5 results" in many
    assert "1 result" in few


def test_selecting_across_pages_is_offered_only_for_a_counted_list(support_client, short_pages):
    """Acting on every voucher of a list nobody counted is not offered: narrow it first."""
    for _ in range(4):
        VoucherFactory()
    counted = support_client.get(reverse(VOUCHERS)).content.decode()
    for _ in range(4):
        VoucherFactory()
    uncounted = support_client.get(reverse(VOUCHERS)).content.decode()

    assert "Select all 4 vouchers" in counted
    assert 'class="question' not in uncounted
    assert "Select all 5" not in uncounted and "Select all 6" not in uncounted
