"""Lists of big tables in the back office: counted only as far as anyone reads
(``docs/backoffice.md``; the measurements are in ``bench/README.md``).

Django's admin counts every row a list finds, to number its pages, and once
more every row of the table, for "(N total)"; its facets count per filter
choice. Over the audit trail, millions of events, those counts cost most of
a page's time, and they grow with the table.

Here a list counts at most ``rows_counted`` rows from the top of the page being
read (``SELECT COUNT(*) FROM (SELECT … LIMIT n + 1)``): under that it says how
many there are, as before; over it, "more than 1000 vouchers", with the page
links up to there and one past it, so paging on always works (each page counts
the next ``rows_counted`` rows again). The full count and the facets are off.

Why not PostgreSQL's estimate of the table's size (``pg_class.reltuples``)? It
answers only for a whole table: not for an account manager's own customers,
nor for a filter or a search, which are most of what staff open; and SQLite,
which the tests and ``make run`` use, has none. A bounded count is the same
rule for every role, filter and database, and costs at most the rows a person
could page through, however big the table grows.

"Select all N" across pages is offered only for a list that was counted
(``templates/admin/actions.html``): nobody counted the others.
"""

import re

from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property

# The autocomplete's own page parameter: it pages with the admin's paginator too.
AUTOCOMPLETE_PAGE_VAR = "page"


class BoundedPaginator(Paginator):
    """A paginator that counts at most ``counts_up_to`` rows; ``count_is_bounded`` says
    whether the list goes on past them."""

    def __init__(
        self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, counts_up_to
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.counts_up_to = counts_up_to

    @cached_property
    def count(self) -> int:
        """The number of rows, or ``counts_up_to + 1`` when there are more."""
        # Only the keys, unordered: annotations (a pack's usage) and the order
        # would make the database compute and sort before it can stop.
        return self.object_list.order_by().values("pk")[: self.counts_up_to + 1].count()

    @property
    def count_is_bounded(self) -> bool:
        """Return True if there are more rows than were counted."""
        return self.count > self.counts_up_to

    def page(self, number):
        """The page, whole also when it is the last one counted and the list goes on."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.count_is_bounded and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list[bottom:top], number, self)


def page_asked(request) -> int:
    """The page number the request asks for, 1 when it asks for none or nonsense."""
    for name in (PAGE_VAR, AUTOCOMPLETE_PAGE_VAR):
        value = request.GET.get(name, "")
        if re.fullmatch(r"[0-9]{1,9}", value):  # ASCII digits: isdigit() takes "²" too
            return max(1, int(value))
    return 1


class BoundedCountAdmin(admin.ModelAdmin):
    """An admin over a table too big to count: see the module's docstring."""

    # A person reads twenty pages of fifty at most; a search or a filter narrows the rest.
    rows_counted = 1000
    show_full_result_count = False
    # Facets count every row of the list once per filter choice.
    show_facets = admin.ShowFacets.NEVER

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        rows_before_the_page = (page_asked(request) - 1) * per_page
        return BoundedPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            counts_up_to=rows_before_the_page + self.rows_counted,
        )


class FirstRowsFormSet(BaseInlineFormSet):
    """An inline's rows, the first ``rows`` of them (all when None), each knowing the object
    it hangs off: a row's name that shows it (an event's voucher) costs no query per row."""

    rows: int | None = None

    @cached_property
    def _read(self) -> list:
        queryset = super().get_queryset()
        # One row more than shown, to know whether the list goes on.
        read = list(queryset if self.rows is None else queryset[: self.rows + 1])
        for row in read:
            setattr(row, self.fk.name, self.instance)
        return read

    def get_queryset(self):
        return self._read[: self.rows]

    @property
    def has_more(self) -> bool:
        """Return True if the list goes on past the rows shown."""
        return self.rows is not None and len(self._read) > self.rows


class FirstRowsInline:
    """A read-only inline over a list that can be long (a pack's 10,000 vouchers): it shows
    the first ``rows`` rows, and under them ``rest_of_list(obj)``, a link to the whole list."""

    rows = 20
    formset = FirstRowsFormSet
    template = "admin/backoffice/first_rows_inline.html"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.rows = self.rows
        formset.rest_of_list = self.rest_of_list(obj) if obj is not None else ""
        return formset

    def rest_of_list(self, obj) -> str:
        raise NotImplementedError
