"""A long list's rows written in Python, one string a row (``docs/backoffice.md``).

Django's admin draws a list's cells through ``items_for_result``: for every cell it
asks again whether the column is a model field, an attribute or a method of the
admin, formats the value, reverses the row's address, and the template then renders
every cell on its own. At fifty rows of nine columns that was a third of the pack
list's time. ``WrittenRowsAdmin`` writes the same HTML: each column is looked up
once a page, the row's address reversed once with a stand-in for the id, and each
row handed to the template as one string.

It writes a list whose columns are all methods of the admin (as the long lists'
are, each naming what it shows); an editable list, a popup or any other column is
left to Django.
"""

import datetime
import html
from dataclasses import dataclass

from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.templatetags.admin_list import result_list as djangos_result_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_value
from django.core.exceptions import FieldDoesNotExist
from django.db.models import IntegerField
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

# Stands for a row's id in the address of its page, reversed once a list.
ROW = "__row__"
# The types of value written once a page (``written_rows``).
WRITTEN_ALIKE = frozenset({int, str, SafeString, datetime.date})


@dataclass(frozen=True)
class Column:
    method: object
    css: str
    links: bool
    empty: str
    boolean: bool


class WrittenRowsAdmin:
    """Mix into a ModelAdmin with a long list: its rows are written by ``written_rows``."""

    change_list_template = "admin/backoffice/change_list.html"


def columns(cl) -> list[Column] | None:
    """The list's columns, each looked up once; None if one is not a method of the admin."""
    model_admin = cl.model_admin
    if cl.formset is not None or cl.is_popup or not isinstance(cl.lookup_opts.pk, IntegerField):
        return None  # an id that is not a number is quoted for its address: Django's rows
    found = []
    links = cl.list_display_links
    for index, name in enumerate(cl.list_display):
        if not isinstance(name, str) or not callable(getattr(model_admin, name, None)):
            return None
        try:
            cl.lookup_opts.get_field(name)
        except FieldDoesNotExist:
            pass
        else:
            return None  # a model field of that name comes first for Django
        method = getattr(model_admin, name)
        found.append(
            Column(
                method=method,
                css="action-checkbox" if name == "action_checkbox" else f"field-{name}",
                links=links is not None and (name in links or (not links and index == 0)),
                empty=getattr(method, "empty_value_display", model_admin.get_empty_value_display()),
                boolean=getattr(method, "boolean", False),
            )
        )
    return found


def written_rows(cl) -> list[ResultList] | None:
    """The list's rows as Django's ``items_for_result`` writes them, each one string; None
    for a list this does not write (``columns``)."""
    written = columns(cl)
    if written is None:
        return None
    try:
        address = reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=[ROW],
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        address = None
    else:
        address = add_preserved_filters(
            {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, address
        )
    rows = []
    # A value is written once a page: a list repeats the same small counts, dates and
    # names row after row, and Django formats each number and date for the language
    # again (about 1 ms of the pack list's page). Only values whose equals are
    # written alike (not decimals: 1.0 and 1.00 are equal).
    shown_as: dict = {}
    for result in cl.result_list:
        cells = []
        linked = False
        for column in written:
            value = column.method(result)
            key = None
            if type(value) in WRITTEN_ALIKE:
                key = (column.empty, column.boolean, type(value), value)
            shown = shown_as.get(key) if key is not None else None
            if shown is None:
                shown = display_for_value(value, column.empty, column.boolean)
                if not hasattr(shown, "__html__"):
                    shown = html.escape(str(shown))
                if key is not None:
                    shown_as[key] = shown
            css = column.css
            if isinstance(value, datetime.date | datetime.time):
                css += " nowrap"
            if column.links:
                tag = "td" if linked else "th"
                linked = True
                if address is not None:
                    url = html.escape(address.replace(ROW, str(result.pk)))
                    shown = f'<a href="{url}">{shown}</a>'
                cells.append(f'<{tag} class="{css}">{shown}</{tag}>')
            else:
                cells.append(f'<td class="{css}">{shown}</td>')
        rows.append(ResultList(None, [SafeString("".join(cells))]))
    return rows


def result_list(cl) -> dict:
    """Django's ``result_list`` context, the rows written by ``written_rows`` when it can."""
    rows = written_rows(cl)
    if rows is None:
        return djangos_result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
    }
