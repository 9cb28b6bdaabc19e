import functools

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.timezones import sort_key
from core.typed import CodeField
from exams.models import Exam
from exams.places import country_name, places_and_centres


class RegisterVoucherForm(forms.Form):
    number = CodeField(
        label=_("Voucher number"),
        max_length=64,
        help_text=_(
            "20 letters and digits, as on your voucher, like 7KQ4-MZ2X-…. "
            "Capitals, spaces and dashes don't matter."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class ExamSearchForm(forms.Form):
    q = CodeField(
        label=_("Exam number or title"),
        required=False,
        max_length=100,
        help_text=_("For example 070-483 or “C#”."),
    )


class BookingRequestForm(forms.Form):
    """What a candidate asks to book: the exam (a first attempt's; a retake's is found by
    the workflow) and, for a sitting inside the change cut-off, that they accept it cannot
    be changed. Read from the address and the confirmation posted; decides nothing."""

    exam = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    no_change_accepted = forms.BooleanField(
        label=_("I understand that this booking cannot be cancelled or moved."),
        required=False,
    )

    @classmethod
    def of(cls, request) -> "BookingRequestForm":
        """The request as the address and the form posted hold it, the posted winning."""
        return cls(request.GET.dict() | request.POST.dict())

    def cleaned(self, field: str):
        """The field's value, or None when the request holds none that is valid."""
        self.is_valid()
        return self.cleaned_data.get(field)

    def exam_ref(self) -> Exam | None:
        """The exam asked for, by id only: the workflow reads it."""
        exam_id = self.cleaned("exam")
        return None if exam_id is None else Exam(pk=exam_id)

    def chosen_exam(self) -> Exam | None:
        """The exam asked for, read, for a page that shows it; None if there is none."""
        exam_id = self.cleaned("exam")
        return None if exam_id is None else Exam.objects.filter(pk=exam_id).first()


@functools.lru_cache(maxsize=64)
def countries_by_name(codes: tuple[str, ...], language: str) -> list[tuple[str, str]]:
    """The countries as (code, name in ``language``), in that language's order of names.

    Sorting a hundred names by their collation key was a third of the search form's
    cost on every request; the result depends only on the codes and the language.
    """
    with translation.override(language):
        named = [(code, country_name(code)) for code in codes]
    return sorted(named, key=lambda c: sort_key(c[1]))


class FlatChoiceField(forms.TypedChoiceField):
    """A choice field whose choices are flat (value, label) pairs, set afresh for every
    request: kept as given, and a value looked up in a set. Django's own normalises
    each pair as they are set, once for the field and once for its widget: for the
    sitting search's hundred test centres and their countries and cities, that was
    most of the form's cost, on a page candidates open again and again."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = list(value)
        self._values = {str(key) for key, _label in self._choices}
        self.widget._choices = self._choices  # flat already: nothing to normalise

    def valid_value(self, value):
        return str(value) in self._values


class _SittingId(forms.Field):
    """A sitting's id in the address (where a week's next page starts), or None: the
    page's own link writes it, and anything else there is no page but the first."""

    widget = forms.HiddenInput

    def to_python(self, value):
        value = (value or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


class SittingSearchForm(forms.Form):
    """Where and when to sit the exam: country, city or test centre, and the week.

    Choices come from the test centres; the week is the one holding the date asked
    for (Monday to Sunday). Nothing here says what may be booked. The page writes
    its controls itself (vouchers/views/sitting_picker.py), with crispy's markup.
    """

    country = FlatChoiceField(label=_("Country"), required=False)
    city = FlatChoiceField(label=_("City"), required=False)
    centre = FlatChoiceField(label=_("Test centre"), required=False, coerce=int, empty_value=None)
    week = forms.DateField(
        label=_("Week of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Not one of the page's controls: its link to a week's next page sets it, and a
    # search sent from the form starts the week from its first sitting.
    after = _SittingId(required=False)

    def __init__(self, *args, places: dict | None = None, **kwargs):
        """``places``: ``exams.places.places_and_centres()``, if the page read it already."""
        super().__init__(*args, **kwargs)
        catalogue = places or places_and_centres()
        every_centre = catalogue["centres"]
        places = catalogue["by_country"]
        self.fields["country"].choices = [
            ("", _("Any country")),
            *countries_by_name(tuple(places), translation.get_language()),
        ]
        # Narrow the cities only by a country we offered: the query string may hold anything.
        country = self.data.get("country") if self.is_bound else None
        if country in places:
            cities = places[country]
        else:
            cities = sorted({city for cities in places.values() for city in cities})
        self.fields["city"].choices = [("", _("Any city"))] + [(c, c) for c in cities]
        city = self.data.get("city") if self.is_bound else None
        # The test centres of the country or city chosen. With neither, none is listed:
        # the whole world's would be a list of hundreds (thousands, for a programme the
        # size of the big ones), unreadable, and written out on every search; a centre
        # asked for by itself (a link to it) is still offered, alone.
        self.centres_listed = country in places or city in cities
        if self.centres_listed:
            offered = [
                (pk, name, centre_city)
                for pk, name, centre_country, centre_city in every_centre
                if (country not in places or centre_country == country)
                and (city not in cities or centre_city == city)
            ]
        else:
            asked = self.data.get("centre") if self.is_bound else None
            offered = [
                (pk, name, centre_city)
                for pk, name, _country, centre_city in every_centre
                if str(pk) == asked
            ]
        self.fields["centre"].choices = [("", _("Any test centre"))] + [
            (pk, name if city in cities else f"{name}, {centre_city}")
            for pk, name, centre_city in offered
        ]

    def place(self) -> dict:
        """The country, city and centre asked for, each "" or None when not (or not valid)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "country": data.get("country", ""),
            "city": data.get("city", ""),
            "centre": data.get("centre"),
        }
