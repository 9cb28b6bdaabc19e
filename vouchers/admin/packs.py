"""The account manager's packs: issuing one, handing its numbers over once, usage, voiding.

Issuing calls ``services.issue_pack``; a refusal (SS-7: Second Shot with a
discount or promotion) is shown on the form with its reason and nothing is
created. The numbers are then shown once (``handover``); afterwards only
their last four characters appear anywhere. A pack or voucher is never
deleted: its vouchers are voided through ``services.void_voucher``, which
writes the audit trail (SS-12).
"""

import re

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import csrf_protect_m
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from backoffice import roles
from backoffice.actions import ActionButtonsAdmin, ListCheckboxesAdmin
from backoffice.display import cut
from backoffice.filters import AutocompleteFilter, AutocompleteFiltersAdmin
from backoffice.paging import BoundedCountAdmin, FirstRowsInline
from backoffice.rows import WrittenRowsAdmin
from backoffice.widgets import SafeAutocompleteMixin
from core.typed import CodeField
from core.validators import validate_within_reach

from .. import services
from ..clock import anywhere_on_earth_date
from ..errors import Reason, Refused
from ..models import Customer, ExamPack, Voucher
from ..usage import pack_usage
from . import handover
from .confirm import ask_then_apply
from .scoping import CustomerScopedAdmin, ReadOnlyInline

# Where on the issue form a refusal belongs; None is the top of the form.
REFUSAL_FIELDS = {
    Reason.BAD_EXAM_COUNT: "exam_count",
    Reason.EXPIRY_IN_PAST: "expires_on",
    Reason.EXPIRY_TOO_FAR: "expires_on",
    Reason.NEGATIVE_PRICE: "list_price",
}


class IssuePackForm(forms.ModelForm):
    class Meta:
        model = ExamPack
        fields = [
            "customer",
            "exam_count",
            "expires_on",
            "is_second_shot",
            "list_price",
            "currency",
            "discount_percent",
            "promotion",
        ]
        help_texts = {
            "is_second_shot": _(
                "Each exam comes with one free retake. Cannot be combined with a discount "
                "or another promotion."
            ),
            "currency": _("Three letters, such as USD or EUR."),
        }
        field_classes = {"currency": CodeField}

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        validate_within_reach(expires_on)
        return expires_on

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError(gettext("A currency is three letters, such as USD or EUR."))
        return currency

    def validate_constraints(self):
        """Leave the pack's rules (its size, its price, SS-7) to ``issue_pack``, which
        refuses with a reason a person can act on, put next to its field
        (``REFUSAL_FIELDS``). The database constraints stand behind the workflow."""


def masked_link(voucher) -> str:
    """The voucher's masked number on one line (``…7KQ4``), linked to its page."""
    url = reverse("admin:vouchers_voucher_change", args=[voucher.pk])
    return format_html(
        '<a href="{}" title="{}">{}</a>', url, voucher.masked_number, voucher.short_masked_number
    )


def short_masked(voucher) -> str:
    """The voucher's masked number on one line (``…7KQ4``), for a reader who may not open it."""
    return format_html(
        '<span title="{}">{}</span>', voucher.masked_number, voucher.short_masked_number
    )


class VoucherInline(FirstRowsInline, ReadOnlyInline):
    """The pack's first vouchers; a pack of up to 10,000 has the voucher list for the rest."""

    model = Voucher
    fields = ["voucher", "registered_by", "registered_at", "status", "voided_at"]
    readonly_fields = fields
    show_change_link = False
    ordering = ["pk"]

    def rest_of_list(self, pack) -> str:
        url = reverse("admin:vouchers_voucher_changelist")
        total = pack.vouchers_total
        return format_html(
            '{} <a href="{}?pack__id__exact={}">{}</a>',
            ngettext(
                "The first %(shown)s of the pack's %(total)s voucher.",
                "The first %(shown)s of the pack's %(total)s vouchers.",
                total,
            )
            % {"shown": self.rows, "total": total},
            url,
            pack.pk,
            gettext("See them all in the voucher list"),
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("pack", "registered_by")
            .prefetch_related("bookings__sitting")
        )

    @admin.display(description=_("voucher"))
    def voucher(self, voucher):
        return masked_link(voucher)

    @admin.display(description=_("status"))
    def status(self, voucher):
        return voucher.status(at=timezone.now()).label


class ExpiryFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [("running", _("Not expired")), ("expired", _("Expired"))]

    def queryset(self, request, queryset):
        today = anywhere_on_earth_date(timezone.now())
        if self.value() == "running":
            return queryset.filter(expires_on__gte=today)
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        return queryset


def _with_usage(changelist):
    """The admin's list of packs, each row of the page with its usage figures, read in
    one statement once the page is (``usage.pack_usage``)."""

    class PackChangeList(changelist):
        def get_results(self, request):
            super().get_results(request)
            self.result_list = pack_usage(list(self.result_list))

    return PackChangeList


@admin.register(ExamPack)
class ExamPackAdmin(
    ActionButtonsAdmin,
    ListCheckboxesAdmin,
    WrittenRowsAdmin,
    SafeAutocompleteMixin,
    handover.HandOverViews,
    AutocompleteFiltersAdmin,
    BoundedCountAdmin,
    CustomerScopedAdmin,
):
    account_manager_path = "customer__account_manager"
    customer_column = "customer_id"
    form = IssuePackForm
    add_fieldsets = [
        (None, {"fields": ["customer", "exam_count", "expires_on", "is_second_shot"]}),
        (_("Price"), {"fields": ["list_price", "currency", "discount_percent", "promotion"]}),
    ]
    fieldsets = [
        (None, {"fields": ["customer", "exam_count", "expires_on", "is_second_shot", "usage"]}),
        (_("Price"), {"fields": ["list_price", "currency", "discount_percent", "promotion"]}),
        (_("History"), {"fields": ["issued_by", "issued_at", "candidate", "tied_at"]}),
    ]
    readonly_fields = ["usage"]
    autocomplete_fields = ["customer"]
    inlines = [VoucherInline]
    # Narrow enough to read at a glance, at 1280 px with the sidebar open: the exam
    # count is in "registered" (2 of 3), a plain pack shows "—" for retakes, and the
    # candidate a pack is tied to is on its page (and found by the search).
    list_display = [
        "pack",
        "customer_cut",
        "expires",
        "registered",
        "booked",
        "passed",
        "retakes",
        "expired_unused",
    ]
    list_display_links = ["pack"]
    # No date hierarchy: its years, months and days are a DISTINCT over every pack in view.
    list_filter = [
        ExpiryFilter,
        "is_second_shot",
        "issued_at",
        ("customer", AutocompleteFilter),
    ]
    search_fields = ["=id", "customer__name", "candidate__email"]
    search_help_text = _(
        "A pack number, a customer's name or the e-mail of the candidate using it."
    )
    ordering = ["-issued_at", "-pk"]
    actions = ["void_packs"]
    button_labels = {"void_packs": _("Void every voucher of this pack")}
    # A screenful at 1280 px: an account manager watches their newest packs, and finds
    # an older one by customer, expiry or search rather than by paging. Each row costs
    # its usage counts and its rendering: 25 rows against 50 took the page from 25 to
    # 20 ms, what brings it under 100 ms with 8 staff at once (bench/README.md).
    list_per_page = 25

    def get_queryset(self, request):
        # The customer is in every pack's name, which the list and the autocomplete
        # show. (Selected here, list_select_related would be ignored.) The candidate a
        # pack is tied to is on its page only: read there, not for every row of the list.
        # The usage figures are read for the rows shown (PackChangeList, get_object).
        return super().get_queryset(request).select_related("customer")

    def get_changelist(self, request, **kwargs):
        return _with_usage(super().get_changelist(request, **kwargs))

    def get_object(self, request, object_id, from_field=None):
        pack = super().get_object(request, object_id, from_field)
        return pack if pack is None else pack_usage([pack])[0]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def has_change_permission(self, request, obj=None):
        return False  # a pack changes only through the workflows

    def has_delete_permission(self, request, obj=None):
        return False  # void its vouchers instead

    def has_void_permission(self, request):
        return request.user.has_perm(roles.CAN_VOID_VOUCHERS)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "customer":
            kwargs["queryset"] = self.admin_site.get_model_admin(Customer).get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        today = timezone.now().date()
        return {
            "exam_count": 3,
            "expires_on": today.replace(year=today.year + 1, day=min(today.day, 28)),
            **super().get_changeform_initial_data(request),
        }

    # --- the list: usage at a glance, from the annotations -----------------------

    @admin.display(description=_("pack"), ordering="pk")
    def pack(self, pack):
        return f"#{pack.pk}"

    @admin.display(description=_("customer"), ordering="customer__name")
    def customer_cut(self, pack):
        return cut(pack.customer)

    @admin.display(description=_("expires"), ordering="expires_on")
    def expires(self, pack):
        return pack.expires_on

    @admin.display(description=_("registered"))
    def registered(self, pack):
        return gettext("%(registered)s of %(total)s") % {
            "registered": pack.vouchers_registered,
            "total": pack.vouchers_total,
        }

    @admin.display(description=_("booked"))
    def booked(self, pack):
        return pack.vouchers_booked

    @admin.display(description=_("passed"))
    def passed(self, pack):
        return pack.vouchers_passed

    @admin.display(description=_("retakes used"))
    def retakes(self, pack):
        return pack.retakes_used if pack.is_second_shot else gettext("— (plain pack)")

    @admin.display(description=_("expired unused"))
    def expired_unused(self, pack):
        today = anywhere_on_earth_date(timezone.now())
        return pack.vouchers_unused if pack.is_expired(on=today) else "—"

    @admin.display(description=_("usage"))
    def usage(self, pack):
        return gettext(
            "%(total)s vouchers: %(registered)s registered, %(booked)s booked, "
            "%(passed)s passed, %(retakes)s retakes used"
        ) % {
            "total": pack.vouchers_total,
            "registered": pack.vouchers_registered,
            "booked": pack.vouchers_booked,
            "passed": pack.vouchers_passed,
            "retakes": pack.retakes_used,
        }

    # --- issuing -----------------------------------------------------------------

    @csrf_protect_m
    def add_view(self, request, form_url="", extra_context=None):
        """Issue a pack through the workflow; a refusal goes on the form, nothing is created."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        fieldsets = self.get_fieldsets(request)
        IssueForm = self.get_form(request, None, change=False, fields=flatten_fieldsets(fieldsets))
        if request.method == "POST":
            form = IssueForm(request.POST)
            if form.is_valid():
                try:
                    issued = services.issue_pack(issued_by=request.user, **form.cleaned_data)
                except Refused as refusal:
                    form.add_error(REFUSAL_FIELDS.get(refusal.code), refusal.message)
                else:
                    self.log_addition(request, issued.pack, [{"added": {}}])
                    handover.keep(request, issued)
                    return redirect("admin:vouchers_exampack_numbers", issued.pack.pk)
        else:
            form = IssueForm(initial=self.get_changeform_initial_data(request))

        admin_form = helpers.AdminForm(form, list(fieldsets), {}, model_admin=self)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Issue an exam pack"),
            "adminform": admin_form,
            "object_id": None,
            "original": None,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=True, form_url=form_url)

    # --- voiding ---------------------------------------------------------------------

    @admin.action(
        description=_("Void every voucher of the selected packs"),
        permissions=["void"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def void_packs(self, request, queryset):
        vouchers = Voucher.objects.filter(pack__in=queryset.values("pk"), voided_at__isnull=True)
        return void(self, request, vouchers, of_packs=True)


def void(modeladmin, request, vouchers, *, of_packs=False):
    """Ask for a reason, then void each voucher through the workflow (SS-12)."""
    vouchers = vouchers.select_related("pack__customer", "registered_by")
    if of_packs:
        explanation = _(
            "Voiding cancels every voucher of the selected packs for good: they can no longer "
            "be registered or booked, and a booked sitting is cancelled and its seat freed. "
            "Nothing is deleted; each voucher's audit trail records who voided it and why."
        )
    else:
        explanation = _(
            "Voiding cancels the selected vouchers for good: they can no longer be registered "
            "or booked, and a booked sitting is cancelled and its seat freed. Nothing is "
            "deleted; each voucher's audit trail records who voided it and why."
        )
    return ask_then_apply(
        modeladmin,
        request,
        vouchers,
        title=_("Void vouchers"),
        explanation=explanation,
        button=_("Void these vouchers"),
        apply=lambda voucher, reason: services.void_voucher(
            voucher=voucher, actor=request.user, reason=reason
        ),
        done=ngettext_lazy("Voided %(count)d voucher.", "Voided %(count)d vouchers.", "count"),
        describe=describe_voucher,
    )


def describe_voucher(voucher) -> str:
    params = {
        "number": voucher.masked_number,
        "pack": voucher.pack_id,
        "customer": voucher.pack.customer,
        "candidate": voucher.registered_by,
    }
    if voucher.registered_by_id:
        return (
            gettext(
                "Voucher %(number)s of pack #%(pack)s (%(customer)s), registered to %(candidate)s"
            )
            % params
        )
    return gettext("Voucher %(number)s of pack #%(pack)s (%(customer)s)") % params
