"""Voucher numbers: made with enough entropy, read back forgivingly, stored only hashed."""

import math
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import ExamPackFactory
from vouchers import numbers
from vouchers.models import Voucher


def test_a_number_is_twenty_symbols_with_at_least_80_bits_of_entropy():
    number = numbers.generate()
    assert len(number) == 20
    assert numbers.RANDOM_LENGTH * math.log2(len(numbers.ALPHABET)) >= 80


def test_every_symbol_turns_up_in_every_place():
    """Each place is drawn from the whole alphabet: in 2,000 numbers a symbol missing from
    one place would be a chance of one in 10^25, or a fault in how numbers are drawn."""
    bodies = [numbers.generate()[: numbers.RANDOM_LENGTH] for _ in range(2000)]
    for place in range(numbers.RANDOM_LENGTH):
        assert {body[place] for body in bodies} == set(numbers.ALPHABET)


def test_numbers_never_contain_look_alike_characters():
    assert not set("0O1IL") & set(numbers.ALPHABET)
    for _ in range(200):
        assert not set("0O1IL") & set(numbers.generate())


def test_numbers_are_printed_in_groups_of_four():
    shown = numbers.display(numbers.generate())
    groups = shown.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4, 4]


def test_a_generated_number_passes_its_own_check():
    for _ in range(200):
        number = numbers.generate()
        assert numbers.normalize(number) == number


@given(st.data())
def test_every_single_mistyped_symbol_is_recognised(data):
    number = numbers.generate()
    position = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([s for s in numbers.ALPHABET if s != number[position]]))
    typo = number[:position] + wrong + number[position + 1 :]
    with pytest.raises(numbers.MalformedNumber, match="typing mistake"):
        numbers.normalize(typo)


@given(st.data())
def test_every_swap_of_two_neighbours_is_recognised(data):
    number = numbers.generate()
    position = data.draw(st.integers(0, len(number) - 2))
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    with pytest.raises(numbers.MalformedNumber):
        numbers.normalize(swapped)


def test_input_is_accepted_in_any_case_with_or_without_spaces_and_hyphens():
    number = numbers.generate()
    shown = numbers.display(number)
    assert numbers.normalize(shown.lower()) == number
    assert numbers.normalize(shown.replace("-", " ")) == number
    assert numbers.normalize(f"  {number.lower()}  ") == number


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter your voucher number"),
        ("ABCD-EFGH", "20 letters and digits"),
        ("ABCD-EFGH-JKMN-PQRS-TUV0", "never contain 0, O, 1, I or L"),
        ("ABCD-EFGH-JKMN-PQRS-TUV!", "20 letters and digits"),
        ("ÄBCD-EFGH-JKMN-PQRS-TUVW", "20 letters and digits"),
    ],
)
def test_malformed_input_gets_a_message_a_person_understands(typed, says):
    with pytest.raises(numbers.MalformedNumber, match=says):
        numbers.normalize(typed)


@given(st.text(alphabet=string.printable + "äöüß€日本", max_size=60))
def test_arbitrary_text_is_either_a_number_or_a_clear_refusal(text):
    try:
        assert len(numbers.normalize(text)) == 20
    except numbers.MalformedNumber as error:
        assert error.reason


@pytest.mark.django_db
def test_the_database_holds_only_a_keyed_hash_and_the_last_four_symbols(settings):
    pack = ExamPackFactory(vouchers=True)
    for voucher, number in zip(
        Voucher.objects.filter(pack=pack).order_by("pk"),
        [v.plain_number for v in pack.voucher_list],
        strict=True,
    ):
        stored = " ".join(str(getattr(voucher, f.attname)) for f in Voucher._meta.concrete_fields)
        assert number not in stored
        assert number[:-4] not in stored
        assert voucher.number_last4 == number[-4:]
        assert voucher.number_hash == numbers.digest(number)
    settings.VOUCHER_NUMBER_KEY = "another key"
    assert numbers.digest(number) != voucher.number_hash


def test_the_masked_number_shows_only_the_last_four_symbols():
    assert numbers.masked("WXYZ").endswith("-WXYZ")
    assert numbers.masked("WXYZ").count("•") == 16
