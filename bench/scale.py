"""Cost as the data grows: the benchmark at several sizes of the data set, one table.

    python bench/scale.py                       # scales 0.1, 1 and 3 (3 million vouchers)
    python bench/scale.py --scales 0.1,1 --candidates 250

Each scale has a database of its own (``secondshot_bench_s0_1``, ``secondshot_bench_s3``;
scale 1 is ``make bench``'s own ``secondshot_bench``: each built the first time, about 3
minutes a million vouchers), and
``bench/run.py`` measures it with the same candidates signed in at every size (the
smallest data set holds about 300 who can book, drawn at random: 291 on the build of
2026-12-07, so 250 are asked) and the same rounds, so that a row's
figures differ only by the size of the data around it. Each run's JSON goes to
``bench/results/scale-<scale>.json``; the table, printed as Markdown for
bench/README.md, is written to ``bench/results/scale.md``.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SERVER = "postgres://postgres@127.0.0.1:5432"


def database(scale: float) -> str:
    if scale == 1:
        return f"{SERVER}/secondshot_bench"
    tag = f"{scale:g}".replace(".", "_")
    return f"{SERVER}/secondshot_bench_s{tag}"


def output(scale: float) -> Path:
    return RESULTS / f"scale-{scale:g}.json"


def table(scales: list[float]) -> str:
    """Each page's p50 and requests a second at each scale, and its ratio to the floor."""
    reports = {scale: json.loads(output(scale).read_text()) for scale in scales}
    header = "| page | " + " | ".join(
        f"{reports[s]['conditions']['vouchers']:,} vouchers" for s in scales
    )
    lines = [
        header + " |",
        "| --- |" + " --- |" * len(scales),
    ]
    names = [p["name"] for p in reports[scales[0]]["pages"]]
    for name in names:
        cells = []
        for scale in scales:
            page = next((p for p in reports[scale]["pages"] if p["name"] == name), None)
            if page is None:
                cells.append("—")
                continue
            cells.append(
                f"{page['p50_ms']:.1f} ms p50, {page['rps']:.0f}/s, "
                f"{page['ratio_to_floor']:.2f}× floor"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for scale in scales:
        for timing in reports[scale]["timings"]:
            if "seconds" in timing and "import" in timing["name"]:
                lines.append(f"| {timing['name']} at scale {scale:g} | {timing['seconds']} s |")
    conditions = reports[scales[0]]["conditions"]
    lines.append("")
    lines.append(
        f"{conditions['candidates_signed_in']:,} candidates signed in at every scale; "
        f"{conditions['rounds']} rounds of {conditions['seconds_per_page']} s a page, "
        f"{conditions['connections']} connections; commit {conditions['commit']}."
    )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales", type=lambda t: [float(x) for x in t.split(",")], default=[0.1, 1.0, 3.0]
    )
    parser.add_argument("--candidates", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=4)
    parser.add_argument(
        "--table-only", action="store_true", help="print the table of the last runs"
    )
    args = parser.parse_args()
    if not args.table_only:
        for scale in args.scales:
            print(f"== scale {scale:g}", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "run.py"),
                    "--scale", str(scale),
                    "--database", database(scale),
                    "--candidates", str(args.candidates),
                    "--rounds", str(args.rounds),
                    "--duration", str(args.duration),
                    "--output", str(output(scale)),
                ],
                check=True,
            )  # fmt: skip
    markdown = table(args.scales)
    (RESULTS / "scale.md").write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
