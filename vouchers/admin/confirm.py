"""Admin actions that ask a question first (a reason, an outcome) on a page of their own.

The page lists what the action will act on and posts back to the same action
with the answer; then the workflow runs once per object, and each refusal is
reported next to the object it concerns. Works from the changelist and from
the change page (Django's change-form actions).
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..errors import Refused

CONFIRMED = "_confirmed"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        label=_("Reason"),
        help_text=_(
            "Written to each voucher's audit trail with your name. The candidate can read it "
            "in their data export: write no one's name or e-mail address here."
        ),
        error_messages={"required": _("Say why, for the audit trail.")},
    )


def _carried(request) -> list[tuple[str, str]]:
    """Return the POST fields that route the answer back to the same action and objects."""
    carried = []
    for name in request.POST:
        if name in {"action", "index", "select_across", helpers.ACTION_CHECKBOX_NAME} or (
            name.startswith("CHANGE_FORM-")
        ):
            carried += [(name, value) for value in request.POST.getlist(name)]
    return carried


def ask_then_apply(
    modeladmin,
    request,
    queryset,
    *,
    title: str,
    explanation: str,
    button: str,
    apply: Callable[..., object],
    done,
    form_class: type[forms.Form] = ReasonForm,
    describe: Callable[[object], str] = str,
):
    """Ask the form's question; once answered, call ``apply(obj, **answer)`` for each object.

    Returns the question page, or None once applied (Django then goes back to
    where the action was chosen). ``done`` is an ``ngettext_lazy`` message whose
    number is named ``count``.
    """
    form = form_class(request.POST if CONFIRMED in request.POST else None)
    if form.is_bound and form.is_valid():
        succeeded = 0
        for obj in queryset:
            try:
                apply(obj, **form.cleaned_data)
            except Refused as refusal:
                modeladmin.message_user(
                    request,
                    gettext("%(object)s: %(refusal)s")
                    % {"object": describe(obj), "refusal": refusal.message},
                    messages.ERROR,
                )
            else:
                succeeded += 1
        if succeeded:
            modeladmin.message_user(request, done % {"count": succeeded}, messages.SUCCESS)
        return None

    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "explanation": explanation,
        "button": button,
        "objects": [describe(obj) for obj in queryset],
        "form": form,
        "carried": _carried(request),
        "confirmed_field": CONFIRMED,
        "opts": opts,
        "back_url": request.get_full_path(),
    }
    return TemplateResponse(request, "admin/backoffice/ask_then_apply.html", context)
