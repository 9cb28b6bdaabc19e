"""Customers: each account manager keeps their own (SPEC "What each person sees").

A manager adds customers for themselves and never sees another manager's;
only a superuser assigns a customer to a manager. The usage report over a
manager's customers is in ``reports``.
"""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backoffice import roles
from backoffice.filters import StaffFilter
from backoffice.paging import BoundedCountAdmin, FirstRowsInline
from backoffice.widgets import SafeAutocompleteMixin

from ..models import Customer, ExamPack
from .reports import customer_report_view
from .scoping import CustomerScopedAdmin, ReadOnlyInline


class PackInline(FirstRowsInline, ReadOnlyInline):
    """The customer's newest packs; the pack list has them all."""

    model = ExamPack
    fk_name = "customer"
    fields = ["issued_at", "exam_count", "is_second_shot", "expires_on", "candidate"]
    readonly_fields = fields
    ordering = ["-issued_at", "-pk"]
    verbose_name_plural = _("packs")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("candidate")

    def rest_of_list(self, customer) -> str:
        url = reverse("admin:vouchers_exampack_changelist")
        return format_html(
            '{} <a href="{}?customer__id__exact={}">{}</a>',
            gettext("The newest %(shown)s packs.") % {"shown": self.rows},
            url,
            customer.pk,
            gettext("See every pack of this customer in the pack list"),
        )


@admin.register(Customer)
class CustomerAdmin(SafeAutocompleteMixin, BoundedCountAdmin, CustomerScopedAdmin):
    account_manager_path = "account_manager"
    list_display = ["name", "country", "contact_email", "account_manager"]
    list_select_related = ["account_manager"]
    # The countries are a DISTINCT over the customers' own column, a small table.
    list_filter = ["country", ("account_manager", StaffFilter)]
    search_fields = ["name", "contact_email"]
    search_help_text = _("A customer's name or contact e-mail.")
    ordering = ["name"]
    autocomplete_fields = ["account_manager"]
    inlines = [PackInline]

    def get_list_display(self, request):
        if roles.sees_every_customer(request.user):
            return self.list_display
        return [field for field in self.list_display if field != "account_manager"]

    def get_list_filter(self, request):
        if roles.sees_every_customer(request.user):
            return self.list_filter
        return ["country"]

    def get_fields(self, request, obj=None):
        fields = ["name", "contact_email", "country", "account_manager"]
        if obj is None and not request.user.is_superuser:
            fields.remove("account_manager")  # it is the manager adding it
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["account_manager"]

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.account_manager = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        report = path(
            "report/",
            self.admin_site.admin_view(self.report_view),
            name="vouchers_customer_report",
        )
        return [report, *super().get_urls()]

    def report_view(self, request):
        return customer_report_view(self, request)
