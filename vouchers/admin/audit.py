"""The audit trail (SS-12): read-only for every staff role, in every admin.

Nobody adds, changes or deletes an event here; the workflows write them. An
account manager sees the events of their own customers' vouchers only. Whoever
may not read customers (exam administrators) sees no customer column and
cannot search by a customer's name: the trail is no way round a permission.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice import roles
from backoffice.display import cut
from backoffice.paging import BoundedCountAdmin
from backoffice.site import is_id

from ..models import VoucherEvent
from .history import name_details
from .packs import masked_link, short_masked
from .scoping import CustomerScopedAdmin, ReadOnlyMixin
from .support import details_text


class ActorFilter(admin.SimpleListFilter):
    """Who acted: one line per staff member who can act on the vouchers in view, then
    candidates, the system.

    The staff are read through their own index, not found in the trail: looking
    for who acted among an account manager's events read them all.
    Other account managers never act on this one's customers' vouchers.
    """

    title = _("actor")
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True).order_by("email")
        if not roles.sees_every_customer(request.user):
            others = Q(groups__name=roles.ACCOUNT_MANAGERS) & ~Q(pk=request.user.pk)
            staff = staff.exclude(others)
        return [
            *[(str(user.pk), user.email) for user in staff],
            ("candidates", _("Candidates")),
            ("system", _("The system")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "candidates":
            return queryset.filter(actor__is_staff=False)
        if value == "system":
            return queryset.filter(actor__isnull=True)
        if value and is_id(value):
            return queryset.filter(actor=value)
        return queryset


@admin.register(VoucherEvent)
class VoucherEventAdmin(ReadOnlyMixin, BoundedCountAdmin, CustomerScopedAdmin):
    account_manager_path = "voucher__pack__customer__account_manager"
    list_display = ["at", "action", "voucher_number", "customer", "actor", "details_text"]
    # On the event's page every value is whole; in the list the long ones are cut.
    CUT = {"customer": "customer_cut", "actor": "actor_cut", "details_text": "details_cut"}
    # The date filter reads the index newest first; a date hierarchy would list the
    # years, months and days with a DISTINCT over every event in view.
    list_filter = ["action", ActorFilter, "at"]
    search_fields = [
        "=voucher__number_last4",
        "actor__email",
        "voucher__registered_by__email",
        "voucher__pack__customer__name",
    ]
    search_help_text = _(
        "A voucher's last four characters, the e-mail of who acted or of the candidate, "
        "or a customer's name."
    )
    ordering = ["-at", "-pk"]

    def get_queryset(self, request):
        # A row, and an event's page, show its voucher, pack, customer and actor.
        return super().get_queryset(request).select_related("voucher__pack__customer", "actor")

    def shown(self, request):
        """The values the staff member may read, in the list and on the event's page."""
        shown = self.list_display
        if not request.user.has_perm("vouchers.view_customer"):
            shown = [f for f in shown if f != "customer"]
        if not request.user.has_perm("vouchers.view_voucher"):
            shown = [("voucher_masked" if f == "voucher_number" else f) for f in shown]
        return shown

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        name_details(changelist.result_list)  # every name on the page in three queries
        return changelist

    def get_search_fields(self, request):
        if request.user.has_perm("vouchers.view_customer"):
            return self.search_fields
        return [f for f in self.search_fields if not f.startswith("voucher__pack__customer")]

    def get_list_display(self, request):
        return [self.CUT.get(name, name) for name in self.shown(request)]

    def get_fields(self, request, obj=None):
        return self.shown(request)

    def get_readonly_fields(self, request, obj=None):
        return self.shown(request)

    @admin.display(description=_("voucher"))
    def voucher_number(self, event):
        return masked_link(event.voucher)

    @admin.display(description=_("voucher"))
    def voucher_masked(self, event):
        return short_masked(event.voucher)

    @admin.display(description=_("customer"), ordering="voucher__pack__customer__name")
    def customer(self, event):
        return event.voucher.pack.customer

    @admin.display(description=_("details"))
    def details_text(self, event):
        return details_text(event)

    @admin.display(description=_("customer"), ordering="voucher__pack__customer__name")
    def customer_cut(self, event):
        return cut(event.voucher.pack.customer)

    @admin.display(description=_("actor"), ordering="actor__email")
    def actor_cut(self, event):
        return cut(event.actor)

    @admin.display(description=_("details"))
    def details_cut(self, event):
        return cut(details_text(event), wide=True)
