"""The offer's figures for Prometheus, read from the database at each scrape (core/metrics.py).

A booking made is a row, whatever became of it since (cancelled, taken): the
count only grows. A reminder sent is a ``ReminderSent`` row marked sent, which a
task worker writes; counted by occasion.
"""

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily

from core.metrics import DatabaseFigures

from .models import Booking, ReminderSent


class VoucherFigures(DatabaseFigures):
    def read(self):
        yield CounterMetricFamily(
            "secondshot_bookings_made",
            "Bookings made since the portal began, cancelled and taken ones included.",
            value=Booking.objects.count(),
        )
        reminders = CounterMetricFamily(
            "secondshot_reminders_sent",
            "Reminder e-mails sent, by occasion.",
            labels=["occasion"],
        )
        sent = dict(
            ReminderSent.objects.filter(status=ReminderSent.Status.SENT)
            .values_list("occasion")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for occasion in ReminderSent.Occasion.values:
            reminders.add_metric([occasion], sent.get(occasion, 0))
        yield reminders
