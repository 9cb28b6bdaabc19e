"""Vouchers: finding one, and support's help for its candidate (SS-6, SS-12).

A voucher is found by its full number on the "find by number" page (posted,
normalised, then looked up by its keyed hash: the number itself is stored
nowhere and travels in no URL), or in the list's search box by its last four
characters with the candidate's e-mail, by the candidate, or by the customer. A
whole number typed in the search box is not looked up: the search travels in the
query string, into every filter link and the access log, so the person is sent
to the find page to type it there. The page of
a voucher is read-only and shows its bookings and its audit trail.

Support's two actions ask for a reason and call the workflows, which write the
audit event: re-send the registration confirmation with its recovery link,
and reissue the number on the candidate's behalf. The new number goes to the
candidate's e-mail only; no page ever shows it to support.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts import ratelimit
from backoffice import roles
from backoffice.actions import ActionButtonsAdmin, ListCheckboxesAdmin
from backoffice.display import cut
from backoffice.filters import AutocompleteFilter, AutocompleteFiltersAdmin
from backoffice.paging import BoundedCountAdmin
from backoffice.rows import WrittenRowsAdmin

from .. import numbers, services
from ..clock import anywhere_on_earth_date
from ..models import Booking, Voucher, VoucherEvent
from ..usage import EXPIRING_WITHIN, expiring_unused
from .confirm import ask_then_apply
from .history import NamedDetailsFormSet, readable_details
from .packs import describe_voucher, short_masked, void
from .scoping import CustomerScopedAdmin, ReadOnlyInline, ReadOnlyMixin

# A search that is surely meant as a whole voucher number, typo or not.
NUMBER_SHAPE = re.compile(r"[0-9A-Za-z]{4}(?:[- ][0-9A-Za-z]{4}){4}|[0-9A-Za-z]{20}")
LAST_FOUR_AND_EMAIL = re.compile(
    r"(?P<last4>[0-9A-Za-z]{4})\s+(?P<email>\S+@\S+)"
    r"|(?P<email_first>\S+@\S+)\s+(?P<last4_after>[0-9A-Za-z]{4})"
)


def sitting_at_centre(booking) -> str:
    start = booking.sitting.local_start()
    when = date_format(start, "STAFF_SITTING_FORMAT")
    return f"{when} {start.tzname()}, {booking.sitting.centre}"


class BookingInline(ReadOnlyInline):
    model = Booking
    fk_name = "voucher"
    fields = ["attempt", "exam", "sitting_local", "state", "outcome", "booked_at"]
    readonly_fields = fields
    ordering = ["booked_at", "pk"]
    verbose_name_plural = _("bookings")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("exam", "sitting__centre")

    @admin.display(description=_("sitting (centre's local time)"))
    def sitting_local(self, booking):
        return sitting_at_centre(booking)

    @admin.display(description=_("state"))
    def state(self, booking):
        return booking.state(at=timezone.now()).label


class AuditTrailInline(ReadOnlyInline):
    model = VoucherEvent
    formset = NamedDetailsFormSet
    fields = ["at", "action", "actor", "details_text"]
    readonly_fields = fields
    ordering = ["at", "pk"]
    show_change_link = False
    verbose_name_plural = _("audit trail")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("details"))
    def details_text(self, event):
        return details_text(event)


def details_text(event) -> str:
    """The event's details, naming the people, exams and sittings they concern."""
    return readable_details(event)


class RegisteredFilter(admin.SimpleListFilter):
    title = _("registered")
    parameter_name = "registered"

    def lookups(self, request, model_admin):
        return [("yes", _("Registered")), ("no", _("Not registered")), ("voided", _("Voided"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(registered_by__isnull=False)
        if self.value() == "no":
            return queryset.filter(registered_by__isnull=True)
        if self.value() == "voided":
            return queryset.filter(voided_at__isnull=False)
        return queryset


class ExpiringFilter(admin.SimpleListFilter):
    """The vouchers an account manager watches: expiring soon, never booked nor voided."""

    title = _("expiry")
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        return [
            (
                "unused",
                ngettext_lazy(
                    "Expiring unused within %(count)s day",
                    "Expiring unused within %(count)s days",
                    "count",
                )
                % {"count": EXPIRING_WITHIN.days},
            )
        ]

    def queryset(self, request, queryset):
        if self.value() == "unused":
            return expiring_unused(queryset, today=anywhere_on_earth_date(timezone.now()))
        return queryset


def is_number_shaped(term: str) -> bool:
    """Return True if a search is a whole voucher number, typed right or not."""
    term = term.strip()
    try:
        numbers.normalize(term)
    except numbers.MalformedNumber:
        return bool(NUMBER_SHAPE.fullmatch(term))
    return True


def _reserve_lookup(request):
    """Whole-number look-ups are limited like a candidate's registrations (SECURITY.md)."""
    return ratelimit.reserve(
        (ratelimit.VOUCHER_GUESSES_PER_ACCOUNT, f"staff-{request.user.pk}"),
        (ratelimit.VOUCHER_GUESSES_PER_ADDRESS, ratelimit.client_address(request)),
    )


class FindByNumberForm(forms.Form):
    number = forms.CharField(
        label=_("voucher number"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 32, "autofocus": True}),
        help_text=_("The whole number, as the candidate reads it: XXXX-XXXX-XXXX-XXXX-XXXX."),
    )

    def clean_number(self):
        try:
            return numbers.normalize(self.cleaned_data["number"])
        except numbers.MalformedNumber as error:
            raise forms.ValidationError(error.reason) from None


@admin.register(Voucher)
class VoucherAdmin(
    ActionButtonsAdmin,
    ListCheckboxesAdmin,
    WrittenRowsAdmin,
    ReadOnlyMixin,
    AutocompleteFiltersAdmin,
    BoundedCountAdmin,
    CustomerScopedAdmin,
):
    account_manager_path = "pack__customer__account_manager"
    fields = [
        "masked_number",
        "pack_link",
        "customer",
        "expires_on",
        "status",
        "registered_by",
        "registered_at",
        "voided_at",
        "void_reason",
    ]
    readonly_fields = fields
    inlines = [BookingInline, AuditTrailInline]
    # What fits at 1280 px with the sidebar open; when it was registered is on its page.
    list_display = [
        "short_number",
        "pack_link",
        "customer_cut",
        "candidate",
        "status",
        "expires_on",
    ]
    list_display_links = ["short_number"]
    list_select_related = ["pack__customer", "registered_by"]
    list_filter = [
        RegisteredFilter,
        ExpiringFilter,
        "pack__is_second_shot",
        ("pack__customer", AutocompleteFilter),
        ("pack", AutocompleteFilter),
    ]
    search_fields = ["registered_by__email", "registered_by__legal_name", "pack__customer__name"]
    search_help_text = _(
        "A voucher's last four characters and the candidate's e-mail (7KQ4 alex@example.com); "
        "or a candidate's e-mail or name; or a customer's name. A whole voucher number: "
        "“Find by whole number”."
    )
    ordering = ["-pack__issued_at", "pk"]
    actions = ["void_vouchers", "resend_confirmation", "reissue_number"]
    button_labels = {"void_vouchers": _("Void this voucher")}
    list_per_page = 50

    def get_queryset(self, request):
        bookings = Booking.objects.select_related("sitting")
        return (
            super()
            .get_queryset(request)
            .select_related("pack__customer", "registered_by")
            .prefetch_related(Prefetch("bookings", queryset=bookings))
        )

    def has_void_permission(self, request):
        return request.user.has_perm(roles.CAN_VOID_VOUCHERS)

    def has_help_candidates_permission(self, request):
        return request.user.has_perm(roles.CAN_HELP_CANDIDATES)

    # --- the columns -----------------------------------------------------------

    @admin.display(description=_("number"))
    def masked_number(self, voucher):
        return voucher.masked_number

    @admin.display(description=_("number"))
    def short_number(self, voucher):
        return short_masked(voucher)

    @admin.display(description=_("customer"), ordering="pack__customer__name")
    def customer_cut(self, voucher):
        return cut(voucher.pack.customer)

    @admin.display(description=_("registered by"), ordering="registered_by__email")
    def candidate(self, voucher):
        return cut(voucher.registered_by)

    @admin.display(description=_("pack"), ordering="pack")
    def pack_link(self, voucher):
        url = reverse("admin:vouchers_exampack_change", args=[voucher.pack_id])
        return format_html('<a href="{}">#{}</a>', url, voucher.pack_id)

    @admin.display(description=_("customer"), ordering="pack__customer__name")
    def customer(self, voucher):
        return voucher.pack.customer

    @admin.display(description=_("expires"), ordering="pack__expires_on")
    def expires_on(self, voucher):
        # Localised here: the change page shows a method's date as it is (2027-04-05),
        # where every other date in the back office is the locale's.
        return localize(voucher.pack.expires_on)

    @admin.display(description=_("status"))
    def status(self, voucher):
        return voucher.status(at=timezone.now()).label

    # --- finding a voucher ----------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        """A whole number in the search box goes to the find page, never into a lookup."""
        if is_number_shaped(request.GET.get(SEARCH_VAR, "")):
            self.message_user(
                request,
                gettext(
                    "Whole voucher numbers are not searched in this list: a search travels "
                    "in the web address, where a number must never be. Type it on this page."
                ),
                messages.WARNING,
            )
            return redirect("admin:vouchers_voucher_find")
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        if match := LAST_FOUR_AND_EMAIL.fullmatch(search_term.strip()):
            last4 = match["last4"] or match["last4_after"]
            email = match["email"] or match["email_first"]
            return (
                queryset.filter(number_last4=last4.upper(), registered_by__email__iexact=email),
                False,
            )
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self):
        find = path(
            "find/",
            self.admin_site.admin_view(self.find_view),
            name="vouchers_voucher_find",
        )
        return [find, *super().get_urls()]

    def find_view(self, request):
        """Find a voucher by its whole number, posted, so the number is in no URL or log."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = FindByNumberForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reservation = _reserve_lookup(request)
            if not reservation.allowed:
                return ratelimit.too_many_attempts(
                    request, reservation.retry_after, what="voucher number look-ups"
                )
            digest = numbers.digest(form.cleaned_data["number"])
            found = self.get_queryset(request).filter(number_hash=digest).first()
            if found is not None:
                reservation.give_back()
                return redirect("admin:vouchers_voucher_change", found.pk)
            form.add_error("number", gettext("No voucher you can see has this number."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Find a voucher by its number"),
            "opts": self.opts,
            "form": form,
            "search_var": SEARCH_VAR,
        }
        return TemplateResponse(request, "admin/vouchers/voucher/find.html", context)

    # --- acting on vouchers -----------------------------------------------------

    @admin.action(
        description=_("Void the selected vouchers"),
        permissions=["void"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def void_vouchers(self, request, queryset):
        return void(self, request, queryset)

    @admin.action(
        description=_("Re-send the registration confirmation"),
        permissions=["help_candidates"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def resend_confirmation(self, request, queryset):
        return ask_then_apply(
            self,
            request,
            queryset,
            title=_("Re-send the registration confirmation"),
            explanation=_(
                "The candidate gets the registration e-mail again, with its link to a new "
                "voucher number (SS-6). It goes to the e-mail address of the candidate who "
                "registered the voucher, never to you."
            ),
            button=_("Re-send the confirmation"),
            apply=lambda voucher, reason: services.resend_confirmation(
                voucher=voucher, actor=request.user, reason=reason
            ),
            done=ngettext_lazy(
                "Re-sent the registration confirmation for %(count)d voucher.",
                "Re-sent the registration confirmation for %(count)d vouchers.",
                "count",
            ),
            describe=describe_voucher,
        )

    @admin.action(
        description=_("Reissue the number on the candidate's behalf"),
        permissions=["help_candidates"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def reissue_number(self, request, queryset):
        return ask_then_apply(
            self,
            request,
            queryset,
            title=_("Reissue the number on the candidate's behalf"),
            explanation=_(
                "The voucher gets a new number, which is e-mailed to the candidate who "
                "registered it, and is shown to nobody here. Every earlier number stops "
                "working at once; nothing else about the voucher changes (SS-6)."
            ),
            button=_("Reissue the number"),
            apply=lambda voucher, reason: services.reissue_number_on_behalf(
                voucher=voucher, actor=request.user, reason=reason
            ),
            done=ngettext_lazy(
                "Reissued the number of %(count)d voucher; each new number went to the "
                "candidate's e-mail.",
                "Reissued the number of %(count)d vouchers; each new number went to the "
                "candidate's e-mail.",
                "count",
            ),
            describe=describe_voucher,
        )
