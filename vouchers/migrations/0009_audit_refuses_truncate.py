"""PostgreSQL refuses TRUNCATE of the audit trail too (SS-12).

Migration 0002's row trigger stops UPDATE and DELETE; TRUNCATE fires no row
trigger, so a statement trigger stops it, on the table itself and when another
table's TRUNCATE … CASCADE would reach it. The one job allowed to empty the
table (a test or benchmark database being reset) says so first
(``vouchers.audit.maintenance``), which sets ``secondshot.audit_maintenance``
for its connection. SQLite has no TRUNCATE: its DELETE triggers stand.
"""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION vouchers_refuse_audit_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('secondshot.audit_maintenance', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER vouchers_voucherevent_no_truncate
    BEFORE TRUNCATE ON vouchers_voucherevent
    FOR EACH STATEMENT EXECUTE FUNCTION vouchers_refuse_audit_truncate();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS vouchers_voucherevent_no_truncate ON vouchers_voucherevent;
DROP FUNCTION IF EXISTS vouchers_refuse_audit_truncate();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0008_booking_notice_sent")]
    operations = [migrations.RunPython(create, drop)]
