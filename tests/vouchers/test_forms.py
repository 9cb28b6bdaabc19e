"""The booking flow's forms: the sitting search's places and its quick <select>."""

import pytest
from django import forms
from django.test.html import parse_html

from tests.factories import TestCenterFactory
from vouchers.forms import PlainSelect, SittingSearchForm

CHOICES = [("", "Any country"), ("Côte d'Ivoire", "Côte d'Ivoire"), ("Japan", "Japan")]


@pytest.mark.parametrize("value", ["", "Japan", "Côte d'Ivoire", None])
def test_the_plain_select_renders_what_djangos_select_renders(value):
    attrs = {"id": "id_country", "class": "form-select", "required": True, "disabled": False}
    plain = PlainSelect(choices=CHOICES).render("country", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("country", value, attrs=attrs)
    assert parse_html(plain) == parse_html(django)


@pytest.mark.django_db
def test_the_sitting_search_offers_every_country_and_the_chosen_countrys_cities():
    TestCenterFactory(country="JP", city="Tokyo")
    TestCenterFactory(country="JP", city="Osaka")
    TestCenterFactory(country="DE", city="Berlin")

    any_country = SittingSearchForm({})
    in_japan = SittingSearchForm({"country": "JP"})

    assert [c for c, _ in any_country.fields["country"].choices] == ["", "DE", "JP"]
    assert [c for c, _ in any_country.fields["city"].choices] == ["", "Berlin", "Osaka", "Tokyo"]
    assert [c for c, _ in in_japan.fields["city"].choices] == ["", "Osaka", "Tokyo"]
    assert in_japan.is_valid()
    assert not SittingSearchForm({"country": "JP", "city": "Berlin"}).is_valid()
