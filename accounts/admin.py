from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backoffice.paging import BoundedCountAdmin

from .models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BoundedCountAdmin, BaseUserAdmin):
    """People who sign in. Superusers keep every account; support staff find candidates.

    Anyone else with access (support) sees candidates only, read-only, without
    passwords or permissions: staff accounts are the superusers' to keep.
    """

    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "legal_name", "is_staff", "is_active", "date_joined", "vouchers"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "legal_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["legal_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        ),
    ]

    candidate_fieldsets = [
        (None, {"fields": ["email", "legal_name", "is_active", "vouchers"]}),
        (_("Important dates"), {"fields": ["email_verified_at", "last_login", "date_joined"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_staff=False)

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.candidate_fieldsets

    def get_readonly_fields(self, request, obj=None):
        return ["vouchers", "email_verified_at", *super().get_readonly_fields(request, obj)]

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return ["email", "legal_name", "is_active", "date_joined", "vouchers"]

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else ["is_active"]

    @admin.display(description=_("vouchers"))
    def vouchers(self, user):
        if user.is_staff:
            return "—"
        url = reverse("admin:vouchers_voucher_changelist")
        return format_html(
            '<a href="{}?registered_by__id__exact={}">{}</a>', url, user.pk, gettext("vouchers")
        )
