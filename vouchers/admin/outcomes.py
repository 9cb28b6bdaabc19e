"""Bookings, and the exam administrator's outcomes: one at a time, or a results file.

Recording asks which outcome first and calls ``services.record_outcome``; a
results file goes whole to ``services.import_results``, which applies all of
it or nothing and says which rows are wrong (SS-1, SS-10, SS-12).
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from backoffice import roles
from backoffice.actions import ActionButtonsAdmin, ListCheckboxesAdmin
from backoffice.display import cut
from backoffice.paging import BoundedCountAdmin

from .. import services
from ..models import Booking
from ..services.results import COLUMNS
from .confirm import ask_then_apply
from .packs import masked_link
from .scoping import CustomerScopedAdmin, ReadOnlyMixin
from .support import sitting_at_centre


def awaiting_outcome(bookings, *, at):
    """Return the bookings sat by ``at`` whose outcome is still to record."""
    return bookings.in_state(Booking.State.TAKEN, at=at).filter(outcome__isnull=True)


def recorded_by_import(user, at) -> str:
    """The booking list of the outcomes an import recorded: every one of them carries
    the import's moment and who ran it."""
    shown = {
        "outcome_recorded_at__exact": at.isoformat(),
        "outcome_recorded_by__id__exact": user.pk,
    }
    return f"{reverse('admin:vouchers_booking_changelist')}?{urlencode(shown)}"


class OutcomeFilter(admin.SimpleListFilter):
    """ "Awaiting an outcome" is the exam administrator's daily list."""

    title = _("outcome")
    parameter_name = "result"

    def lookups(self, request, model_admin):
        return [("awaiting", _("Awaiting an outcome")), *Booking.Outcome.choices]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return awaiting_outcome(queryset, at=timezone.now())
        if self.value() in Booking.Outcome.values:
            return queryset.filter(outcome=self.value())
        return queryset


class StateFilter(admin.SimpleListFilter):
    """Booked (still to come), taken or cancelled, as the rules read it now (SS-13)."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Booking.State.choices

    def queryset(self, request, queryset):
        if self.value() in Booking.State.values:
            return queryset.in_state(Booking.State(self.value()), at=timezone.now())
        return queryset


class SittingDayFilter(admin.DateFieldListFilter):
    """The sitting's day: Django's days up to today, and the coming week the centres prepare."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("sitting")
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        coming_week = {
            self.lookup_kwarg_since: today,
            self.lookup_kwarg_until: today + timedelta(days=8),
        }
        self.links = (*self.links, (_("Next 7 days"), coming_week))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Booking.Outcome.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Recorded once: a different outcome cannot replace it later. A failed or no-show "
            "first attempt on a Second Shot voucher opens its free retake."
        ),
    )


class ResultsFileForm(forms.Form):
    file = forms.FileField(label=_("results file (CSV)"))


def describe_booking(booking) -> str:
    return gettext("Booking %(pk)s: %(candidate)s, %(attempt)s of %(exam)s on %(sitting)s") % {
        "pk": booking.pk,
        "candidate": booking.candidate,
        "attempt": booking.get_attempt_display().lower(),
        "exam": booking.exam.number,
        "sitting": sitting_at_centre(booking),
    }


@admin.register(Booking)
class BookingAdmin(
    ActionButtonsAdmin, ListCheckboxesAdmin, ReadOnlyMixin, BoundedCountAdmin, CustomerScopedAdmin
):
    account_manager_path = "voucher__pack__customer__account_manager"
    fields = [
        "reference",
        "candidate",
        "voucher_number",
        "exam",
        "sitting_local",
        "attempt",
        "state",
        "outcome",
        "booked_at",
        "cancelled_at",
        "replaced_by",
        "outcome_recorded_at",
        "outcome_recorded_by",
    ]
    readonly_fields = fields
    list_display = [
        "reference",
        "candidate_cut",
        "exam",
        "sitting_cut",
        "attempt",
        "state",
        "outcome",
    ]
    list_select_related = ["candidate", "exam", "sitting__centre"]
    # The centres are read from their own table: finding the ones the bookings use
    # read every booking, and so did a date hierarchy's DISTINCT.
    list_filter = [
        OutcomeFilter,
        StateFilter,
        "attempt",
        ("sitting__starts_at", SittingDayFilter),
        "sitting__centre__country",
        ("sitting__centre", admin.RelatedFieldListFilter),
    ]
    search_fields = [
        "=id",
        "candidate__email",
        "candidate__legal_name",
        "=exam__number",
        "sitting__centre__site_id",
        "sitting__centre__name",
    ]
    search_help_text = _(
        "A booking number, a candidate's e-mail or name, an exam number, or a test centre."
    )
    ordering = ["-sitting__starts_at", "pk"]
    actions = ["record_outcome"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("candidate", "exam", "sitting__centre", "voucher")
        )

    def get_fields(self, request, obj=None):
        if request.user.has_perm("vouchers.view_voucher"):
            return self.fields
        return [("voucher_masked" if f == "voucher_number" else f) for f in self.fields]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_record_outcomes_permission(self, request):
        return request.user.has_perm(roles.CAN_RECORD_OUTCOMES)

    @admin.display(description=_("booking"), ordering="pk")
    def reference(self, booking):
        return booking.pk

    @admin.display(description=_("sitting (centre's local time)"), ordering="sitting__starts_at")
    def sitting_local(self, booking):
        return sitting_at_centre(booking)

    @admin.display(description=_("candidate"), ordering="candidate__email")
    def candidate_cut(self, booking):
        return cut(booking.candidate)

    @admin.display(description=_("sitting (centre's local time)"), ordering="sitting__starts_at")
    def sitting_cut(self, booking):
        return cut(sitting_at_centre(booking), wide=True)

    @admin.display(description=_("state"))
    def state(self, booking):
        return booking.state(at=timezone.now()).label

    @admin.display(description=_("voucher"))
    def voucher_number(self, booking):
        return masked_link(booking.voucher)

    @admin.display(description=_("voucher"))
    def voucher_masked(self, booking):
        return booking.voucher.masked_number

    # --- recording outcomes -------------------------------------------------------

    @admin.action(
        description=_("Record an outcome"),
        permissions=["record_outcomes"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def record_outcome(self, request, queryset):
        return ask_then_apply(
            self,
            request,
            queryset,
            title=_("Record an outcome"),
            explanation=_("The outcome is recorded for each booking below."),
            button=_("Record the outcome"),
            form_class=OutcomeForm,
            apply=lambda booking, outcome: services.record_outcome(
                booking=booking, outcome=outcome, recorded_by=request.user
            ),
            done=ngettext_lazy(
                "Recorded the outcome of %(count)d booking.",
                "Recorded the outcome of %(count)d bookings.",
                "count",
            ),
            describe=describe_booking,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_import_results": self.has_record_outcomes_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        results = path(
            "import-results/",
            self.admin_site.admin_view(self.import_results_view),
            name="vouchers_booking_import_results",
        )
        return [results, *super().get_urls()]

    def import_results_view(self, request):
        """Import the test provider's results file: all of it, or nothing and why."""
        if not self.has_record_outcomes_permission(request):
            raise PermissionDenied
        form = ResultsFileForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            now = timezone.now()
            report = services.import_results(
                file=form.cleaned_data["file"], recorded_by=request.user, now=now
            )
            if report.is_applied():
                self.message_user(
                    request,
                    gettext(
                        "Imported %(rows)s rows: %(recorded)s outcomes recorded, "
                        "%(unchanged)s already recorded the same way."
                    )
                    % {
                        "rows": report.rows,
                        "recorded": report.recorded,
                        "unchanged": report.unchanged,
                    },
                    messages.SUCCESS,
                )
                if report.recorded:
                    return redirect(recorded_by_import(request.user, now))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a results file"),
            "opts": self.opts,
            "form": form,
            "report": report,
            "columns": COLUMNS,
        }
        return TemplateResponse(request, "admin/vouchers/booking/import_results.html", context)
