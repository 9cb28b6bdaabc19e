from django import forms
from django.utils.translation import gettext_lazy as _

from exams.models import TestCenter


class RegisterVoucherForm(forms.Form):
    number = forms.CharField(
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
    q = forms.CharField(
        label=_("Exam number or title"),
        required=False,
        max_length=100,
        help_text=_("For example 070-483 or “C#”."),
    )


class SittingSearchForm(forms.Form):
    """Where to sit the exam: country, then city. Choices come from the test centres."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = list(
            TestCenter.objects.order_by("country").values_list("country", flat=True).distinct()
        )
        self.fields["country"].choices = [("", _("Any country"))] + [(c, c) for c in countries]
        # Narrow the cities only by a country we offered: the query string may hold anything.
        country = self.data.get("country") if self.is_bound else None
        cities = TestCenter.objects.order_by("city")
        if country in countries:
            cities = cities.filter(country=country)
        self.fields["city"].choices = [("", _("Any city"))] + [
            (c, c) for c in cities.values_list("city", flat=True).distinct()
        ]
