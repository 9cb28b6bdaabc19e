from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.typed import CodeField
from exams.places import centre_places


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


class PlainSelect(forms.Select):
    """A <select> built in Python.

    Django renders each option through a template of its own: for the sitting
    search's hundred-odd countries and cities that was a fifth of the page's time.
    Same markup, same attributes; no option groups.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


class SittingSearchForm(forms.Form):
    """Where to sit the exam: country, then city. Choices come from the test centres."""

    country = forms.ChoiceField(label=_("Country"), required=False, widget=PlainSelect)
    city = forms.ChoiceField(label=_("City"), required=False, widget=PlainSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = centre_places()
        self.fields["country"].choices = [("", _("Any country"))] + [(c, c) for c in places]
        # Narrow the cities only by a country we offered: the query string may hold anything.
        country = self.data.get("country") if self.is_bound else None
        if country in places:
            cities = places[country]
        else:
            cities = sorted({city for cities in places.values() for city in cities})
        self.fields["city"].choices = [("", _("Any city"))] + [(c, c) for c in cities]
