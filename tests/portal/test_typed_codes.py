"""Codes a person types are read the same whatever their keyboard: full-width letters and
digits (what a Japanese or Chinese input method types) are the plain ones."""

import unicodedata

import pytest
from django.urls import reverse

from tests.factories import VoucherFactory
from tests.portal.pages import book_url, links, text
from vouchers import numbers

pytestmark = pytest.mark.django_db


def full_width(text: str) -> str:
    """The text as a Japanese input method types it: every ASCII character in full width,
    spaces as ideographic spaces."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


def test_full_width_is_what_an_input_method_types():
    assert full_width("7KQ4-mz2x") == "７ＫＱ４－ｍｚ２ｘ"
    assert unicodedata.normalize("NFKC", full_width("7KQ4-mz2x")) == "7KQ4-mz2x"


def test_a_voucher_number_typed_in_full_width_is_the_number(
    signed_in, candidate, django_capture_on_commit_callbacks
):
    """SS-5: before, it was refused as not 20 characters."""
    voucher = VoucherFactory()
    typed = full_width(numbers.display(voucher.plain_number).lower().replace("-", " "))

    response = signed_in.post(reverse("portal:register_voucher"), {"number": typed})

    assert response.status_code == 302, text(response)
    voucher.refresh_from_db()
    assert voucher.registered_by == candidate


def test_every_full_width_spelling_of_a_number_normalises_to_it():
    number = numbers.generate()
    for typed in [
        full_width(number),
        full_width(numbers.display(number)),
        full_width(number.lower()),
    ]:
        assert numbers.normalize(typed) == number


def test_an_exam_number_searched_in_full_width_is_found(signed_in, voucher, exam):
    """SS-3: the search reads ０７０－４８３ as 070-483."""
    response = signed_in.get(book_url(voucher, q=full_width("070-483")))
    assert any(words.startswith("070-483") for href, words in links(response) if "?exam=" in href)


def test_an_ineligible_exam_searched_in_full_width_is_explained(signed_in, voucher):
    """SS-3: the reason names the exam in plain digits."""
    response = signed_in.get(book_url(voucher, q=full_width("074-343")))
    assert "Exam 074-343 is not covered by the Second Shot offer" in text(response)
