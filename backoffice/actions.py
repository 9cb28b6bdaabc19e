"""An object's actions as buttons at the top of its page, instead of Django's drop-down.

Django offers a change page's actions (``ActionLocation.CHANGE_FORM``) in a
drop-down above the form. The back office shows each as a button that posts
the same fields the drop-down would (the action's name and the object's id), so
Django runs the action as before: the action asks its question on a page of its
own, then comes back to the object's page.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.utils.html import format_html
from django.utils.translation import gettext

from .widgets import WrittenHiddenInput, WrittenSelect


class ActionButtonsAdmin:
    """Mix into a ModelAdmin whose change page has actions: each becomes a button."""

    change_form_template = "admin/backoffice/change_form.html"
    # An action's name → its button's label on one object's page, where the list's
    # "the selected vouchers" would read oddly; the action's description otherwise.
    button_labels: dict = {}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        action_form = context.get("action_form")
        if change and action_form is not None:
            choices = self.get_action_choices(
                request, default_choices=[], action_location=admin.ActionLocation.CHANGE_FORM
            )
            context["action_buttons"] = [
                (name, self.button_labels.get(name, description)) for name, description in choices
            ]
            context["action_field"] = action_form["action"].html_name
            context["action_form"] = None  # no drop-down: the buttons post the same fields
        return super().render_change_form(request, context, add, change, form_url, obj)


# Django's own label for a row's box: translated by Django's catalogue, as on every
# other list, so it is named here rather than marked (makemessages would copy it
# into the portal's catalogues).
DJANGO_ROW_BOX_LABEL = "Select this object for an action - {}"


class WrittenActionForm(helpers.ActionForm):
    """Django's form above a list (the action to run on the rows chosen), its two fields
    written in Python (``WrittenSelect``): rendered through the form templates they took
    1.0 ms of a support search's CPU, 0.5 ms written."""

    action = forms.ChoiceField(
        label=helpers.ActionForm.base_fields["action"].label, widget=WrittenSelect
    )
    select_across = forms.BooleanField(
        label="",
        required=False,
        initial=0,
        widget=WrittenHiddenInput({"class": "select-across"}),
    )


class ListCheckboxesAdmin:
    """Mix into a ModelAdmin with a long list: each row's selection box written as one
    string, the same HTML Django's form widget renders through a template for each row;
    and the actions' form above the list likewise (``WrittenActionForm``)."""

    action_form = WrittenActionForm

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext(DJANGO_ROW_BOX_LABEL), str(obj)),
        )
