"""Support's side: a candidate's data exported or erased on their request, from the
candidate's page in the back office, each with a reason; and the account trail, read-only.

The buttons are added to the accounts' own admin of the User (a subclass registered
in its place: ``accounts`` cannot know of this app). Only support staff and
superusers may use them (``privacy.handle_privacy_requests``, granted to the
Support group by migration 0003).
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin as AccountsUserAdmin
from backoffice.paging import BoundedCountAdmin

from . import services
from .downloads import json_download
from .errors import Refused
from .forms import SupportEraseForm, SupportReasonForm
from .models import AccountEvent

User = get_user_model()
CAN_HANDLE_REQUESTS = "privacy.handle_privacy_requests"


class AccountTrailInline(admin.TabularInline):
    """The person's exports and erasures, on their page: read-only, as every trail is."""

    model = AccountEvent
    fk_name = "person"
    fields = ["at", "action", "actor", "reason"]
    readonly_fields = fields
    ordering = ["at", "pk"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("personal data requests")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserAdmin(AccountsUserAdmin):
    change_form_template = "admin/privacy/user_change_form.html"
    inlines = [*AccountsUserAdmin.inlines, AccountTrailInline]

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/data/export/",
                self.admin_site.admin_view(self.export_view),
                name=f"{name}_privacy_export",
            ),
            path(
                "<path:object_id>/data/erase/",
                self.admin_site.admin_view(self.erase_view),
                name=f"{name}_privacy_erase",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_handle_privacy_requests"] = request.user.has_perm(CAN_HANDLE_REQUESTS)
        return super().render_change_form(request, context, *args, **kwargs)

    def _person(self, request, object_id):
        """The candidate in the URL, among those the staff member may see, or None."""
        if not request.user.has_perm(CAN_HANDLE_REQUESTS):
            raise PermissionDenied
        return self.get_object(request, object_id)

    def _ask(self, request, person, form, *, title, explanation, button, standing=()):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "explanation": explanation,
            "button": button,
            "person": person,
            "standing": standing,
            "form": form,
            "opts": self.opts,
            "change_url": reverse("admin:accounts_user_change", args=[person.pk]),
        }
        return TemplateResponse(request, "admin/privacy/ask_reason.html", context)

    def export_view(self, request, object_id):
        person = self._person(request, object_id)
        if person is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = SupportReasonForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            data = services.export_personal_data(
                person=person, actor=request.user, reason=form.cleaned_data["reason"]
            )
            return json_download(data)
        return self._ask(
            request,
            person,
            form,
            title=_("Export the candidate's data"),
            explanation=_(
                "A JSON file of everything the portal holds about the candidate downloads here, "
                "for you to send them: their account, vouchers (the last four characters only), "
                "bookings, results, reminders and the history of their vouchers. It holds "
                "nothing of anyone else, staff included."
            ),
            button=_("Export the data"),
        )

    def erase_view(self, request, object_id):
        person = self._person(request, object_id)
        if person is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        now = timezone.now()
        obstacles = services.obstacles_to_erasure(person, at=now)
        form = SupportEraseForm(
            request.POST if request.method == "POST" else None, obstacles=obstacles
        )
        if form.is_bound and form.is_valid():
            try:
                services.erase_person(
                    person=person,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    consents=form.consents(),
                    now=now,
                )
            except Refused as refusal:
                form.add_error(None, refusal.message)
            else:
                self.message_user(
                    request,
                    gettext("The candidate's data is erased; the account is now %(pseudonym)s.")
                    % {"pseudonym": User.objects.get(pk=person.pk).email},
                    messages.SUCCESS,
                )
                return redirect("admin:accounts_user_change", person.pk)
        return self._ask(
            request,
            person,
            form,
            title=_("Erase the candidate's data"),
            explanation=_(
                "Their e-mail address, name, time zone and settings are erased for good; they "
                "can no longer sign in and their voucher numbers stop working. Their vouchers, "
                "bookings, results and audit trail stay, under a pseudonym, counted in the "
                "customer's usage report. Do this only when the candidate asked for it."
            ),
            button=_("Erase the data"),
            standing=[obstacle for obstacle in obstacles if not obstacle.can_be_lifted()],
        )


admin.site.unregister(User)
admin.site.register(User, UserAdmin)


@admin.register(AccountEvent)
class AccountEventAdmin(BoundedCountAdmin):
    """Every export and erasure of a person's data: read-only for everyone."""

    list_display = ["at", "action", "person_link", "actor", "reason"]
    list_filter = ["action", "at"]
    fields = ["at", "action", "person_link", "actor", "reason", "details"]
    readonly_fields = fields
    ordering = ["-at", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "actor")

    @admin.display(description=_("person"))
    def person_link(self, event):
        url = reverse("admin:accounts_user_change", args=[event.person_id])
        return format_html('<a href="{}">{}</a>', url, event.person)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
