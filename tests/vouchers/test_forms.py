"""The booking flow's forms: the sitting search's places and the controls the page writes."""

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from tests.factories import TestCenterFactory
from vouchers.forms import SittingSearchForm
from vouchers.views import sitting_picker


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"country": "JP"},
        {"country": "JP", "city": "Osaka", "week": "2027-03-01"},
        {"country": "ZZ", "city": "<b>", "centre": "nope", "week": "soon"},
        {"country": "CI", "city": "Yamoussoukro"},
    ],
)
def test_the_pickers_controls_are_what_crispy_renders_for_the_same_form(data):
    """The sitting search writes its controls in Python (sitting_picker.py) for speed:
    the same labels, selected options, values and error messages as crispy's fields."""
    TestCenterFactory(country="JP", city="Tokyo")
    TestCenterFactory(country="JP", city="Osaka", name="Osaka <Kita>")
    TestCenterFactory(country="CI", city="Yamoussoukro", name="Centre d'examen")
    form = SittingSearchForm(data)
    crispy = Template(
        "{% load crispy_forms_tags %}"
        "{% for field in form.visible_fields %}{{ field|as_crispy_field }}{% endfor %}"
    ).render(Context({"form": form}))
    ours = "".join(
        sitting_picker._field(form[name], control)
        for name, control in (
            ("country", sitting_picker._select),
            ("city", sitting_picker._select),
            ("centre", sitting_picker._select),
            ("week", sitting_picker._date_input),
        )
    )
    assert parse_html(ours) == parse_html(crispy)


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


@pytest.mark.django_db
def test_test_centres_are_listed_once_a_country_or_city_is_chosen():
    tokyo = TestCenterFactory(country="JP", city="Tokyo", name="Tokyo Centre")
    osaka = TestCenterFactory(country="JP", city="Osaka", name="Osaka Centre")
    berlin = TestCenterFactory(country="DE", city="Berlin", name="Berlin Centre")

    def offered(data):
        return [pk for pk, _ in SittingSearchForm(data).fields["centre"].choices if pk]

    assert offered({}) == []
    assert not SittingSearchForm({}).centres_listed
    assert sorted(offered({"country": "JP"})) == sorted([tokyo.pk, osaka.pk])
    assert offered({"city": "Berlin"}) == [berlin.pk]
    # A centre asked for by itself (a link to it) is offered alone, and found.
    alone = SittingSearchForm({"centre": str(osaka.pk)})
    assert offered({"centre": str(osaka.pk)}) == [osaka.pk]
    assert alone.place()["centre"] == osaka.pk
