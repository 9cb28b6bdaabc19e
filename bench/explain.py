"""Print PostgreSQL's plan and time for every query the candidate pages make, on the
benchmark's data set: how to tell which lookup lacks an index.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/secondshot_bench \\
        python bench/explain.py [--analyze] [--slower-than MS]

It signs in as a candidate of the data set with a pending booking and renders each
page in-process (Django's test client), then EXPLAINs each query captured.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--analyze", action="store_true", help="EXPLAIN ANALYZE (runs them)")
    parser.add_argument("--slower-than", type=float, default=0.0, help="only plans above MS")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import candidate_pages

    client = Client()
    for name, url in candidate_pages(client):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        print(f"\n=== {name}: GET {url} → {response.status_code}, {len(captured)} queries")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                options = "ANALYZE, BUFFERS" if args.analyze else "COSTS"
                cursor.execute(f"EXPLAIN ({options}) {sql}")
                plan = [row[0] for row in cursor.fetchall()]
            took = float(query["time"]) * 1000
            if took < args.slower_than:
                continue
            print(f"\n-- {took:.1f} ms: {sql[:300]}")
            print("\n".join("   " + line for line in plan))


if __name__ == "__main__":
    main()
