"""Profile one page in-process with pyinstrument, on the benchmark's data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/secondshot_bench \\
        python bench/profile_page.py "book: sittings" [--repeat 50]

The page names are those of ``bench/pages.py``'s ``candidate_pages`` (and "floor").
Settings are the benchmark's (DEBUG off); the profile is printed as text and
written as HTML under bench/results/profiles/.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    from bench.run import in_process_pages

    client, pages = in_process_pages()
    from pyinstrument import Profiler

    url = pages[args.page]
    for _ in range(5):
        client.get(url)  # warm up: connection, templates
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.repeat):
            response = client.get(url)
    assert response.status_code == 200, response.status_code
    print(profiler.output_text(unicode=True, show_all=os.environ.get("PROFILE_ALL") == "1"))
    out = ROOT / "bench" / "results" / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    name = args.page.replace(" ", "_").replace(":", "")
    (out / f"{name}.html").write_text(profiler.output_html())


if __name__ == "__main__":
    main()
