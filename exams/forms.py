"""The exam administrator's forms for sittings, in the test centre's local time (SS-9)."""

import re
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backoffice.widgets import SafeAutocompleteSelect
from core.typed import CodeField
from core.validators import validate_within_reach

from .models import Sitting, TestCenter
from .services import local_to_utc

# 0 is Monday, as date.weekday() counts; Django's names, translated.
WEEKDAYS = sorted(WEEKDAY_NAMES.items())
# A year of sittings at most in one go: enough for any plan, and a typo in a
# date cannot create thousands of sittings.
LONGEST_SERIES = timedelta(days=366)
# A centre runs a sitting every hour at most (an exam lasts longer), and one submit
# makes no more sittings than a busy centre holds in a year: a slip of the keyboard
# (1,440 start times, every minute) must not fill the catalogue.
MOST_START_TIMES = 24
MOST_SITTINGS_PER_SERIES = 1500


def _clock_skips(day, at, centre) -> str:
    return gettext(
        "%(time)s on %(day)s does not exist in %(zone)s: the clocks skip that hour. "
        "Choose another time."
    ) % {"time": f"{at:%H:%M}", "day": date_format(day, "DAY_FORMAT"), "zone": centre.time_zone}


class SittingForm(forms.ModelForm):
    """One sitting, its start entered at the centre's local time and stored in UTC.

    The form reads the local time; ``services.save_sitting`` saves it, with the
    sitting's row locked: seats never below the seats taken, a booked sitting
    never moved, no second sitting at the same start (the admin puts a refusal
    back on this form, ``backoffice/workflows.py``).
    """

    local_date = forms.DateField(
        label=_("date"), widget=AdminDateWidget, validators=[validate_within_reach]
    )
    local_time = forms.TimeField(
        label=_("start time"),
        widget=AdminTimeWidget(format="%H:%M"),
        help_text=_("At the test centre, in its own time zone. Stored in UTC."),
    )

    class Meta:
        model = Sitting
        fields = ["centre", "local_date", "local_time", "seats"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            start = self.instance.local_start()
            self.initial.setdefault("local_date", start.date())
            self.initial.setdefault("local_time", start.time().replace(second=0, microsecond=0))
            self.fields["local_time"].help_text = gettext(
                "At the test centre (%(zone)s). Stored in UTC."
            ) % {"zone": self.instance.centre.time_zone}

    def clean(self):
        cleaned = super().clean()
        centre, day, at = (cleaned.get(k) for k in ("centre", "local_date", "local_time"))
        if centre is None or day is None or at is None:
            return cleaned
        if self.instance.pk and not {"centre", "local_date", "local_time"} & set(self.changed_data):
            starts_at = self.instance.starts_at  # kept to the second, as stored
        else:
            starts_at = local_to_utc(day, at, centre.zone)
        if starts_at is None:
            self.add_error("local_time", _clock_skips(day, at, centre))
            return cleaned
        self.instance.starts_at = starts_at
        return cleaned


class SittingSeriesForm(forms.Form):
    """A series of sittings: chosen weekdays at local times, over a range of dates."""

    centre = forms.ModelChoiceField(
        queryset=TestCenter.objects.all(),
        label=_("test centre"),
        widget=SafeAutocompleteSelect(Sitting._meta.get_field("centre"), admin.site),
    )
    first_day = forms.DateField(
        label=_("from"), widget=AdminDateWidget, validators=[validate_within_reach]
    )
    last_day = forms.DateField(
        label=_("until"),
        required=False,
        widget=AdminDateWidget,
        validators=[validate_within_reach],
        help_text=_("The last day, included. Or give a number of weeks instead."),
    )
    weeks = forms.IntegerField(
        label=_("Weeks"),
        required=False,
        min_value=1,
        max_value=52,
        help_text=_("Instead of a last day."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )
    local_times = CodeField(
        label=_("start times"),
        initial="09:00, 14:00",
        help_text=_("Local times at the centre, 24-hour clock, separated by commas."),
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=1000)

    def clean_local_times(self) -> list[time]:
        text = self.cleaned_data["local_times"]
        times = []
        for part in filter(None, (p.strip() for p in re.split(r"[,;\s]+", text))):
            try:
                times.append(datetime.strptime(part, "%H:%M").time())
            except ValueError:
                raise forms.ValidationError(
                    gettext("“%(part)s” is not a time. Write times like 09:00, 14:00.")
                    % {"part": part}
                ) from None
        if not times:
            raise forms.ValidationError(gettext("Give at least one start time, such as 09:00."))
        if len(set(times)) > MOST_START_TIMES:
            raise forms.ValidationError(
                gettext("Give at most %(most)s start times a day.") % {"most": MOST_START_TIMES}
            )
        return sorted(set(times))

    def clean(self):
        cleaned = super().clean()
        first, last, weeks = (cleaned.get(k) for k in ("first_day", "last_day", "weeks"))
        if first is None or "last_day" in self.errors or "weeks" in self.errors:
            return cleaned
        if (last is None) == (weeks is None):
            raise forms.ValidationError(gettext("Give either the last day or a number of weeks."))
        if last is None:
            last = first + timedelta(weeks=weeks, days=-1)
        if last < first:
            self.add_error("last_day", gettext("The last day comes before the first."))
        elif last - first >= LONGEST_SERIES:
            self.add_error("last_day", gettext("A series can cover a year at most."))
        elif self._count(first, last, cleaned) > MOST_SITTINGS_PER_SERIES:
            raise forms.ValidationError(
                gettext(
                    "This series would make %(count)s sittings; one series makes at most "
                    "%(most)s. Choose fewer days or start times."
                )
                % {"count": self._count(first, last, cleaned), "most": MOST_SITTINGS_PER_SERIES}
            )
        cleaned["last_day"] = last
        return cleaned

    @staticmethod
    def _count(first, last, cleaned) -> int:
        """How many sittings the series would make (before any the clock skips)."""
        weekdays, times = set(cleaned.get("weekdays") or ()), cleaned.get("local_times") or ()
        days = sum(
            1
            for offset in range((last - first).days + 1)
            if (first + timedelta(days=offset)).weekday() in weekdays
        )
        return days * len(times)
