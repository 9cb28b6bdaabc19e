"""``python manage.py seed_load``: the large data set the benchmark runs on (bench/README.md).

What the data holds and which rules it keeps is in ``bench/loadset.py``. The
rows go in with PostgreSQL's COPY, one transaction per table, and the command
prints rows per second for each. It runs on PostgreSQL only (``--allow-sqlite``
permits a small scale there, for trying it out), only with DEBUG on (every account
gets the published password ``secondshot-bench``), and only into an empty
database unless ``--reset`` empties the data tables first.
"""

import time
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from bench.loadset import BENCH_PASSWORD, LoadSet, Sizes, join_staff_groups
from bench.loadset_checks import consistency_problems
from vouchers import audit, page_cache

# Children first, so a plain DELETE (SQLite) works in this order too.
DATA_TABLES = [
    "vouchers_remindersent",
    "vouchers_voucherevent",
    "vouchers_booking",
    "vouchers_voucher",
    "vouchers_exampack",
    "vouchers_customer",
    "exams_sitting",
    "exams_testcenter",
    "exams_exam",
    "django_admin_log",
    "django_session",
    "secondshot_user_groups",
    "secondshot_user_user_permissions",
    "secondshot_user",
]
SQLITE_MAX_SCALE = 0.01


class Command(BaseCommand):
    help = "Build the benchmark's large data set on PostgreSQL (see bench/README.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every default size (1.0: 100,000 candidates, 1,000,000 vouchers…).",
        )
        for name, default in Sizes().__dict__.items():
            parser.add_argument(
                f"--{name}", type=int, help=f"Number of {name} (default {default:,} × scale)."
            )
        parser.add_argument(
            "--reset", action="store_true", help="Empty every data table first (TRUNCATE)."
        )
        parser.add_argument(
            "--allow-sqlite",
            action="store_true",
            help=f"Run on SQLite, at --scale {SQLITE_MAX_SCALE} or less.",
        )
        parser.add_argument("--seed", type=int, default=6, help="Random seed of the plan.")

    def handle(self, *args, scale, reset, allow_sqlite, seed, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_load gives every account the published password "
                f"{BENCH_PASSWORD!r} and runs only with DEBUG on. It is not for production."
            )
        vendor = connection.vendor
        if vendor != "postgresql":
            if not allow_sqlite:
                raise CommandError(
                    f"seed_load builds a large data set on PostgreSQL; this database is {vendor}. "
                    "Set DATABASE_URL, or pass --allow-sqlite with a small --scale."
                )
            if vendor != "sqlite" or scale > SQLITE_MAX_SCALE:
                raise CommandError(f"On {vendor}, seed_load runs only at --scale ≤ 0.01.")
        sizes = Sizes.scaled(scale, **{k: options.get(k) for k in Sizes().__dict__})
        if reset:
            self._reset()
        elif self._has_data():
            raise CommandError("The database already holds data: pass --reset to empty it first.")

        self.stdout.write(f"Planning {self._describe(sizes)} …")
        started = time.perf_counter()
        now = timezone.now()
        loadset = LoadSet(sizes, now=now, password_hash=make_password(BENCH_PASSWORD), seed=seed)
        self.stdout.write(f"  planned in {time.perf_counter() - started:.1f} s")

        self.stdout.write(f"{'table':<24} {'rows':>10} {'seconds':>8} {'rows/s':>10}")
        total_rows = 0
        for table, columns, rows in loadset.tables():
            began = time.perf_counter()
            count = self._write(table, columns, rows)
            seconds = time.perf_counter() - began
            total_rows += count
            rate = count / seconds if seconds else 0
            self.stdout.write(f"{table:<24} {count:>10,} {seconds:>8.1f} {rate:>10,.0f}")
        self._finish()
        join_staff_groups()
        # Rows were written without the workflows, and ids may start again at 1.
        page_cache.forget_all()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{'all':<24} {total_rows:>10,} {elapsed:>8.1f} {total_rows / elapsed:>10,.0f}"
        )

        problems = {name: n for name, n in consistency_problems().items() if n}
        if problems:
            raise CommandError(f"The data set breaks rules: {problems}")
        self.stdout.write(
            self.style.SUCCESS(
                "Consistent: no oversold sitting, no double booking, seats taken match bookings."
            )
        )
        self.stdout.write(
            f"Every account's password is {BENCH_PASSWORD!r}: candidate0@load.test …, "
            "manager0@staff.load.test, support@staff.load.test, examadmin@staff.load.test, "
            "admin@staff.load.test (superuser)."
        )

    @staticmethod
    def _describe(sizes: Sizes) -> str:
        return ", ".join(f"{value:,} {name}" for name, value in sizes.__dict__.items())

    def _has_data(self) -> bool:
        with connection.cursor() as cursor:
            for table in ("secondshot_user", "exams_exam", "vouchers_voucher"):
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608
                if cursor.fetchone()[0]:
                    return True
        return False

    def _reset(self):
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The audit trail refuses TRUNCATE but under maintenance.
                with audit.maintenance():
                    cursor.execute(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE")
            else:
                with audit.maintenance():
                    for table in DATA_TABLES:
                        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
                cursor.execute("DELETE FROM sqlite_sequence")
        self.stdout.write(f"Emptied the data tables in {time.perf_counter() - began:.1f} s")

    def _write(self, table: str, columns: list[str], rows) -> int:
        count = 0
        names = ", ".join(columns)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            batch = []
            for row in rows:
                batch.append([_sqlite_value(value) for value in row])
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    count, batch = count + len(batch), []
            if batch:
                cursor.executemany(sql, batch)
            return count + len(batch)

    def _finish(self):
        """Move the id sequences past the rows written, and refresh the planner's statistics."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in DATA_TABLES:
                if table in ("django_session",):
                    continue
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
            # VACUUM as well as ANALYZE: a table written in bulk has no visibility map
            # until autovacuum reaches it, and without one PostgreSQL reads every row an
            # index finds from the table too, or plans around it (the pack list's count
            # hashed 20,000 packs: 5 ms, against 0.9 ms by index alone once vacuumed).
            # Production's tables are vacuumed as they grow; the benchmark's should be too.
            began = time.perf_counter()
            cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(f"VACUUM (ANALYZE) in {time.perf_counter() - began:.1f} s")


def _sqlite_value(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
