"""A database made before the User model moved from the project package (app label
``secondshot``) to ``accounts`` upgrades with ``manage.py migrate``, losing nothing.

``dumps/`` holds such a database, made once with the portal as it was then
(``dumps/make_world.py`` says how): staff in each role, candidates, a customer,
a pack, a registered voucher with a failed first attempt and a booked retake,
the audit trail, a reminder, the admin's history and a signed-in session. Each
test loads it into a database of its own, runs ``migrate`` in a new process as a
deployment does, and reads the result back.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.upgrade.read_back import PASSWORDS

ROOT = Path(__file__).resolve().parents[2]
DUMPS = Path(__file__).resolve().parent / "dumps"
# The session in the dumps was signed with the development key.
SECRET_KEY = "django-insecure-dev-only-secret-key-change-me"

# Every row that points at a person, a group, a permission or a content type.
FINGERPRINT = {
    "users": "SELECT id, email, password, is_staff, is_superuser, is_active, legal_name, "
    "language, time_zone, reminders_enabled, email_verified_at FROM secondshot_user",
    "group members": "SELECT user_id, group_id FROM secondshot_user_groups",
    "own permissions": "SELECT user_id, permission_id FROM secondshot_user_user_permissions",
    "group permissions": "SELECT group_id, permission_id FROM auth_group_permissions",
    "permissions": "SELECT id, content_type_id, codename FROM auth_permission",
    "customers": "SELECT id, account_manager_id FROM vouchers_customer",
    "packs": "SELECT id, customer_id, issued_by_id, candidate_id FROM vouchers_exampack",
    "vouchers": "SELECT id, pack_id, registered_by_id, number_hash FROM vouchers_voucher",
    "bookings": "SELECT id, voucher_id, candidate_id, sitting_id, exam_id, "
    "outcome_recorded_by_id, status, outcome FROM vouchers_booking",
    "audit": "SELECT id, voucher_id, actor_id, action, at FROM vouchers_voucherevent",
    "reminders": "SELECT id, voucher_id, booking_id, candidate_id FROM vouchers_remindersent",
    "admin history": "SELECT id, user_id, content_type_id, object_id FROM django_admin_log",
    "sessions": "SELECT session_key, session_data FROM django_session",
}


class OldDatabase:
    """A database holding one of the dumps, and a DB-API connection to read it raw."""

    def __init__(self, url: str, connect):
        self.url, self._connect = url, connect

    def rows(self, query: str) -> list[tuple]:
        with self._connect() as raw:
            cursor = raw.cursor()
            cursor.execute(query)
            return sorted(tuple(row) for row in cursor.fetchall())

    def fingerprint(self) -> dict:
        return {name: self.rows(query) for name, query in FINGERPRINT.items()}

    def table_sizes(self) -> dict[str, int]:
        with self._connect() as raw:
            cursor = raw.cursor()
            cursor.execute(self.list_tables)
            tables = [name for (name,) in cursor.fetchall()]
            sizes = {}
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                sizes[table] = cursor.fetchone()[0]
            return sizes

    def manage(self, *args, command=None) -> subprocess.CompletedProcess:
        environment = os.environ | {
            "DJANGO_SETTINGS_MODULE": "secondshot.settings",
            "DATABASE_URL": self.url,
            "SECRET_KEY": SECRET_KEY,
            "DEBUG": "True",
        }
        return subprocess.run(
            command or [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=180,
        )

    def read_back(self) -> dict:
        result = self.manage(command=[sys.executable, "-m", "tests.upgrade.read_back"])
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


def _sqlite(tmp_path) -> OldDatabase:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.executescript((DUMPS / "sqlite.sql").read_text())
    old = OldDatabase(f"sqlite:///{path}", lambda: sqlite3.connect(path))
    old.list_tables = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return old


def _postgresql(request):
    import psycopg

    if connection.vendor != "postgresql":
        pytest.skip("the test database is not PostgreSQL")
    given = connection.settings_dict
    name = f"{given['NAME']}_upgrade"
    credentials = quote(given["USER"] or "")
    if given["PASSWORD"]:
        credentials += ":" + quote(given["PASSWORD"])
    server = f"postgresql://{credentials}@{given['HOST'] or 'localhost'}:{given['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    request.addfinalizer(drop)
    with psycopg.connect(f"{server}/{name}", autocommit=True) as raw:
        raw.execute((DUMPS / "postgresql.sql").read_text())
    old = OldDatabase(f"{server}/{name}", lambda: psycopg.connect(f"{server}/{name}"))
    old.list_tables = "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'"
    return old


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres_only)])
def old_database(request, tmp_path):
    """A database as the portal made it before the move, in the kind the parameter names."""
    if request.param == "sqlite":
        return _sqlite(tmp_path)
    return _postgresql(request)


def test_an_old_database_migrates_and_keeps_every_row_where_it_was(old_database):
    before, sizes_before = old_database.fingerprint(), old_database.table_sizes()
    old_types = old_database.rows("SELECT id FROM django_content_type")
    old_user_type = old_database.rows(
        "SELECT id FROM django_content_type WHERE app_label = 'secondshot' AND model = 'user'"
    )

    migrated = old_database.manage("migrate", "--no-input")

    assert migrated.returncode == 0, migrated.stderr
    assert "Adopted 6 migrations and 1 content types of app 'secondshot'" in migrated.stdout
    # Migrations made after the dump run too: their rows, the content types and
    # permissions of the models they create, and those new permissions granted to a
    # role, are the only other rows added.
    newer = re.findall(r"Applying (\w+)\.(\w+)\.\.\. OK", migrated.stdout)
    after = old_database.fingerprint()
    new_types = {
        type_id for (type_id,) in old_database.rows("SELECT id FROM django_content_type")
    } - {type_id for (type_id,) in old_types}
    added = sorted(set(after["permissions"]) - set(before["permissions"]))
    assert all(type_id in new_types for _, type_id, _ in added), added
    after["permissions"] = sorted(set(after["permissions"]) - set(added))
    granted = sorted(set(after["group permissions"]) - set(before["group permissions"]))
    assert {permission for _, permission in granted} <= {pk for pk, _, _ in added}, granted
    after["group permissions"] = sorted(set(after["group permissions"]) - set(granted))
    assert after == before
    # Nothing else was added but the six migrations' rows under their new app: in
    # particular no second content type or permissions for the user, which the groups
    # would lack.
    sizes = old_database.table_sizes()
    assert sizes.pop("django_migrations") == sizes_before.pop("django_migrations") + 6 + len(newer)
    assert sizes.pop("auth_permission") == sizes_before.pop("auth_permission") + len(added)
    assert sizes.pop("auth_group_permissions") == sizes_before.pop("auth_group_permissions") + len(
        granted
    )
    assert sizes.pop("django_content_type") == sizes_before.pop("django_content_type") + len(
        new_types
    )
    assert {table: sizes[table] for table in sizes_before} == sizes_before
    assert not any(sizes[table] for table in set(sizes) - set(sizes_before)), "new tables empty"
    assert (
        old_database.rows(
            "SELECT id FROM django_content_type WHERE app_label = 'accounts' AND model = 'user'"
        )
        == old_user_type
    )


def test_after_the_upgrade_everyone_signs_in_and_keeps_their_roles(old_database):
    assert old_database.manage("migrate", "--no-input").returncode == 0

    found = old_database.read_back()

    assert found["user model"] == ["accounts.User", "secondshot_user"]
    assert found["signed in"] == {email: email for email in PASSWORDS}
    assert found["wrong password signs in"] is False
    assert found["session signs in"] == "alex@old.test"
    assert found["groups"] == {
        "admin@old.test": [],
        "manager@old.test": ["Account managers"],
        "support@old.test": ["Support"],
        "examadmin@old.test": ["Exam administrators"],
        "alex@old.test": [],
        "Bo@old.test": [],
    }
    permissions = found["permissions"]
    assert "accounts.view_user" in permissions["support@old.test"]
    assert "accounts.view_user" not in permissions["manager@old.test"]
    assert "vouchers.change_exampack" in permissions["manager@old.test"]
    assert "vouchers.change_booking" in permissions["examadmin@old.test"]
    assert permissions["Bo@old.test"] == ["exams.view_exam"]
    assert permissions["alex@old.test"] == []
    assert found["superuser may change users"] is True
    assert [label for label, _id in found["user content types"]] == ["accounts"]
    assert found["admin history"] == [["admin@old.test", "accounts", "Bo@old.test"]]
    assert found["vouchers"] == [[1, "alex@old.test"], [2, None]]
    assert found["bookings"] == [[1, "alex@old.test", "taken"], [2, "alex@old.test", "scheduled"]]


def test_migrating_an_upgraded_database_again_changes_nothing(old_database):
    assert old_database.manage("migrate", "--no-input").returncode == 0
    before, sizes_before = old_database.fingerprint(), old_database.table_sizes()

    again = old_database.manage("migrate", "--no-input")

    assert again.returncode == 0, again.stderr
    assert "Adopted" not in again.stdout
    assert "No migrations to apply." in again.stdout
    assert old_database.fingerprint() == before
    assert old_database.table_sizes() == sizes_before


def test_djangos_own_migrate_refuses_an_old_database_which_is_why_ours_adopts_first(tmp_path):
    old = _sqlite(tmp_path)
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "from django.core.management.commands.migrate import Command; "
        "call_command(Command(), interactive=False)"
    )

    refused = old.manage(command=[sys.executable, "-c", code])

    assert refused.returncode != 0
    assert "InconsistentMigrationHistory" in refused.stderr
    assert "accounts.0001_initial" in refused.stderr
