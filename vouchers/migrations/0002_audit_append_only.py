"""The database itself refuses UPDATE and DELETE on the audit trail (SS-12).

PostgreSQL: a row trigger raising an error. TRUNCATE, which fires no row
trigger, stays possible for whoever owns the database (test teardown uses it).

SQLite: triggers that raise unless the connection's ``secondshot_audit_locked()``
function says maintenance is on (``vouchers.audit.maintenance``); connections
made by the portal register that function, and any other client, lacking it,
is refused too.
"""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION vouchers_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER vouchers_voucherevent_append_only
    BEFORE UPDATE OR DELETE ON vouchers_voucherevent
    FOR EACH ROW EXECUTE FUNCTION vouchers_refuse_audit_change();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS vouchers_voucherevent_append_only ON vouchers_voucherevent;
DROP FUNCTION IF EXISTS vouchers_refuse_audit_change();
"""
SQLITE = [
    """
    CREATE TRIGGER vouchers_voucherevent_no_update BEFORE UPDATE ON vouchers_voucherevent
    WHEN secondshot_audit_locked()
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE is refused'); END
    """,
    """
    CREATE TRIGGER vouchers_voucherevent_no_delete BEFORE DELETE ON vouchers_voucherevent
    WHEN secondshot_audit_locked()
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: DELETE is refused'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS vouchers_voucherevent_no_update",
    "DROP TRIGGER IF EXISTS vouchers_voucherevent_no_delete",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
