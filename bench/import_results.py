"""Time importing a results file of ``--rows`` rows, and how much the process grows.

Run by ``bench/run.py`` (in a process of its own, so its peak memory is the
import's): it writes a CSV of taken bookings of the data set, clears their
outcomes inside a transaction, imports the file (every outcome recorded again
through ``record_outcome``, audit events written), then rolls everything back, so
the data set is left as it was. Prints one JSON line.
"""

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondshot.settings")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from vouchers.loadset import STAFF_DOMAIN
    from vouchers.models import Booking
    from vouchers.services.results import import_results

    taken = (
        Booking.objects.filter(status=Booking.Status.TAKEN, outcome__isnull=False)
        .order_by("pk")
        .values_list("pk", "candidate__email", "exam__number", "sitting__starts_at", "outcome")
    )
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=False) as file:
        writer = csv.writer(file)
        writer.writerow(
            ["booking_reference", "candidate_email", "exam_number", "sitting_start_utc", "outcome"]
        )
        ids, written = [], 0
        for pk, email, exam, starts_at, outcome in taken.iterator(chunk_size=5000):
            writer.writerow([pk, email, exam, starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"), outcome])
            ids.append(pk)
            written += 1
            if written == args.rows:
                break
        path = file.name
    del taken
    recorded_by = get_user_model().objects.get(email=f"examadmin@{STAFF_DOMAIN}")
    before = peak_mb()
    with transaction.atomic():
        for start in range(0, len(ids), 10_000):
            Booking.objects.filter(pk__in=ids[start : start + 10_000]).update(
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
                "name": f"import a {written:,}-row results file",
                "seconds": round(seconds, 1),
                "rows": written,
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
