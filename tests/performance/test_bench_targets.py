"""How the benchmark judges its figures (bench/run.py's targets) and lays out its scale
table (bench/scale.py): on made-up figures, so nothing here is timed."""

import json

import pytest

from bench import run, scale


def page(name, *, ratio=1.0, p50=10.0, p99=30.0, rps=500.0, unexpected=0):
    return {
        "name": name,
        "ratio_to_floor": ratio,
        "p50_ms": p50,
        "p99_ms": p99,
        "rps": rps,
        "unexpected": unexpected,
        "socket_errors": 0,
    }


def report(*pages):
    return {"pages": list(pages), "consistency": {"oversold sittings": 0}, "timings": []}


def verdicts(figures):
    run.judge(figures)
    return {v["name"]: v for v in figures["targets"]}


MEETING_EVERY_TARGET = [
    page("dashboard, cold", ratio=0.8, p99=49.9),
    page("dashboard, warm", ratio=1.0),
    page("sitting search, uncached", ratio=0.8),
    page("sitting search, cold"),
    page("sitting search, warm"),
    page("booking POST", ratio=0.6, p99=900),
    page("support search", p50=99.9, p99=400),
    page("pack changelist", p50=99.9, p99=400),
]


def test_figures_on_every_target_meet_them_all():
    judged = verdicts(report(*MEETING_EVERY_TARGET))
    assert all(v["met"] for v in judged.values()), judged


@pytest.mark.parametrize(
    ("name", "change", "why"),
    [
        ("dashboard, cold", {"ratio": 0.79}, "ratio 0.79 < 0.8"),
        ("dashboard, cold", {"p99": 50.0}, "p99 50.0 ms ≥ 50"),
        ("dashboard, warm", {"ratio": 0.99}, "ratio 0.99 < 1.0"),
        ("sitting search, uncached", {"ratio": 0.5}, "ratio 0.5 < 0.8"),
        ("sitting search, warm", {"p99": 51.0}, "p99 51.0 ms ≥ 50"),
        ("booking POST", {"ratio": 0.59}, "ratio 0.59 < 0.6"),
        ("support search", {"p50": 100.0}, "p50 100.0 ms ≥ 100"),
        ("pack changelist", {"unexpected": 3}, "3 unexpected answers"),
    ],
)
def test_a_figure_off_its_target_is_missed_with_the_reason(name, change, why):
    pages = [dict(p) for p in MEETING_EVERY_TARGET]
    (off,) = [p for p in pages if p["name"] == name]
    keys = {"ratio": "ratio_to_floor", "p50": "p50_ms", "p99": "p99_ms", "unexpected": "unexpected"}
    off.update({keys[k]: v for k, v in change.items()})
    judged = verdicts(report(*pages))
    assert judged[name]["met"] is False
    assert why in judged[name]["why"]
    assert [n for n, v in judged.items() if not v["met"]] == [name]


def test_a_page_not_measured_is_neither_met_nor_missed():
    judged = verdicts(report(*MEETING_EVERY_TARGET[:-1]))
    assert judged["pack changelist"]["met"] is None


def test_the_scale_table_puts_each_page_beside_itself_at_every_size(tmp_path, monkeypatch):
    monkeypatch.setattr(scale, "RESULTS", tmp_path)
    for size, vouchers, p50 in ((0.1, 100_000, 9.5), (1.0, 1_000_000, 10.0)):
        figures = report(page("floor", p50=p50 - 2), page("dashboard, cold", p50=p50))
        figures["conditions"] = {
            "vouchers": vouchers,
            "candidates_signed_in": 300,
            "rounds": 2,
            "seconds_per_page": 4,
            "connections": 8,
            "commit": "abc1234",
        }
        (tmp_path / f"scale-{size:g}.json").write_text(json.dumps(figures))

    lines = scale.table([0.1, 1.0]).splitlines()

    assert lines[0] == "| page | 100,000 vouchers | 1,000,000 vouchers |"
    assert lines[3] == (
        "| dashboard, cold | 9.5 ms p50, 500/s, 1.00× floor | 10.0 ms p50, 500/s, 1.00× floor |"
    )
    assert "300 candidates signed in at every scale" in lines[-1]


def test_a_floor_slower_than_the_p99_target_is_said_beside_the_verdicts():
    """A machine on which the cheapest signed-in page misses the p99 target is named so,
    and the verdicts stand as they are."""
    slow = verdicts_and_notes(page("floor", p50=37.4, p99=65.5, rps=206.7))
    assert any("p99 65.5 ms ≥ 50" in note for note in slow["machine_notes"])
    assert any("less than 2.7 floors" in note for note in slow["machine_notes"])
    assert slow["targets"]["dashboard, cold"]["met"] is True

    fast = verdicts_and_notes(page("floor", p50=12.0, p99=30.0))
    assert not any("p99" in note for note in fast["machine_notes"])


def verdicts_and_notes(floor):
    figures = report(floor, *MEETING_EVERY_TARGET)
    run.judge(figures)
    return {
        "targets": {v["name"]: v for v in figures["targets"]},
        "machine_notes": figures["machine_notes"],
    }
