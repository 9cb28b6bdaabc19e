"""Time each candidate page in-process (Django's test client, no HTTP server), with the
benchmark's settings on its data set: the page's own cost, without the server's.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/secondshot_bench \\
        python bench/time_pages.py [--repeat 200]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("pages", nargs="*")
    args = parser.parse_args()

    from bench.run import in_process_pages

    client, pages = in_process_pages()
    for name, url in pages.items():
        if args.pages and name not in args.pages:
            continue
        for _ in range(10):
            client.get(url)
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (name, response.status_code)
        cpu = statistics.median(times)
        print(f"{name:<26} median {cpu:6.2f} ms   min {min(times):6.2f} ms")


if __name__ == "__main__":
    main()
