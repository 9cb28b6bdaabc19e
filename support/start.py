"""What support requests put on support's start page (``backoffice/start.py``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from backoffice import roles, start

from .models import SupportRequest

CAN_READ = "support.view_supportrequest"


def _open_requests(request) -> int:
    """The open requests the staff member's list shows: one query."""
    rows = admin.site.get_model_admin(SupportRequest).get_queryset(request)
    return rows.filter(status=SupportRequest.Status.OPEN).order_by().count()


start.count(
    roles.SUPPORT,
    "open_requests_count",
    ngettext_lazy("open support request", "open support requests", "count"),
    _open_requests,
    "admin:support_supportrequest_changelist",
    query=f"status={SupportRequest.Status.OPEN}",
    permission=CAN_READ,
    order=10,
)
start.task(
    roles.SUPPORT,
    "open_requests",
    _("Open support requests"),
    "admin:support_supportrequest_changelist",
    query=f"status={SupportRequest.Status.OPEN}",
    permission=CAN_READ,
    order=20,
)
