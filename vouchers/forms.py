from django import forms

from exams.models import TestCenter


class RegisterVoucherForm(forms.Form):
    number = forms.CharField(
        label="Voucher number",
        max_length=64,
        help_text="20 letters and digits, as on your voucher, like 7KQ4-MZ2X-…. "
        "Capitals, spaces and dashes don't matter.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class ExamSearchForm(forms.Form):
    q = forms.CharField(
        label="Exam number or title",
        required=False,
        max_length=100,
        help_text="For example 070-483 or “C#”.",
    )


class SittingSearchForm(forms.Form):
    """Where to sit the exam: country, then city. Choices come from the test centres."""

    country = forms.ChoiceField(label="Country", required=False)
    city = forms.ChoiceField(label="City", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = list(
            TestCenter.objects.order_by("country").values_list("country", flat=True).distinct()
        )
        self.fields["country"].choices = [("", "Any country")] + [(c, c) for c in countries]
        # Narrow the cities only by a country we offered: the query string may hold anything.
        country = self.data.get("country") if self.is_bound else None
        cities = TestCenter.objects.order_by("city")
        if country in countries:
            cities = cities.filter(country=country)
        self.fields["city"].choices = [("", "Any city")] + [
            (c, c) for c in cities.values_list("city", flat=True).distinct()
        ]
