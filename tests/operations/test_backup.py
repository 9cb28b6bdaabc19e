"""Backing up and restoring the database with pg_dump and pg_restore (fleet/README.md,
"Backup and restore"): a populated database dumped, restored into a fresh one, and
everything the portal relies on found there again.

PostgreSQL only: it is what production runs, and what the tools back up (an SQLite
development database is a file to copy).
"""

import shutil
import subprocess
import uuid
from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from tests.factories import (
    CandidateFactory,
    CustomerFactory,
    ExamFactory,
    SittingFactory,
    StaffFactory,
)
from vouchers import numbers
from vouchers.services import (
    book_sitting,
    cancel_booking,
    issue_pack,
    record_outcome,
    register_voucher,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def conninfo(name: str) -> str:
    """A libpq connection string to database ``name`` on the test database's server."""
    db = connection.settings_dict
    parts = {
        "dbname": name,
        "host": db["HOST"] or "",
        "port": str(db["PORT"] or ""),
        "user": db["USER"] or "",
        "password": db["PASSWORD"] or "",
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


@pytest.fixture
def scratch_database():
    """A database made for the restore and dropped afterwards, whatever happens."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def populate() -> dict:
    """A small programme through the workflows: packs, registrations, bookings, an outcome,
    a cancellation; every one with its audit events. Returns the numbers issued."""
    now = timezone.now()
    manager, examiner = StaffFactory(), StaffFactory()
    exam = ExamFactory(number="070-483")
    taken = SittingFactory(starts_at=now - timedelta(days=1), seats=4)
    ahead = SittingFactory(starts_at=now + timedelta(days=9), seats=4)
    issued = {}
    for n in range(3):
        candidate = CandidateFactory()
        pack = issue_pack(
            customer=CustomerFactory(account_manager=manager),
            exam_count=3,
            expires_on=now.date() + timedelta(days=120),
            is_second_shot=True,
            list_price=Decimal("450.00"),
            issued_by=manager,
            now=now - timedelta(days=8),
        )
        voucher = register_voucher(
            candidate=candidate, number=pack.numbers[0], now=now - timedelta(days=8)
        )
        issued.update({number: voucher.pack_id for number in pack.numbers})
        booking = book_sitting(
            candidate=candidate,
            voucher=voucher,
            exam=exam,
            sitting=taken,
            now=now - timedelta(days=7),
        )
        record_outcome(booking=booking, outcome="failed", recorded_by=examiner, now=now)
        if n == 0:
            retake = book_sitting(candidate=candidate, voucher=voucher, exam=exam, sitting=ahead)
            cancel_booking(candidate=candidate, booking=retake)
    return issued


def table_counts(cursor) -> dict[str, int]:
    tables = [model._meta.db_table for model in apps.get_models()]
    return {t: cursor.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def schema_rules(cursor) -> dict[str, list]:
    """The constraints and the triggers of the portal's tables, by name."""
    constraints = cursor.execute(
        "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace ORDER BY 1"
    ).fetchall()
    triggers = cursor.execute(
        "SELECT tgrelid::regclass::text || '.' || tgname FROM pg_trigger "
        "WHERE NOT tgisinternal ORDER BY 1"
    ).fetchall()
    return {"constraints": constraints, "triggers": triggers}


def test_a_dump_restored_into_a_fresh_database_keeps_data_rules_and_numbers(
    tmp_path, scratch_database, settings
):
    for tool in ("pg_dump", "pg_restore"):
        assert shutil.which(tool), f"{tool} is needed (Debian: postgresql-client)"
    issued = populate()
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "secondshot.dump"

    # The procedure in fleet/README.md.
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", dump, "--dbname", conninfo(source)],
        check=True,
    )
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            conninfo(scratch_database),
            dump,
        ],
        check=True,
    )

    with (
        psycopg.connect(conninfo(source)) as original,
        psycopg.connect(conninfo(scratch_database), autocommit=True) as restored,
    ):
        before, after = original.cursor(), restored.cursor()
        counts = table_counts(after)
        assert counts == table_counts(before)
        assert counts["vouchers_voucherevent"] > 20 and counts["vouchers_booking"] == 4
        assert schema_rules(after) == schema_rules(before)

        # The audit trail stays append-only (SS-12).
        for change in (
            "UPDATE vouchers_voucherevent SET action = 'voucher.voided'",
            "DELETE FROM vouchers_voucherevent",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                after.execute(change)
        # The constraints still hold: no sitting takes more bookings than seats (SS-11).
        with pytest.raises(psycopg.errors.CheckViolation, match="sitting_not_overbooked"):
            after.execute("UPDATE exams_sitting SET seats_taken = seats + 1")
        # New rows do not collide with restored ones: the sequences came along.
        top = after.execute("SELECT max(id) FROM vouchers_booking").fetchone()[0]
        assert (
            after.execute(
                "SELECT nextval(pg_get_serial_sequence('vouchers_booking', 'id'))"
            ).fetchone()[0]
            > top
        )

        # Every voucher number issued is found again through the keyed hash, under the
        # same VOUCHER_NUMBER_KEY, and under no other: the key is backed up beside the dump.
        def pack_of(number):
            row = after.execute(
                "SELECT pack_id FROM vouchers_voucher WHERE number_hash = %s",
                [numbers.digest(number)],
            ).fetchone()
            return row and row[0]

        assert {number: pack_of(number) for number in issued} == issued
        settings.VOUCHER_NUMBER_KEY = "a-key-that-was-not-backed-up"
        assert all(pack_of(number) is None for number in issued)
