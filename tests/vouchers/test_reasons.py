"""Refusal codes are an enumeration: a code that is not one fails where it is written."""

import pytest

from core.workflows import Common, Refused
from exams.errors import Reason as CatalogueReason
from vouchers.errors import Reason


def test_a_refusal_takes_only_a_reason_not_a_string_that_may_be_mistyped():
    with pytest.raises(TypeError):
        Refused("voucher_voided")


def test_a_mistyped_reason_fails_where_it_is_named():
    with pytest.raises(AttributeError):
        Reason.VOUCHER_VIODED  # noqa: B018


def test_every_reason_has_a_code_of_its_own():
    codes = [reason.value for reason in [*Common, *Reason, *CatalogueReason]]
    assert len(codes) == len(set(codes))


def test_the_code_reads_as_the_stable_string_that_tests_and_logs_use():
    refusal = Refused(Reason.VOUCHER_VOIDED)
    assert refusal.code == "voucher_voided"
    assert repr(refusal) == "Refused('voucher_voided')"
