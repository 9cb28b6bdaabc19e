"""Who sees which rows: account managers see only their own customers' (SPEC "What each
person sees").

The narrowing is in ``get_queryset``, which the changelist, the change and
history pages, actions, list filters and autocompletes all start from, so a
typed URL to another manager's object is answered as Django answers any
object outside the queryset: a redirect with "doesn't exist".
"""

from django.contrib import admin

from backoffice import roles
from backoffice.paging import FirstRowsFormSet


class CustomerScopedAdmin(admin.ModelAdmin):
    """An admin whose rows belong to a customer, and so to that customer's account manager."""

    # The lookup from the model to the customer's account manager.
    account_manager_path: str

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.sees_every_customer(request.user):
            return queryset
        return queryset.filter(**{self.account_manager_path: request.user})


class ReadOnlyMixin:
    """Nothing is added, edited or deleted through this admin's forms (workflows do it)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    formset = FirstRowsFormSet  # all of them, unless the inline says how many (FirstRowsInline)
    extra = 0
    can_delete = False
    show_change_link = True
