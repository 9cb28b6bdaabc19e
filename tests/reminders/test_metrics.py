"""The reminders sent, as /metrics counts them."""

import pytest

from tests.operations.metrics import figure, scrape

from .conftest import before_expiry

pytestmark = pytest.mark.django_db


def test_a_reminder_sent_is_counted_by_its_occasion(client, settings, job, voucher):
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    before = figure(scrape(client), "secondshot_reminders_sent_total", occasion="expiry_30")

    assert len(job(before_expiry(30))) == 1

    after = scrape(client)
    assert figure(after, "secondshot_reminders_sent_total", occasion="expiry_30") == before + 1
    assert figure(after, "secondshot_reminders_sent_total", occasion="expiry_7") == 0
