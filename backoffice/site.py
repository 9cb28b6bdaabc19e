"""The back office's admin site: Django's, with every submitted selection checked first.

An admin action names its rows in ``_selected_action``: ids the page wrote, but
anyone can post anything there. Django turns what it gets into a lookup of
primary keys and fails with a server error on a value that is no id ("abc",
"²", a number no column can hold). Every admin view, the model admins' and
the project's own, is wrapped by ``admin_view``, so the check is made once
here: a selection that is not all ids is refused with a message, and nothing
is done.

A list's filter in the address is no better: ``?action__exact=%00`` reaches the
database as it is, and PostgreSQL refuses a NUL in any text. A list's address
that carries one is refused the same way, back to the list without its filters.
"""

import re
from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponseRedirect
from django.utils.translation import gettext

from . import roles, start

# An id as the database stores it: ASCII digits only (str.isdigit also takes "²" and
# "١"), and few enough of them for a 64-bit column.
ID = re.compile(r"[0-9]{1,18}")


def has_nul(values) -> bool:
    """Return True if any key or value of the QueryDict holds a NUL character."""
    return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values.lists())


def is_a_list(request) -> bool:
    """Return True if the request is for a model's list, whose address holds its filters
    (a page with a form of its own says what is wrong next to the field)."""
    match = request.resolver_match
    return match is not None and (match.url_name or "").endswith("_changelist")


def is_id(value: str) -> bool:
    """Return True if ``value`` is an id a row could have."""
    return bool(ID.fullmatch(value))


class BackOfficeSite(admin.AdminSite):
    # The index is each role's start page, then the models (backoffice/start.py).
    index_template = "admin/backoffice/index.html"

    def index(self, request, extra_context=None):
        context = {"start_sections": start.sections(request), **(extra_context or {})}
        return super().index(request, context)

    def admin_view(self, view, cacheable=False):
        @wraps(view)
        def checked(request, *args, **kwargs):
            selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
            if request.method == "POST" and not all(is_id(value) for value in selected):
                messages.error(
                    request,
                    gettext("The rows chosen could not be read: please choose them again."),
                )
                return HttpResponseRedirect(request.get_full_path())
            if is_a_list(request) and has_nul(request.GET):
                messages.error(
                    request,
                    gettext("The address could not be read: please choose the filters again."),
                )
                return HttpResponseRedirect(request.path)
            roles.read_access(request.user)
            return view(request, *args, **kwargs)

        return super().admin_view(checked, cacheable)
