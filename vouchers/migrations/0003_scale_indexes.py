"""Indexes for the lists that read newest first across the whole table.

Without them the back office's pack list sorted every pack for each page, and the
audit trail every event; with them each reads the first page off an index (the
measurements are in bench/README.md).

Every other lookup the pages make already has its index, from 0001: a voucher by
number hash (unique), a candidate's vouchers (registered_by), bookings by candidate
and status, by sitting and status and by voucher (and the partial unique indexes
of SS-4 and SS-1), sittings by start and centre (and the unique centre + start),
packs by customer newest first, customers by account manager, events by voucher.

On PostgreSQL the indexes are built CONCURRENTLY, so writing (every workflow
writes an audit event) goes on while they are built; hence ``atomic = False``.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.migrations.operations import AddIndex


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL; a plain CREATE INDEX elsewhere (SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("vouchers", "0002_audit_append_only"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="exampack",
            index=models.Index(fields=["-issued_at", "-id"], name="pack_newest_first"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="voucherevent",
            index=models.Index(fields=["-at", "-id"], name="event_newest_first"),
        ),
    ]
