"""What the offer puts on each role's start page (``backoffice/start.py``).

The counts are read through the model admins' querysets, so each is what the
list it links to shows the staff member: an account manager's, their own customers'.
"""

from datetime import datetime, time, timedelta

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from backoffice import roles, start

from ..clock import anywhere_on_earth_date
from ..models import Booking, Customer, Voucher, VoucherEvent
from ..usage import CustomerUsage, customer_usage, expiring_unused
from .outcomes import awaiting_outcome
from .reports import funnel_chart

RECENT = timedelta(days=7)


def _rows(request, model):
    """The rows of ``model`` the staff member sees in its list."""
    return admin.site.get_model_admin(model).get_queryset(request).order_by()


def _funnel_panel(request) -> str:
    """The usage report's funnel over the staff member's customers, linked to the report."""
    customers = _rows(request, Customer)
    today = anywhere_on_earth_date(timezone.now())
    total = CustomerUsage.total(customer_usage(customers, today=today))
    return format_html(
        '<figure class="backoffice-start-chart"><figcaption>{}</figcaption>{}'
        '<a href="{}">{}</a></figure>',
        gettext("Vouchers from issue to pass"),
        funnel_chart(total),
        reverse("admin:vouchers_customer_report"),
        gettext("Usage report"),
    )


def _recent_since() -> datetime:
    """Midnight of the first of the recent days, in the current time zone, with its
    offset: the count and the list it links to read from the same instant (a bare date
    is a naive time to the list)."""
    first_day = timezone.localdate() - RECENT + timedelta(days=1)
    return timezone.make_aware(datetime.combine(first_day, time.min))


def _recent_reissues_query() -> str:
    return urlencode(
        {
            "action__exact": VoucherEvent.Action.NUMBER_REISSUED,
            "at__gte": _recent_since().isoformat(),
        }
    )


def _recent_reissues(request) -> int:
    return (
        _rows(request, VoucherEvent)
        .filter(action=VoucherEvent.Action.NUMBER_REISSUED, at__gte=_recent_since())
        .count()
    )


# --- account managers -----------------------------------------------------------

start.count(
    roles.ACCOUNT_MANAGERS,
    "expiring_unused",
    ngettext_lazy(
        "voucher of my customers expiring unused within 30 days",
        "vouchers of my customers expiring unused within 30 days",
        "count",
    ),
    lambda request: expiring_unused(
        _rows(request, Voucher), today=anywhere_on_earth_date(timezone.now())
    ).count(),
    "admin:vouchers_voucher_changelist",
    query="expiring=unused",
    permission="vouchers.view_voucher",
    order=10,
)
start.panel(
    roles.ACCOUNT_MANAGERS,
    "funnel",
    _funnel_panel,
    permission="vouchers.view_customer",
    order=50,
)
start.task(
    roles.ACCOUNT_MANAGERS,
    "issue_pack",
    _("Issue a pack"),
    "admin:vouchers_exampack_add",
    permission="vouchers.add_exampack",
    order=20,
)
start.task(
    roles.ACCOUNT_MANAGERS,
    "usage_report",
    _("Usage report"),
    "admin:vouchers_customer_report",
    permission="vouchers.view_customer",
    order=30,
)
start.task(
    roles.ACCOUNT_MANAGERS,
    "my_customers",
    _("My customers"),
    "admin:vouchers_customer_changelist",
    permission="vouchers.view_customer",
    order=40,
)

# --- support ------------------------------------------------------------------

start.count(
    roles.SUPPORT,
    "recent_reissues_count",
    ngettext_lazy(
        "number reissued in the past 7 days",
        "numbers reissued in the past 7 days",
        "count",
    ),
    _recent_reissues,
    "admin:vouchers_voucherevent_changelist",
    query=_recent_reissues_query,
    permission="vouchers.view_voucherevent",
    order=20,
)
start.task(
    roles.SUPPORT,
    "find_by_number",
    _("Find a voucher by its number"),
    "admin:vouchers_voucher_find",
    permission="vouchers.view_voucher",
    order=10,
)
start.task(
    roles.SUPPORT,
    "recent_reissues",
    _("Recent reissues"),
    "admin:vouchers_voucherevent_changelist",
    query=urlencode({"action__exact": VoucherEvent.Action.NUMBER_REISSUED}),
    permission="vouchers.view_voucherevent",
    order=30,
)

# --- exam administrators --------------------------------------------------------

start.count(
    roles.EXAM_ADMINISTRATORS,
    "awaiting_outcome",
    ngettext_lazy(
        "booking sat, its outcome still to record",
        "bookings sat, their outcomes still to record",
        "count",
    ),
    lambda request: awaiting_outcome(_rows(request, Booking), at=timezone.now()).count(),
    "admin:vouchers_booking_changelist",
    query="result=awaiting",
    permission=roles.CAN_RECORD_OUTCOMES,
    order=20,
)
start.task(
    roles.EXAM_ADMINISTRATORS,
    "import_results",
    _("Import a results file"),
    "admin:vouchers_booking_import_results",
    permission=roles.CAN_RECORD_OUTCOMES,
    order=40,
)
