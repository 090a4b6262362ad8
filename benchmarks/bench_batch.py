"""Benchmark: building a day's personalised packs with `leaflet batch`.

For a made-up day of appointments (default 1,000, three documents each) it measures, in
one run on one machine:

* batch throughput: documents per second of ``build_batch`` with 1 job (in this
  process) and with 2 jobs (worker processes), each into an empty folder;
* cost per document in a batch (1 job: wall time / documents) against a single warm
  build (``render_pdf`` with personal details, everything loaded; median per document,
  averaged over info, consent and aftercare);
* the plain ReportLab reference of ``bench_build.py`` (the same wording as bare
  paragraphs), per document, averaged the same way;
* the naive way: one ``leaflet <document> --patient-name ...`` process per document, on
  a sample of documents (``--naive-sample``), as documents per second;
* peak memory per worker (the largest worker's maximum resident set, from
  ``getrusage(RUSAGE_CHILDREN)`` in a fresh process running ``leaflet batch --jobs 2``
  on an export of the day) at 1,000 and 10,000 documents (``--memory-docs``).

Targets, printed as PASS/FAIL lines:

* a document in a batch costs at most half a single warm build;
* 2 jobs give at least 1.7x the throughput of 1;
* peak memory per worker is at most 150 MB and does not grow with the batch (the
  largest run within 10% of the smallest);
* the batch (2 jobs) is at least 20x faster than the naive way.

Run with the package installed (about 4 minutes with the defaults)::

    python benchmarks/bench_batch.py
    python benchmarks/bench_batch.py --appointments 300 --memory-docs 300 3000 --json b.json
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import (
    environment,
    leaflet_command,
    reference_pdf,
    reference_sheet,
    run_command,
)

import leaflet
from leaflet import Appointment, build_batch

FIRST = [
    "Zoë",
    "Ann",
    "Łukasz",
    "Priya",
    "Sam",
    "Olúwaseun",
    "Mei",
    "José",
    "Siobhán",
    "Tom",
    "Anna-Maria",
    "Bartholomew",
]
LAST = [
    "Ng",
    "O'Brien",
    "Wróbel",
    "Patel",
    "Lee",
    "Adeyemi",
    "Chen",
    "García",
    "Murphy",
    "Smith",
    "Featherstonehaugh-Worthington",
    "Ødegård",
]
PRACTITIONERS = ["Dr Sam Lee", "Dr Priya Patel", "Nurse Amy Jones", ""]
MAX_COST_SHARE = 0.5
MIN_SCALING = 1.7
MAX_WORKER_MB = 150.0
MAX_GROWTH = 1.10
MIN_NAIVE_SPEEDUP = 20.0
WARM_REPEAT = 15
EXPORT_HEADER = [
    "appointment_id",
    "patient_name",
    "date_of_birth",
    "email",
    "treatment",
    "appointment",
    "practitioner",
]


def day_of_appointments(count: int) -> list[Appointment]:
    """`count` appointments with varied names, ages, times and practitioners."""
    start = dt.datetime(2026, 12, 1, 9, 0)
    appointments = []
    for index in range(count):
        name = f"{FIRST[index % len(FIRST)]} {LAST[(index * 7) % len(LAST)]}"
        born = dt.date(1950 + index % 50, 1 + index % 12, 1 + index % 28)
        when = start + dt.timedelta(minutes=15 * index)
        personal = leaflet.Personalisation(
            name, born, when, PRACTITIONERS[index % len(PRACTITIONERS)]
        )
        appointments.append(
            Appointment(
                f"A{index:05d}", personal, "microneedling", email=f"patient{index}@example.com"
            )
        )
    return appointments


def warm_builds(brand: leaflet.Brand, layout: leaflet.Layout) -> dict[str, dict[str, float]]:
    """Median seconds of a single personalised build and of the reference, per document."""
    treatment = leaflet.load_treatment("microneedling")
    personal = day_of_appointments(1)[0].personal
    sheet = reference_sheet(brand, layout)
    results = {}
    for name in leaflet.DOCUMENTS:
        document = treatment.document(name)
        leaflet.render_pdf(document, brand, layout, personal)
        reference_pdf(document, brand, layout, sheet)
        warm, reference = [], []
        for _ in range(WARM_REPEAT):  # alternated, so a burst of load hits both
            started = time.perf_counter()
            leaflet.render_pdf(document, brand, layout, personal)
            warm.append(time.perf_counter() - started)
            started = time.perf_counter()
            reference_pdf(document, brand, layout, sheet)
            reference.append(time.perf_counter() - started)
        results[name] = {"warm": statistics.median(warm), "reference": statistics.median(reference)}
    return results


def timed_batch(appointments: list[Appointment], jobs: int, folder: Path) -> dict[str, Any]:
    """A batch into `folder`, new (see `main`)."""
    started = time.perf_counter()
    result = build_batch(appointments, folder, jobs=jobs)
    seconds = time.perf_counter() - started
    if result.problems:
        raise SystemExit(f"batch problems: {result.problems[:3]}")
    documents = len(result.built)
    return {
        "jobs": jobs,
        "documents": documents,
        "seconds": seconds,
        "documents_per_second": documents / seconds,
    }


def naive(appointments: list[Appointment], sample: int, folder: Path) -> dict[str, Any]:
    """One `leaflet` process per document, for the first `sample` documents."""
    command = leaflet_command()
    times = []
    for index in range(sample):
        item = appointments[index // len(leaflet.DOCUMENTS)]
        name = leaflet.DOCUMENTS[index % len(leaflet.DOCUMENTS)]
        personal = item.personal
        started = time.perf_counter()
        run_command(
            [
                *command,
                name,
                "--patient-name",
                personal.patient_name,
                "--date-of-birth",
                personal.date_of_birth.isoformat(),
                "--appointment",
                personal.appointment.isoformat(timespec="minutes"),
                "--practitioner",
                personal.practitioner or "",
                "-o",
                str(folder / f"naive-{index}.pdf"),
            ]
        )
        times.append(time.perf_counter() - started)
    return {
        "documents": sample,
        "median_seconds": statistics.median(times),
        "documents_per_second": 1 / statistics.mean(times),
    }


def worker_memory(documents: int, folder: Path) -> dict[str, Any]:
    """Peak resident memory of the largest worker of a 2-job `leaflet batch` run, and of
    its main process, in a fresh process (the export written here, beforehand)."""
    table = folder.with_suffix(".csv")
    write_export(day_of_appointments(math.ceil(documents / len(leaflet.DOCUMENTS))), table)
    done = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(table), "--out", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"memory run failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def write_export(appointments: list[Appointment], table: Path) -> None:
    """`appointments` as a booking system's CSV export."""
    with table.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(EXPORT_HEADER)
        for item in appointments:
            personal = item.personal
            assert personal.date_of_birth is not None and personal.appointment is not None
            writer.writerow(
                [
                    item.appointment_id,
                    personal.patient_name,
                    personal.date_of_birth.isoformat(),
                    item.email,
                    item.treatment,
                    personal.appointment.isoformat(timespec="minutes"),
                    personal.practitioner,
                ]
            )


def memory_child(table: Path, folder: Path) -> None:
    """Run `leaflet batch TABLE --jobs 2` in this process, as a clinic would run it: the
    forked job is a child of this process, so `RUSAGE_CHILDREN` sees its peak once it
    has been waited for. (Through `build_batch` the job would also inherit, and count
    in its resident size, the caller's appointments, made before it forks.)"""
    from leaflet.cli import run

    sys.argv = ["leaflet", "batch", str(table), "--out-dir", str(folder), "--jobs", "2"]
    started = time.perf_counter()
    try:
        run()  # the command line's own entry point
    except SystemExit as done:
        if done.code:
            raise
    seconds = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024
    print(
        json.dumps(
            {
                "documents": len(leaflet.read_manifest(folder)),
                "seconds": seconds,
                "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale,
                "main_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale,
            }
        )
    )


def report(figures: dict[str, Any]) -> list[dict[str, Any]]:
    warm = figures["single"]
    single = statistics.mean(item["warm"] for item in warm.values())
    reference = statistics.mean(item["reference"] for item in warm.values())
    one, two = figures["batch"]
    per_document = one["seconds"] / one["documents"]
    print(
        f"\nleaflet {leaflet.__version__}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    print("\nsingle builds (median ms)    warm build   plain ReportLab reference")
    for name, item in warm.items():
        print(f"  {name:<27}{item['warm'] * 1e3:>11.1f}{item['reference'] * 1e3:>14.1f}")
    print(f"  {'mean':<27}{single * 1e3:>11.1f}{reference * 1e3:>14.1f}")
    naive_rate = figures["naive"]["documents_per_second"]
    print(f"\n{'way':<34}{'docs/s':>9}{'ms/doc':>9}")
    rows = [
        (f"batch, 1 job ({one['documents']} docs)", one["documents_per_second"]),
        (f"batch, 2 jobs ({two['documents']} docs)", two["documents_per_second"]),
        ("single warm builds (mean)", 1 / single),
        ("plain ReportLab reference (mean)", 1 / reference),
        (f"naive: a process per doc ({figures['naive']['documents']} docs)", naive_rate),
    ]
    for label, rate in rows:
        print(f"  {label:<32}{rate:>9.1f}{1e3 / rate:>9.1f}")
    print("\npeak memory per worker (2 jobs)")
    for run in figures["memory"]:
        print(
            f"  {run['documents']:>6} docs: {run['worker_peak_mb']:.0f} MB "
            f"(main process {run['main_peak_mb']:.0f} MB, {run['seconds']:.0f} s)"
        )
    memory = [run["worker_peak_mb"] for run in figures["memory"]]
    checks = [
        ("batch document / single warm build", per_document / single, "<=", MAX_COST_SHARE),
        ("batch document / plain ReportLab reference", per_document / reference, "info", None),
        (
            "2 jobs / 1 job throughput",
            two["documents_per_second"] / one["documents_per_second"],
            ">=",
            MIN_SCALING,
        ),
        ("largest worker peak MB", max(memory), "<=", MAX_WORKER_MB),
        ("worker peak, largest / smallest batch", memory[-1] / memory[0], "<=", MAX_GROWTH),
        (
            "batch (2 jobs) / naive throughput",
            two["documents_per_second"] / naive_rate,
            ">=",
            MIN_NAIVE_SPEEDUP,
        ),
    ]
    print()
    results = []
    for label, value, relation, target in checks:
        if target is None:
            print(f"  info  {label}: {value:.2f}")
            continue
        passed = value <= target if relation == "<=" else value >= target
        print(
            f"  {'PASS' if passed else 'FAIL'}  {label}: {value:.2f} (target {relation} {target})"
        )
        results.append(
            {"check": label, "value": value, "target": f"{relation} {target}", "passed": passed}
        )
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--appointments",
        type=int,
        default=1000,
        help="appointments in the timed batches (3 documents each)",
    )
    parser.add_argument(
        "--memory-docs",
        type=int,
        nargs="+",
        default=[1000, 10000],
        help="documents in each memory run, smallest first",
    )
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=12,
        help="documents built the naive way (one process each)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
    parser.add_argument(
        "--fail-on-target", action="store_true", help="exit 1 when a target is missed"
    )
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child, args.out)
        return 0
    brand, layout = leaflet.load_brand(), leaflet.load_layout("a4")
    appointments = day_of_appointments(args.appointments)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as temporary:
        folder = Path(temporary)
        figures: dict[str, Any] = {"environment": environment()}
        print("single warm builds and the reference...", flush=True)
        figures["single"] = warm_builds(brand, layout)
        figures["batch"] = []
        # Each timed batch writes into a new folder, all removed with `temporary` at the
        # end: files made among inodes freed a moment ago are slower to create (ext4
        # without a journal; see bench_peers.batch), as a clinic's batch never is.
        for jobs in (1, 2):
            print(f"batch with {jobs} job(s)...", flush=True)
            figures["batch"].append(timed_batch(appointments, jobs, folder / f"jobs{jobs}"))
        print("the naive way...", flush=True)
        figures["naive"] = naive(appointments, args.naive_sample, folder)
        figures["memory"] = []
        for documents in args.memory_docs:
            print(f"memory, {documents} documents...", flush=True)
            figures["memory"].append(worker_memory(documents, folder / f"memory{documents}"))
    figures["targets"] = report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    failed = [item for item in figures["targets"] if not item["passed"]]
    return 1 if failed and args.fail_on_target else 0


if __name__ == "__main__":
    sys.exit(main())
