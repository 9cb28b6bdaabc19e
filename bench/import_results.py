"""Time importing a results file of ``--rows`` rows, and how much the process grows.

Run by ``bench/run.py`` in a process of its own: another process writes a CSV of
taken bookings of the data set; this one clears their outcomes inside a
transaction, imports the file (every outcome recorded again, with its audit
event), then rolls everything back, so the data set is left as it was. Its peak
memory, less what it had before the import, is the import's. Prints one JSON line.
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_file(path: str, rows: int) -> None:
    """Write a results file of ``rows`` taken bookings of the data set, as recorded."""
    from vouchers.models import Booking

    taken = (
        Booking.objects.filter(outcome__isnull=False)
        .order_by("pk")
        .values_list("pk", "candidate__email", "exam__number", "sitting__starts_at", "outcome")
    )
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["booking_reference", "candidate_email", "exam_number", "sitting_start_utc", "outcome"]
        )
        for pk, email, exam, starts_at, outcome in taken[:rows].iterator(chunk_size=5000):
            writer.writerow([pk, email, exam, starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"), outcome])


def booking_ids(path: str, chunk: int = 10_000):
    """The file's booking ids, a chunk at a time (the file is not held in memory)."""
    with open(path, newline="") as file:
        reader = csv.reader(file)
        next(reader)
        ids = []
        for row in reader:
            ids.append(int(row[0]))
            if len(ids) == chunk:
                yield ids
                ids = []
        if ids:
            yield ids


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--write", help="only write the results file here")
    args = parser.parse_args()

    import django

    django.setup()
    if args.write:
        write_file(args.write, args.rows)
        return
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from bench.loadset import STAFF_DOMAIN
    from vouchers.models import Booking
    from vouchers.services.results import import_results

    # The file is written by another process, so this one's peak memory is the import's.
    path = tempfile.mkstemp(suffix=".csv")[1]
    subprocess.run(
        [sys.executable, __file__, "--rows", str(args.rows), "--write", path], check=True
    )
    recorded_by = get_user_model().objects.get(email=f"examadmin@{STAFF_DOMAIN}")
    before = peak_mb()
    with transaction.atomic():
        for ids in booking_ids(path):
            Booking.objects.filter(pk__in=ids).update(
                outcome=None, outcome_recorded_at=None, outcome_recorded_by=None
            )
        began = time.perf_counter()
        with open(path, "rb") as upload:
            report = import_results(file=upload, recorded_by=recorded_by)
        seconds = time.perf_counter() - began
        transaction.set_rollback(True)
    os.unlink(path)
    print(
        json.dumps(
            {
                "name": f"import a {report.rows:,}-row results file",
                "seconds": round(seconds, 1),
                "rows": report.rows,
                "recorded": report.recorded,
                "refused": report.error_count,
                "rss_before_mb": round(before, 1),
                "rss_peak_mb": round(peak_mb(), 1),
                "rss_growth_mb": round(peak_mb() - before, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
