"""The back office for the offer's data, in the Django admin, role by role.

Every change goes through a workflow in ``vouchers/services``; no admin form
saves a pack, a voucher, a booking or an audit event itself. Account managers
see only their own customers and what hangs off them (``scoping``).

- ``customers``: customers, and the account manager's usage report (``reports``)
- ``packs``: issuing a pack, handing its numbers over once (``handover``), voiding
- ``support``: finding a voucher, re-sending its confirmation, reissuing its number
- ``outcomes``: bookings, recording outcomes, importing the results file
- ``audit``: the audit trail, read-only for everyone
- ``start``: the offer's tasks and counts on each role's start page
"""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from . import audit, customers, outcomes, packs, start, support  # noqa: F401  (registers the admins)

# The database task queue's results (the booking and reminder e-mails) are for whoever
# runs the workers, not for any staff role; whether a reminder went out is recorded
# in ReminderSent.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
