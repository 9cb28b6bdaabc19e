"""Query budgets of the help and contact pages, counted as the other candidate pages are."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from support.models import SupportReply, SupportRequest
from tests.factories import CandidateFactory, RegisteredVoucherFactory, StaffFactory

pytestmark = pytest.mark.django_db


def candidate_with(n: int):
    """A candidate with ``n`` vouchers and ``n`` requests, each answered ``n`` times."""
    candidate = CandidateFactory()
    vouchers = [RegisteredVoucherFactory(registered_by=candidate) for _ in range(n)]
    staff = StaffFactory()
    for voucher in vouchers:
        request = SupportRequest.objects.create(
            candidate=candidate, voucher=voucher, subject="Question", message="…"
        )
        for _ in range(n):
            SupportReply.objects.create(request=request, author=staff, message="Answer")
    return candidate


def count(client, candidate, url) -> tuple[int, list[str]]:
    client.force_login(candidate)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(
    ("url", "budget"),
    [(reverse("support:help"), 2), (reverse("support:contact"), 5)],
    ids=["help", "contact"],
)
def test_a_support_page_makes_the_same_queries_whatever_the_data_size(client, url, budget):
    small, _ = count(client, candidate_with(2), url)
    large, large_sql = count(client, candidate_with(15), url)

    assert large == small, "\n".join(large_sql)
    assert large <= budget, "\n".join(large_sql)
