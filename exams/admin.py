"""The exam administrator's back office: the catalogue, test centres and their sittings.

Sittings are entered and shown at the test centre's local time, with its zone
named, and stored in UTC (SS-9). ``seats_taken`` belongs to the booking
workflows: no form shows it as a field, and saving a sitting never writes it.
"""

from datetime import UTC, datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from backoffice import roles, start
from backoffice.display import cut
from backoffice.paging import BoundedCountAdmin
from backoffice.widgets import SafeAutocompleteMixin
from backoffice.workflows import SavedThroughWorkflow
from core.typed import CodeField

from .errors import Reason
from .forms import SittingForm, SittingSeriesForm
from .models import Exam, Sitting, TestCenter
from .places import forget_centre_places
from .services import create_sitting_series, save_centre, save_exam, save_sitting


class ExamForm(forms.ModelForm):
    class Meta:
        model = Exam
        fields = ["number", "title", "track", "is_active"]
        field_classes = {"number": CodeField}


@admin.register(Exam)
class ExamAdmin(SavedThroughWorkflow, admin.ModelAdmin):
    form = ExamForm
    refusal_fields = {
        Reason.BOOKED_EXAM_KEEPS_NUMBER: "number",
        Reason.BOOKED_EXAM_STAYS_OFFERED: "is_active",
    }
    list_display = ["number", "title", "track", "is_active"]
    list_filter = ["track", "is_active"]
    search_fields = ["number", "title"]
    ordering = ["number"]

    def save_model(self, request, obj, form, change):
        save_exam(exam=obj)


class TestCenterForm(forms.ModelForm):
    class Meta:
        model = TestCenter
        fields = ["name", "site_id", "country", "city", "address", "time_zone"]
        field_classes = {"site_id": CodeField, "time_zone": CodeField}


@admin.register(TestCenter)
class TestCenterAdmin(SavedThroughWorkflow, admin.ModelAdmin):
    form = TestCenterForm
    refusal_fields = {Reason.BOOKED_CENTRE_KEEPS_ZONE: "time_zone"}
    list_display = ["name", "site_id", "city", "country", "time_zone"]
    list_filter = ["country"]
    search_fields = ["name", "site_id", "city", "country"]
    ordering = ["country", "city", "name"]

    def save_model(self, request, obj, form, change):
        save_centre(centre=obj)

    # The sitting search's countries and cities are cached (exams/places.py): forgotten
    # once the deletion is committed, or a search in between would keep the old ones.
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(forget_centre_places)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(forget_centre_places)


def days_from_today(days: int) -> tuple[datetime, datetime]:
    """Return the start of today and of the day ``days`` later, in the active time zone."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return today, today + timedelta(days=days)


class WhenFilter(admin.SimpleListFilter):
    """Upcoming sittings unless asked otherwise: the ones an administrator plans."""

    title = _("when")
    parameter_name = "when"
    # Today and the coming week, from the start of today: what the centres prepare.
    DAYS = {"today": 1, "week": 7}

    def lookups(self, request, model_admin):
        return [
            ("upcoming", _("Upcoming")),
            ("today", _("Today")),
            ("week", _("This week (7 days from today)")),
            ("past", _("Started or past")),
            ("all", _("All")),
        ]

    def choices(self, changelist):
        chosen = self.value() or "upcoming"
        for value, label in self.lookup_choices:
            yield {
                "selected": chosen == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        chosen, now = self.value() or "upcoming", timezone.now()
        if chosen == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if chosen == "past":
            return queryset.filter(starts_at__lte=now)
        if chosen in self.DAYS:
            first, last = days_from_today(self.DAYS[chosen])
            return queryset.filter(starts_at__gte=first, starts_at__lt=last)
        return queryset


def sittings_today(request) -> int:
    first, last = days_from_today(WhenFilter.DAYS["today"])
    return Sitting.objects.filter(starts_at__gte=first, starts_at__lt=last).count()


start.count(
    roles.EXAM_ADMINISTRATORS,
    "sittings_today",
    ngettext_lazy("sitting today", "sittings today", "count"),
    sittings_today,
    "admin:exams_sitting_changelist",
    query="when=today",
    permission="exams.view_sitting",
    order=10,
)
start.task(
    roles.EXAM_ADMINISTRATORS,
    "create_series",
    _("Create a series of sittings"),
    "admin:exams_sitting_series",
    permission="exams.add_sitting",
    order=30,
)
start.task(
    roles.EXAM_ADMINISTRATORS,
    "sittings_this_week",
    _("Sittings this week"),
    "admin:exams_sitting_changelist",
    query="when=week",
    permission="exams.view_sitting",
    order=50,
)


@admin.register(Sitting)
class SittingAdmin(SavedThroughWorkflow, SafeAutocompleteMixin, BoundedCountAdmin):
    form = SittingForm
    refusal_fields = {
        Reason.SEATS_BELOW_TAKEN: "seats",
        Reason.SITTING_EXISTS: "local_time",
        Reason.BOOKED_SITTING_STAYS: None,
    }
    fields = ["centre", "local_date", "local_time", "starts_at_utc", "seats", "seats_taken"]
    readonly_fields = ["starts_at_utc", "seats_taken"]
    list_display = ["local_start_display", "centre_cut", "seats", "seats_taken", "free_seats"]
    # The centres from their own table, not found among the sittings.
    list_filter = [WhenFilter, "centre__country", ("centre", admin.RelatedFieldListFilter)]
    list_select_related = ["centre"]
    search_fields = ["centre__name", "centre__city", "centre__site_id"]
    autocomplete_fields = ["centre"]
    # A year's sittings are a few thousand rows: their DISTINCT days cost little.
    date_hierarchy = "starts_at"
    ordering = ["starts_at", "centre__name"]

    @admin.display(description=_("starts (centre's local time)"), ordering="starts_at")
    def local_start_display(self, sitting):
        start = sitting.local_start()
        when = date_format(start, "STAFF_WEEKDAY_SITTING_FORMAT")
        # The zone's name in the tooltip: the abbreviation says enough in a list.
        return format_html(
            '<span title="{}">{} {}</span>', sitting.centre.time_zone, when, start.tzname()
        )

    @admin.display(description=_("centre"), ordering="centre__name")
    def centre_cut(self, sitting):
        return cut(sitting.centre)

    @admin.display(description=_("starts (UTC)"))
    def starts_at_utc(self, sitting):
        if not sitting.starts_at:
            return "—"
        utc = sitting.starts_at.astimezone(UTC)
        return f"{date_format(utc, 'STAFF_WEEKDAY_SITTING_FORMAT')} UTC"

    @admin.display(description=_("free seats"))
    def free_seats(self, sitting):
        return sitting.free_seats

    def save_model(self, request, obj, form, change):
        # The workflow locks the sitting and never writes back the seats taken.
        save_sitting(sitting=obj)

    # --- a series of sittings ---------------------------------------------------

    def get_urls(self):
        series = path(
            "series/",
            self.admin_site.admin_view(self.series_view),
            name="exams_sitting_series",
        )
        return [series, *super().get_urls()]

    def series_view(self, request):
        """Create a series of sittings at once, at local times over a range of dates."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SittingSeriesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            report = create_sitting_series(
                centre=data["centre"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                weekdays=set(data["weekdays"]),
                local_times=data["local_times"],
                seats=data["seats"],
            )
            self._tell_series(request, report, data["centre"])
            return redirect(self._series_list(report, data["centre"]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Create a series of sittings"),
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/exams/sitting/series.html", context)

    def _series_list(self, report, centre) -> str:
        """The list of the sittings the series created: the centre's, from its first new
        start to its last (the centre's whole list if it created none)."""
        shown = {"centre__id__exact": centre.pk}
        if report.created:
            shown |= {
                "when": "all",
                "starts_at__gte": report.created_from.isoformat(),
                "starts_at__lte": report.created_until.isoformat(),
            }
        return f"{reverse('admin:exams_sitting_changelist')}?{urlencode(shown)}"

    def _tell_series(self, request, report, centre) -> None:
        params = {
            "created": report.created,
            "centre": centre,
            "existed": report.already_there,
            "past": report.in_the_past,
        }
        if report.already_there and report.in_the_past:
            told = gettext(
                "Created %(created)s sittings at %(centre)s. Skipped: %(existed)s already "
                "existed and %(past)s would have been in the past."
            )
        elif report.already_there:
            told = gettext(
                "Created %(created)s sittings at %(centre)s. Skipped: %(existed)s already existed."
            )
        elif report.in_the_past:
            told = gettext(
                "Created %(created)s sittings at %(centre)s. Skipped: %(past)s would have "
                "been in the past."
            )
        else:
            told = gettext("Created %(created)s sittings at %(centre)s.")
        self.message_user(
            request,
            told % params,
            messages.SUCCESS if report.created else messages.WARNING,
        )
        if report.skipped_by_the_clock:
            times = ", ".join(
                date_format(t, "STAFF_WEEKDAY_SITTING_FORMAT") for t in report.skipped_by_the_clock
            )
            self.message_user(
                request,
                gettext(
                    "Not created, because the clocks in %(zone)s skip these local "
                    "times (summer time begins): %(times)s."
                )
                % {"zone": centre.time_zone, "times": times},
                messages.WARNING,
            )
        if report.first_of_two:
            times = ", ".join(
                date_format(t, "STAFF_WEEKDAY_SITTING_FORMAT") for t in report.first_of_two
            )
            self.message_user(
                request,
                gettext(
                    "These local times happen twice in %(zone)s (summer time ends); "
                    "the sittings are at the first of the two: %(times)s."
                )
                % {"zone": centre.time_zone, "times": times},
                messages.INFO,
            )
