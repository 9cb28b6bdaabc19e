"""Who sees which rows: account managers see only their own customers' (SPEC "What each
person sees").

The narrowing is in ``get_queryset``, which the changelist, the change and
history pages, actions, list filters and autocompletes all start from, so a
typed URL to another manager's object is answered as Django answers any
object outside the queryset: a redirect with "doesn't exist".
"""

from django.contrib import admin

from secondshot import roles


class CustomerScopedAdmin(admin.ModelAdmin):
    """An admin whose rows belong to a customer, and so to that customer's account manager."""

    # The lookup from the model to the customer's account manager.
    account_manager_path: str

    # The list filter on the customer, if the list has one: it links every customer
    # in view, an account manager's few hundred, but every customer (tens of
    # thousands) for those who see them all; they search by the customer's name.
    customer_filter_path: str | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.sees_every_customer(request.user):
            return queryset
        return queryset.filter(**{self.account_manager_path: request.user})

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if self.customer_filter_path is None or not roles.sees_every_customer(request.user):
            return list_filter
        return [
            entry
            for entry in list_filter
            if not (isinstance(entry, tuple) and entry[0] == self.customer_filter_path)
        ]


class ReadOnlyMixin:
    """Nothing is added, edited or deleted through this admin's forms (workflows do it)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True
