"""The benchmarks of what two processes reach (`benchmarks/bench_cores.py`) and of a
batch's serial start (`benchmarks/peer_batch.py`, used by `bench_peers.py --only batch`):
what they report and how, on tiny workloads; nothing here is timed against a limit."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import peer_batch  # noqa: E402  (benchmarks/ is not a package)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the benchmark forks")

WORKLOADS = ["python", "zlib", "allocation", "stamp", "build", "batch"]
SUMMARY_KEYS = {"median", "min", "max", "runs"}


def bench_cores(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_cores.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_bench_cores_reports_every_workload_as_a_table_and_as_json(tmp_path):
    out = tmp_path / "cores.json"
    done = bench_cores(
        "--workloads",
        ",".join(WORKLOADS),
        "--rounds",
        "2",
        "--seconds",
        "0.01",
        "--batch-size",
        "2",
        "--json",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert set(figures) == {
        "environment",
        "rounds",
        "seconds",
        "batch_size",
        "load_average_before",
        "load_average_after",
        "workloads",
    }
    assert (figures["rounds"], figures["seconds"], figures["batch_size"]) == (2, 0.01, 2)
    assert list(figures["workloads"]) == WORKLOADS
    for name, item in figures["workloads"].items():
        assert set(item) == {
            "what",
            "units",
            "one",
            "two",
            "ratio",
            "ratio_min",
            "ratio_max",
            "ratio_per_round",
            "cpu_one",
            "cpu_two",
            "cpu_ratio",
            "steal_one",
            "steal_two",
        }, name
        assert set(item["one"]) == set(item["two"]) == SUMMARY_KEYS
        assert item["one"]["runs"] == item["two"]["runs"] == 2
        assert len(item["ratio_per_round"]) == 2
        assert item["ratio_min"] <= item["ratio_max"]
        assert item["ratio"] == pytest.approx(2 * item["one"]["median"] / item["two"]["median"])
        assert item["cpu_one"] > 0 and item["cpu_two"] > 0
        assert (item["units"] is None) == (name == "batch")
    # The table: a header and one row per workload, with the ratio the JSON holds.
    table = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert table[0].startswith("| workload | 1 process | 2 processes | throughput 2 / 1")
    rows = table[2:]
    assert [row.split(":")[0] for row in rows] == [f"| {name}" for name in WORKLOADS]
    for row, item in zip(rows, figures["workloads"].values(), strict=True):
        assert f"| {item['ratio']:.2f}x (" in row
    assert "load average" in done.stdout
    # The batch workload's own output (progress lines) does not reach the report.
    assert "Built" not in done.stdout + done.stderr


def test_bench_cores_names_an_unknown_workload():
    done = bench_cores("--workloads", "python,numpy")
    assert done.returncode == 2
    assert "unknown workloads ['numpy']; workloads: python, zlib, allocation" in done.stderr


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_traced_batch_notes_when_each_process_built_its_first_document(tmp_path, jobs):
    table, out, trace = tmp_path / "appointments.csv", tmp_path / "packs", tmp_path / "trace"
    peer_batch.appointments_csv(table, 150)
    command = peer_batch.batch_command(table, out, jobs, peer_batch.traced_leaflet(trace))
    launched = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=peer_batch.ENVIRONMENT)
    ended = time.monotonic()
    assert done.returncode == 0, done.stderr
    assert len(list(out.glob("*.pdf"))) == 150
    traced = peer_batch.read_trace(trace)
    assert traced.first is not None and traced.last is not None
    assert launched < traced.start < traced.first < traced.last < ended
    # A forked job (`--jobs 2`) inherits the hook and notes its own first document.
    assert len(traced.forked_first) == jobs - 1
    assert all(traced.start < first < ended for first in traced.forked_first)
    # The command's own process notes the libraries its first document needed.
    if jobs == 1:
        assert {"click", "reportlab.platypus", "pikepdf"} <= set(traced.libraries)
        assert "jinja2" not in traced.libraries  # the peer wording only puts values in
        assert not any(name.startswith("leaflet") for name in traced.libraries)
    spans = traced.spans(launched, ended)
    assert set(spans) == {"whole", "interpreter", "first", "after_last"} | (
        {"forked_first"} if jobs == 2 else set()
    )
    assert spans["first"] == pytest.approx(traced.first - launched)


def test_a_batch_that_built_nothing_has_no_trace(tmp_path):
    with pytest.raises(SystemExit, match="the traced leaflet wrote no PDF"):
        peer_batch.read_trace(tmp_path / "trace")


def spans(first, after_last, whole, forked_first=None):
    return {
        "whole": whole,
        "interpreter": 0.01,
        "first": first,
        "after_last": after_last,
        **({"forked_first": forked_first} if forked_first is not None else {}),
    }


def test_serial_start_is_amdahls_ceiling_for_two_jobs():
    one = [spans(0.5, 0.1, 2.4), spans(0.6, 0.1, 2.8), spans(0.4, 0.1, 2.5)]
    two = [spans(0.8, 0.1, 2.0, forked_first=0.5), spans(0.6, 0.1, 1.8)]  # 2nd: no fork
    start = peer_batch.serial_start(one, two, one_job=2.6, target=1.7)
    assert start["serial"]["median"] == pytest.approx(0.6)
    assert start["first_document"]["median"] == pytest.approx(0.5)
    assert start["share"] == pytest.approx(0.6 / 2.6)
    # Two jobs take at least S + (T1 - S) / 2 = 0.6 + 1.0 s.
    assert start["amdahl_ceiling"] == pytest.approx(2.6 / 1.6)
    # Each traced run: 2.4 / (0.6 + 0.9), 2.8 / (0.7 + 1.05), 2.5 / (0.5 + 1.0).
    assert start["amdahl_ceiling_traced_runs"] == pytest.approx(1.6)
    # 1.7x needs S + (T1 - S) / 2 <= T1 / 1.7, so S <= T1 (2 / 1.7 - 1).
    assert start["serial_for_target"] == pytest.approx(2.6 * (2 / 1.7 - 1))
    s = start["serial_for_target"]
    assert 2.6 / (s + (2.6 - s) / 2) == pytest.approx(1.7)
    # From the two-job run that forked: the building (2.6 - 0.6 s) shared by processes
    # starting at 0.8 and 0.5 s, then the one-job runs' 0.1 s after the last document.
    assert start["two_jobs"]["ceiling"] == pytest.approx(2.6 / ((2.0 + 0.8 + 0.5) / 2 + 0.1))
    assert start["two_jobs"]["forked_first_document"]["runs"] == 1


def test_serial_start_without_a_forked_job_has_no_two_job_figures():
    start = peer_batch.serial_start([spans(0.5, 0.1, 2.4)], [], one_job=2.6, target=1.7)
    assert "two_jobs" not in start


def test_the_import_floor_loads_what_a_batchs_first_document_needs(tmp_path):
    floor = subprocess.run(
        peer_batch.floor_command(show_libraries=True), capture_output=True, text=True
    )
    assert floor.returncode == 0, floor.stderr
    loaded = set(floor.stdout.strip().split(","))
    table, out, trace = tmp_path / "appointments.csv", tmp_path / "packs", tmp_path / "trace"
    peer_batch.appointments_csv(table, 3)
    command = peer_batch.batch_command(table, out, 1, peer_batch.traced_leaflet(trace))
    done = subprocess.run(command, capture_output=True, text=True, env=peer_batch.ENVIRONMENT)
    assert done.returncode == 0, done.stderr
    assert set(peer_batch.read_trace(trace).libraries) <= loaded


#: Counts, in the first document's process, the bases laid out and the copies stamped
#: on them (`leaflet.render.stamp`; None from either: a document laid out in full), and
#: prints both after its figures.
COUNT_STAMPED = """from leaflet.render import stamp
made = {"bases": 0, "stamped": 0}
def counting(what, function):
    def counted(*args, **kwargs):
        result = function(*args, **kwargs)
        made[what] += result is not None
        return result
    return counted
stamp.lay_out_base = counting("bases", stamp.lay_out_base)
stamp.stamp = counting("stamped", stamp.stamp)
"""


def test_the_first_document_is_timed_in_a_new_process():
    """A new Python lays out the first row's base, then stamps the next row's copy on
    it: the second figure is that of a stamped copy alone (checked by counting what is
    laid out and stamped, not by comparing the figures)."""
    python, flag, script = peer_batch.first_document_command()
    assert (python, flag) == (sys.executable, "-c")
    done = subprocess.run(
        [python, flag, f"{COUNT_STAMPED}{script}print(made['bases'], made['stamped'])\n"],
        capture_output=True,
        text=True,
        env=peer_batch.ENVIRONMENT,
    )
    assert done.returncode == 0, done.stderr
    figures, made = done.stdout.splitlines()
    assert len(figures.split()) == 2
    assert all(float(seconds) > 0 for seconds in figures.split())
    assert made == "1 2"  # one base, both copies stamped on it


def test_floor_ceilings_are_amdahls_with_the_floor_and_the_machine():
    one = [spans(0.5, 0.1, 2.4), spans(0.6, 0.1, 2.8), spans(0.4, 0.1, 2.5)]
    start = peer_batch.serial_start(one, [], one_job=2.6, target=1.7)  # S = 0.6
    figures = peer_batch.floor_ceilings(
        start,
        floor=[0.30, 0.35, 0.50],
        first_document=[0.05, 0.06, 0.04],
        pair=[3.0, 3.2],
        one_alone=[2.5, 2.7],
    )
    # S' = 0.35 + 0.05; T1' = 2.6 - (0.6 - 0.4) = 2.4; two jobs at most 2.4 / (0.4 + 1.0).
    assert figures["serial_floor"] == pytest.approx(0.4)
    assert figures["one_job_floor"] == pytest.approx(2.4)
    assert figures["amdahl_ceiling_floor"] == pytest.approx(2.4 / 1.4)
    assert figures["import_floor"]["runs"] == 3
    # f = 2 x 2.6 / 3.1; the shared part takes (T1 - S) / f.
    f = 2 * 2.6 / 3.1
    assert figures["two_processes"]["throughput"] == pytest.approx(f)
    assert figures["two_processes"]["throughput_min"] == pytest.approx(2 * 2.5 / 3.0)
    assert figures["two_processes"]["throughput_max"] == pytest.approx(2 * 2.7 / 3.2)
    assert figures["amdahl_ceiling_machine"] == pytest.approx(2.6 / (0.6 + 2.0 / f))
    assert figures["amdahl_ceiling_floor_machine"] == pytest.approx(2.4 / (0.4 + 2.0 / f))
    assert "two_processes" not in peer_batch.floor_ceilings(start, [0.3], [0.05], [], [])
