"""After an erasure, a dump of the whole database holds neither the person's address nor
their names; the audit trail keeps every event, unchanged, and its triggers; the usage
report is as it was.

PostgreSQL: a real ``pg_dump`` of the test database, as the backups are made
(``tests/operations/test_backup.py``). SQLite: the database copied with ``VACUUM
INTO``, which rewrites it without the free pages a deleted row may linger in, then
read byte by byte. Another candidate's address is found in both: the control.
"""

import shutil
import subprocess

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.operations.test_backup import conninfo
from tests.portal.pages import PASSWORD
from tests.privacy.test_erasure import failed_task, trail, usage
from tests.privacy.world import ADA, BRUNO, build

pytestmark = pytest.mark.django_db(transaction=True)

# What must be gone: the address, the names, the time zone no test centre uses.
GONE = [
    ADA["email"],
    "ada.lovelace",
    ADA["legal_name"],
    "Augusta",
    "King-Noel",
    ADA["time_zone"],
]
TRIGGERS = {
    "postgresql": ["vouchers_voucherevent_append_only", "privacy_accountevent_append_only"],
    "sqlite": [
        "vouchers_voucherevent_no_update",
        "vouchers_voucherevent_no_delete",
        "privacy_accountevent_no_update",
        "privacy_accountevent_no_delete",
    ],
}


def dump(folder) -> bytes:
    """The whole database as bytes: a plain pg_dump, or a vacuumed copy of SQLite's file."""
    folder.mkdir()
    if connection.vendor == "postgresql":
        assert shutil.which("pg_dump"), "pg_dump is needed (Debian: postgresql-client)"
        target = folder / "secondshot.sql"
        name = connection.settings_dict["NAME"]
        subprocess.run(
            ["pg_dump", "--no-owner", "--file", target, "--dbname", conninfo(name)], check=True
        )
    else:
        target = folder / "secondshot.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
    return target.read_bytes().lower()


def triggers() -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1")
        return [name for (name,) in cursor.fetchall()]


def everywhere_ada_was_kept(w, now):
    """Her address where the framework keeps it too: the admin's history, a session that
    signed up as her, a failed e-mail's error in the task queue."""
    LogEntry.objects.log_actions(
        user_id=w.support.pk, queryset=[w.ada], action_flag=CHANGE, change_message="[]"
    )
    signing_up = Client()
    session = signing_up.session
    session["signup_email"] = ADA["email"]
    session.save()
    failed_task(now, f"SMTPRecipientsRefused: {{'{ADA['email']}': (550, b'no')}}")


def test_a_dump_after_erasure_holds_none_of_the_persons_address_and_names(tmp_path):
    """SS-12: the trail keeps every event and its triggers; the usage report is unchanged."""
    now = timezone.now()
    w = build(now, pending=False)
    everywhere_ada_was_kept(w, now)
    before = dump(tmp_path / "before")
    assert all(word.lower().encode() in before for word in GONE), "the control: all there"
    events, report, rules = trail(), usage(now), triggers()

    ada = Client()
    ada.force_login(w.ada)
    erased = ada.post(reverse("privacy:erase"), {"password": PASSWORD, "understood": "on"})
    assert erased.status_code == 302, erased.content[:300]

    after = dump(tmp_path / "after")
    for word in GONE:
        assert word.lower().encode() not in after, word
    assert BRUNO["email"].encode() in after and BRUNO["legal_name"].lower().encode() in after

    now_events = trail()
    assert now_events[: len(events)] == events
    assert len(now_events) == len(events) + 3  # one "number retired" per voucher
    assert usage(now) == report
    assert triggers() == rules
    assert set(TRIGGERS[connection.vendor]) <= set(rules)
    for statement in (
        "UPDATE vouchers_voucherevent SET details = '{}'",
        "DELETE FROM privacy_accountevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
