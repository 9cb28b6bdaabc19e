"""Drop the indexes that another index already begins with.

Django gives every foreign key an index of its own. Three of them here are the first
column of a wider index: bookings by candidate (candidate, status), bookings by
sitting (sitting, status), and audit events by voucher (voucher, -at). A lookup by
the key alone reads the wider index just as well; the narrow ones only cost writing:
each booking kept eleven indexes and each audit event six, on every booking,
cancellation and move (bench/README.md).

A DROP INDEX holds the table's lock only while the index is forgotten; a release
that finds the table busy for longer waits at most the connection's lock_timeout
(settings), then fails and is run again.

Dropped by name, not by altering the fields alone: told that a key has no index of
its own any more, Django drops every single-column index on it that is not one of
the model's ``Meta.indexes``, and took SS-4's partial unique index on the candidate
(``one_scheduled_booking_per_candidate``) with it (the concurrency tests' control
caught it). The names are those Django gave the indexes, the same on both databases.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column, index): the indexes Django made for these keys in 0001.
DROPPED = [
    ("vouchers_booking", "candidate_id", "vouchers_booking_candidate_id_f4ac64e5"),
    ("vouchers_booking", "sitting_id", "vouchers_booking_sitting_id_5d504732"),
    ("vouchers_voucherevent", "voucher_id", "vouchers_voucherevent_voucher_id_17525d71"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0004_indexes_covered_by_composites"),
        ("vouchers", "0012_recovery_link_sent_event"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {index}",
                    reverse_sql=f"CREATE INDEX {index} ON {table} ({column})",
                )
                for table, column, index in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="booking",
                    name="candidate",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bookings",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="candidate",
                    ),
                ),
                migrations.AlterField(
                    model_name="booking",
                    name="sitting",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bookings",
                        to="exams.sitting",
                        verbose_name="sitting",
                    ),
                ),
                migrations.AlterField(
                    model_name="voucherevent",
                    name="voucher",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="vouchers.voucher",
                        verbose_name="voucher",
                    ),
                ),
            ],
        ),
    ]
