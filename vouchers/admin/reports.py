"""The account manager's usage report over their customers, with a CSV export.

Per customer: packs, vouchers, registered, booked and used vouchers,
first-attempt and retake pass rates, and vouchers expiring unused within 30
days (``vouchers/usage.py`` says what each word counts). The database adds it
all up in a fixed number of queries, however many customers and vouchers.
Above the table, two charts drawn on the server (``backoffice/charts.py``): the
vouchers from issue to pass in total, and those expiring unused month by month;
each customer's row has its own small funnel.
"""

import functools
import html
from datetime import date

from django import forms
from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backoffice import charts
from backoffice.widgets import SafeAutocompleteSelect

from ..clock import anywhere_on_earth_date
from ..models import Customer, ExamPack
from ..usage import EXPIRING_WITHIN, CustomerUsage, customer_usage, expiring_unused_by_month
from .handover import csv_cell, spreadsheet_writer


class ReportFilterForm(forms.Form):
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(),
        required=False,
        widget=SafeAutocompleteSelect(ExamPack._meta.get_field("customer"), admin.site),
        label=_("Customer"),
        help_text=_("All your customers when empty."),
    )
    issued_from = forms.DateField(
        label=_("packs issued from"), required=False, widget=AdminDateWidget
    )
    issued_to = forms.DateField(label=_("until"), required=False, widget=AdminDateWidget)

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("issued_from"), cleaned.get("issued_to")
        if first and last and last < first:
            self.add_error("issued_to", gettext("This date comes before the first one."))
        return cleaned


def funnel_steps(line: CustomerUsage) -> list[tuple[str, int]]:
    """The line's vouchers from issue to pass, each step a share of the one before."""
    return list(zip(step_names(), _step_values(line), strict=True))


def step_names() -> list[str]:
    return [
        gettext("issued"),
        gettext("registered"),
        gettext("booked"),
        gettext("passed at the first attempt"),
        gettext("passed at the retake"),
    ]


def _step_values(line: CustomerUsage) -> list[int]:
    return [
        line.vouchers,
        line.registered,
        line.booked,
        line.first_attempts_passed,
        line.retakes_passed,
    ]


def funnel_chart(line: CustomerUsage) -> str:
    return charts.bars(funnel_steps(line), title=gettext("Vouchers from issue to pass"))


def months_chart(months: list[tuple[date, int]]) -> str:
    return charts.columns(
        [(date_format(month, "M"), count) for month, count in months],
        title=gettext("Vouchers expiring unused, by month"),
    )


class RowWords:
    """What every line of the report says alike, translated once a page, not once a row."""

    def __init__(self):
        self.steps = step_names()
        self.rate = gettext("%(percent)s%% (%(passed)s of %(sat)s)")
        # Few distinct figures recur down a long report: each is localized once.
        self.figure = functools.cache(formats.localize)


def shown(line: CustomerUsage, words: RowWords | None = None) -> dict:
    """Return the line as the page shows it, its rates in per cent with what they count.

    The per cent sign is placed as the active language places it ("50 %" in French).
    """
    words = words or RowWords()

    def rate(value, passed, sat):
        if value is None:
            return "—"
        return words.rate % {
            "percent": f"{value:.0%}".removesuffix("%"),
            "passed": passed,
            "sat": sat,
        }

    values = _step_values(line)
    return {
        "line": line,
        "funnel": charts.sparkbars(
            values,
            title=", ".join(
                f"{name}: {value}" for name, value in zip(words.steps, values, strict=True)
            ),
        ),
        "first_attempt_rate": rate(
            line.first_attempt_pass_rate, line.first_attempts_passed, line.first_attempts_sat
        ),
        "retake_rate": rate(line.retake_pass_rate, line.retakes_passed, line.retakes_sat),
    }


CUSTOMER = "__customer__"  # stands for a customer's id in the address of its page


def table_row(line: CustomerUsage, words: RowWords, *, change_url: str = "") -> dict:
    """Return the line as ``shown``, with its table row as ``html``.

    The row is written here rather than by the template: a report has a row per
    customer, and a dozen template tags a row made it slow to draw.

    ``change_url`` is the customer's page with ``CUSTOMER`` standing for its id; the
    total's row (no customer) names no page.
    """
    row = shown(line, words)
    figure = words.figure
    escape = html.escape  # the standard library's: Django's lazy-aware one costs more a row
    if line.customer is None:
        name = escape(gettext("Total"))
    else:
        url = change_url.replace(CUSTOMER, str(line.customer.pk))
        name = f'<a href="{escape(url)}">{escape(str(line.customer))}</a>'
    # The name, the address and the rates are escaped; the rest are figures.
    row["html"] = SafeString(
        f"<tr><td>{name}</td><td>{row['funnel']}</td>"
        f'<td class="number">{figure(line.packs)}</td>'
        f'<td class="number">{figure(line.vouchers)}</td>'
        f'<td class="number">{figure(line.registered)}</td>'
        f'<td class="number">{figure(line.booked)}</td>'
        f'<td class="number">{figure(line.used)}</td>'
        f'<td class="number">{escape(row["first_attempt_rate"])}</td>'
        f'<td class="number">{escape(row["retake_rate"])}</td>'
        f'<td class="number">{figure(line.expiring_unused)}</td></tr>'
    )
    return row


CSV_COLUMNS = [
    ("customer", lambda line: csv_cell(line.customer or "Total")),
    ("packs", lambda line: line.packs),
    ("vouchers", lambda line: line.vouchers),
    ("registered", lambda line: line.registered),
    ("booked", lambda line: line.booked),
    ("used", lambda line: line.used),
    ("first_attempts_with_outcome", lambda line: line.first_attempts_sat),
    ("first_attempts_passed", lambda line: line.first_attempts_passed),
    ("first_attempt_pass_rate", lambda line: _csv_rate(line.first_attempt_pass_rate)),
    ("retakes_with_outcome", lambda line: line.retakes_sat),
    ("retakes_passed", lambda line: line.retakes_passed),
    ("retake_pass_rate", lambda line: _csv_rate(line.retake_pass_rate)),
    (f"expiring_unused_{EXPIRING_WITHIN.days}_days", lambda line: line.expiring_unused),
]


def _csv_rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.4f}"


def report_csv(lines: list[CustomerUsage], total: CustomerUsage) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="customer-usage.csv"'
    writer = spreadsheet_writer(response)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for line in [*lines, total]:
        writer.writerow([value(line) for _, value in CSV_COLUMNS])
    return response


def months_csv(months: list[tuple[date, int]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="expiring-unused-by-month.csv"'
    writer = spreadsheet_writer(response)
    writer.writerow(["month", "expiring_unused"])
    for month, count in months:
        writer.writerow([month.strftime("%Y-%m"), count])
    return response


def customer_report_view(customer_admin, request):
    """The report over the customers the staff member may see, filtered by customer and date."""
    if not customer_admin.has_view_permission(request):
        raise PermissionDenied
    customers = customer_admin.get_queryset(request).order_by("name")
    form = ReportFilterForm(request.GET or None, customers=customers)
    lines = total = months = None
    if not form.is_bound or form.is_valid():
        chosen = form.cleaned_data if form.is_bound else {}
        if chosen.get("customer"):
            customers = customers.filter(pk=chosen["customer"].pk)
        lines = customer_usage(
            customers,
            today=anywhere_on_earth_date(timezone.now()),
            issued_from=chosen.get("issued_from"),
            issued_to=chosen.get("issued_to"),
        )
        total = CustomerUsage.total(lines)
        if request.GET.get("format") == "csv":
            return report_csv(lines, total)
        months = expiring_unused_by_month(
            customers,
            today=anywhere_on_earth_date(timezone.now()),
            issued_from=chosen.get("issued_from"),
            issued_to=chosen.get("issued_to"),
        )
        if request.GET.get("format") == "months-csv":
            return months_csv(months)

    words = RowWords()
    change_url = reverse(
        admin_urlname(customer_admin.opts, "change"),
        args=[CUSTOMER],
        current_app=customer_admin.admin_site.name,
    )
    export = request.GET.copy()
    export["format"] = "csv"
    export_months = request.GET.copy()
    export_months["format"] = "months-csv"
    context = {
        **customer_admin.admin_site.each_context(request),
        "title": _("Customer usage report"),
        "opts": customer_admin.opts,
        "form": form,
        "media": forms.Media(js=["admin/js/core.js"]) + form.media,  # the date widgets need it
        "rows": (
            [table_row(line, words, change_url=change_url) for line in lines]
            if lines is not None
            else None
        ),
        "total": table_row(total, words) if total is not None else None,
        "expiring_days": EXPIRING_WITHIN.days,
        "csv_query": export.urlencode(),
        "months_csv_query": export_months.urlencode(),
        "funnel_chart": funnel_chart(total) if total is not None else None,
        "months_chart": months_chart(months) if lines is not None else None,
    }
    return TemplateResponse(request, "admin/vouchers/customer/report.html", context)
