"""Support's side: the candidates' requests (open ones first), a reply form on each
request's page that e-mails the reply, closing a request; the legal name corrected
from the candidate's page; and support's trail, read-only.

Only support staff and superusers reach them: the Support group holds the
permissions (migration 0002). Every change goes through ``services``.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backoffice.paging import BoundedCountAdmin
from privacy.admin import AccountEventAdmin, AccountTrailInline
from privacy.admin import UserAdmin as PrivacyUserAdmin

from . import services
from .errors import Refused
from .forms import LegalNameForm, ReplyForm
from .models import SupportEvent, SupportReply, SupportRequest

User = get_user_model()
CAN_ANSWER = "support.change_supportrequest"
CAN_CORRECT_NAMES = "support.correct_legal_name"


class StatusFilter(admin.SimpleListFilter):
    """Open requests unless another status is chosen: the list is support's to-do list."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*SupportRequest.Status.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or SupportRequest.Status.OPEN

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() in SupportRequest.Status.values:
            return queryset.filter(status=self.value())
        return queryset


class ReplyInline(admin.TabularInline):
    model = SupportReply
    fields = ["created_at", "author", "message", "emailed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(BoundedCountAdmin):
    list_display = ["created_at", "subject", "candidate_link", "voucher_number", "status"]
    list_display_links = ["subject"]
    list_filter = [StatusFilter]
    search_fields = ["candidate__email", "subject"]
    fields = ["created_at", "candidate_link", "voucher_number", "status", "subject", "message"]
    readonly_fields = fields
    inlines = [ReplyInline]
    change_form_template = "admin/support/supportrequest_change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("candidate", "voucher")

    def get_ordering(self, request):
        # Open requests: the one waiting longest first. Others: the newest first.
        status = request.GET.get(StatusFilter.parameter_name) or SupportRequest.Status.OPEN
        return ["created_at", "pk"] if status == SupportRequest.Status.OPEN else ["-created_at"]

    @admin.display(description=_("candidate"), ordering="candidate__email")
    def candidate_link(self, request_):
        url = reverse("admin:accounts_user_change", args=[request_.candidate_id])
        return format_html('<a href="{}">{}</a>', url, request_.candidate.email)

    @admin.display(description=_("voucher"))
    def voucher_number(self, request_):
        if request_.voucher is None:
            return "—"
        url = reverse("admin:vouchers_voucher_change", args=[request_.voucher_id])
        return format_html('<a href="{}">{}</a>', url, request_.voucher.masked_number)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="support_supportrequest_reply",
            ),
            path(
                "<path:object_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name="support_supportrequest_close",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_answer"] = obj is not None and request.user.has_perm(CAN_ANSWER)
        context["reply_form"] = context.get("reply_form") or ReplyForm()
        # Nothing here is edited through the form: replying and closing are the actions.
        context.update(
            show_save=False, show_save_and_continue=False, show_delete=False, show_close=False
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def _request(self, request, object_id):
        if not request.user.has_perm(CAN_ANSWER):
            raise PermissionDenied
        return self.get_object(request, object_id)

    def reply_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        support_request = self._request(request, object_id)
        if support_request is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                services.reply_to_request(
                    request=support_request,
                    author=request.user,
                    message=form.cleaned_data["message"],
                )
            except Refused as refusal:
                form.add_error("message", refusal.message)
            else:
                self.message_user(
                    request,
                    gettext("The reply is on its way to %(email)s; the request is answered.")
                    % {"email": support_request.candidate.email},
                    messages.SUCCESS,
                )
                return redirect("admin:support_supportrequest_change", support_request.pk)
        return self._show_with_form(request, object_id, form)

    def _show_with_form(self, request, object_id, form):
        """The request's page again, with the reply form and its errors (a GET render)."""
        request.method = "GET"
        response = self.change_view(request, object_id, extra_context={"reply_form": form})
        response.status_code = 200
        return response

    def close_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        support_request = self._request(request, object_id)
        if support_request is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        services.close_request(request=support_request, actor=request.user)
        self.message_user(request, gettext("The request is closed."), messages.SUCCESS)
        return redirect("admin:support_supportrequest_changelist")


class SupportTrailInline(AccountTrailInline):
    """What support did for the person, on their page: read-only, as every trail is."""

    model = SupportEvent
    verbose_name_plural = _("support events")


class UserAdmin(PrivacyUserAdmin):
    """The user's page, with support's "Correct the legal name" besides privacy's buttons."""

    change_form_template = "admin/support/user_change_form.html"
    inlines = [*PrivacyUserAdmin.inlines, SupportTrailInline]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/legal-name/",
                self.admin_site.admin_view(self.legal_name_view),
                name="accounts_user_legal_name",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_correct_legal_name"] = request.user.has_perm(CAN_CORRECT_NAMES)
        return super().render_change_form(request, context, *args, **kwargs)

    def legal_name_view(self, request, object_id):
        if not request.user.has_perm(CAN_CORRECT_NAMES):
            raise PermissionDenied
        person = self.get_object(request, object_id)
        if person is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = LegalNameForm(
            request.POST if request.method == "POST" else None,
            initial={"legal_name": person.legal_name},
        )
        if form.is_bound and form.is_valid():
            try:
                services.correct_legal_name(
                    person=person,
                    actor=request.user,
                    legal_name=form.cleaned_data["legal_name"],
                    reason=form.cleaned_data["reason"],
                )
            except Refused as refusal:
                form.add_error("legal_name", refusal.message)
            else:
                self.message_user(
                    request, gettext("The legal name is corrected."), messages.SUCCESS
                )
                return redirect("admin:accounts_user_change", person.pk)
        return self._ask(
            request,
            person,
            form,
            title=_("Correct the legal name"),
            explanation=_(
                "The name must match the candidate's photo ID exactly: test centres check it. "
                "Correct it only when the candidate asked, and you have seen what it should be."
            ),
            button=_("Correct the legal name"),
        )


admin.site.unregister(User)
admin.site.register(User, UserAdmin)


@admin.register(SupportEvent)
class SupportEventAdmin(AccountEventAdmin):
    """Support's trail: requests sent, answered and closed, legal names corrected;
    read-only for everyone, as the account's trail is."""

    fields = ["at", "action", "person_link", "request", "actor", "reason", "details"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("request")


from . import start  # noqa: E402, F401  (support's part of the start page)
