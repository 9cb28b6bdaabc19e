"""Admin form pieces shared by the back office."""

import re

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

_ID = re.compile(r"[0-9]{1,18}")


class WrittenSelect(forms.Select):
    """Django's select box, writing the same HTML as its templates in Python.

    A list page draws a few boxes on every request (its autocomplete filters, its
    actions), and the template engine was most of a box's cost: Django's select
    includes a template for each option and another for each one's attributes. A box
    with named groups of options is left to Django's templates.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = (option for _, group, _ in widget["optgroups"] for option in group)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>\n',
                ((str(o["value"]), _attributes(o["attrs"]), shown(o["label"])) for o in options),
            ),
        )


class WrittenHiddenInput(forms.HiddenInput):
    """Django's hidden input, written as its template writes it (``WrittenSelect``)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            value,
            _attributes(widget["attrs"]),
        )


class SafeAutocompleteSelect(WrittenSelect, AutocompleteSelect):
    """The admin's autocomplete, able to show a form again when a value is no id.

    Django's widget looks the raw submitted value up to render the chosen
    option, so "abc" or 2**63 became a server error instead of the field's own
    "Select a valid choice" message. Written in Python as ``WrittenSelect``.
    """

    def optgroups(self, name, value, attr=None):
        value = [v for v in value if _ID.fullmatch(str(v))]
        if not value and not self.is_required:
            # Nothing chosen: only the empty option, without compiling a lookup of nothing.
            return [(None, [self.create_option(name, "", "", False, 0)], 0)]
        return super().optgroups(name, value, attr)


def shown(value) -> SafeString:
    """A value as ``{{ value }}`` writes it: a date or time in the current time zone, a
    date or number in the language's format, escaped unless it is safe already."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attributes(attrs: dict) -> str:
    """The attributes as Django's ``attrs.html`` writes them: in order, True bare, False left out
    (``flatatt`` sorts them)."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(" {}", name)
                if value is True
                else format_html(' {}="{}"', name, str(value)),
            )
            for name, value in attrs.items()
            if value is not False
        ),
    )


class SafeAutocompleteMixin:
    """Use ``SafeAutocompleteSelect`` for the ModelAdmin's ``autocomplete_fields``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
