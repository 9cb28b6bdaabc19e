"""Lookups that must go through an index at a hundred thousand accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signing_in_finds_the_account_through_the_unique_lower_email_index():
    """``email__iexact`` compares upper(email) and reads every account; lower(email) is
    what the unique index ``user_email_ci_unique`` holds."""
    user = UserFactory(email="Mixed.Case@Example.com")
    with CaptureQueriesContext(connection) as queries:
        found = get_user_model().objects.get_by_natural_key("mixed.case@EXAMPLE.com")
    assert found == user
    (query,) = queries.captured_queries
    assert 'LOWER("secondshot_user"."email")' in query["sql"]
    assert "UPPER" not in query["sql"]
