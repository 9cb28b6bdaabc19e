"""Voucher numbers are never at rest in the clear: after a hand-over, no session row and no
cache value holds one, and what the cache holds goes when the hold ends by itself."""

import json
import pickle
import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache

from tests.backoffice.test_issuing import customer, issue, numbers_url, shown_numbers
from vouchers import numbers
from vouchers.admin import handover
from vouchers.models import ExamPack

pytestmark = pytest.mark.django_db
__all__ = ["customer"]  # the fixture, shared with the issuing tests


def every_way_of_writing(number: str) -> set[str]:
    plain = numbers.normalize(number)
    return {plain, numbers.display(plain), plain.lower()}


def cache_values() -> list[str]:
    """Every value in the (local memory) cache, unpickled and written out as text."""
    values = []
    for pickled in cache._cache.values():
        value = pickle.loads(pickled)
        values.append(value.decode("latin-1") if isinstance(value, bytes) else repr(value))
    return values


def session_rows() -> list[str]:
    rows = []
    for session in Session.objects.all():
        rows += [session.session_data, json.dumps(session.get_decoded())]
    return rows


def test_no_session_row_and_no_cache_value_holds_a_number_during_a_hand_over(
    manager_client, customer
):
    issue(manager_client, customer)
    pack = ExamPack.objects.get()
    shown = shown_numbers(manager_client.get(numbers_url(pack)))
    assert len(shown) == 3, "the manager sees the numbers once"

    stored = session_rows() + cache_values()
    assert any("handover" in text or "gAAAA" in text for text in stored), "something is held"
    for number in shown:
        for written in every_way_of_writing(number):
            assert not any(written in text for text in stored), f"{written} is stored"

    # The numbers are still there for the CSV: held, only not in the clear.
    csv_file = manager_client.post(numbers_url(pack, "csv")).content.decode()
    assert sorted(re.findall(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}", csv_file)) == sorted(shown)


def test_the_held_numbers_are_gone_when_the_hold_ends_whatever_the_manager_does(
    manager_client, customer, monkeypatch
):
    issue(manager_client, customer)
    assert manager_client.session[handover.SESSION_KEY]
    # The manager walks away: no "Done", no sign-out, the session lives on.
    later = time.time() + handover.HOLD_FOR.total_seconds() + 1
    monkeypatch.setattr(time, "time", lambda: later)
    (hold,) = [entry["hold"] for entry in manager_client.session[handover.SESSION_KEY].values()]
    assert cache.get(handover._cache_key(hold)) is None


def test_sealed_numbers_cannot_be_read_after_the_hold_or_with_another_key(settings):
    sealed = numbers.seal(["7KQ4MZ2X"])
    assert numbers.unseal(sealed, max_age=handover.HOLD_FOR) == ["7KQ4MZ2X"]
    settings.VOUCHER_NUMBER_KEY = "a key from another environment, not this one at all"
    assert numbers.unseal(sealed, max_age=handover.HOLD_FOR) is None
