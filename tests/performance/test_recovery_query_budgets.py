"""Query budgets of the recovery pages (SS-6), counted as tests/performance's other pages."""

import pytest
from django.urls import reverse

from tests.performance.test_query_budgets import LARGE, SMALL, build_world, count_queries
from vouchers.tokens import make_recovery_token

pytestmark = pytest.mark.django_db

PAGES = {
    "recover a number": (
        lambda w: reverse("portal:recover_number", args=[make_recovery_token(w.retake_voucher)]),
        4,
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_recovery_page_makes_the_same_queries_whatever_the_data_size(client, page):
    url_for, budget = PAGES[page]
    small = build_world(**SMALL, tag="small")
    large = build_world(**LARGE, tag="large")

    small_count, _ = count_queries(client, small, url_for)
    large_count, large_sql = count_queries(client, large, url_for)

    assert large_count == small_count, "\n".join(large_sql)
    assert large_count <= budget, "\n".join(large_sql)
