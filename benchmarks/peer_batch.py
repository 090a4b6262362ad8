"""The peer leaflet's batches, shared by `bench_peers.py` and `bench_cores.py`: its
patients' names, an export of appointments for it, and the `leaflet batch` command
that builds one peer leaflet a row."""

from __future__ import annotations

import csv
import itertools
import os
import statistics
import sys
from pathlib import Path
from typing import Any

import peer_ports
from bench_batch import EXPORT_HEADER
from bench_build import leaflet_command

#: Names beyond ASCII give several bases, as a day's do; some long, some with apostrophes.
NAMES = [
    f"{first} {last}"
    for first, last in itertools.product(
        ["Zoë", "Ann", "Łukasz", "Priya", "Sam", "Olúwaseun", "Mei", "José", "Siobhán"],
        ["Ng", "O'Brien", "Wróbel", "Patel", "Featherstonehaugh-Worthington", "Ødegård"],
    )
]

#: Processes run with their bytecode cached, as an installed leaflet has it (a
#: PYTHONDONTWRITEBYTECODE in the environment would compile every module every run).
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def appointments_csv(path: Path, count: int) -> None:
    """An export of `count` appointments, each for the peer leaflet's treatment."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(EXPORT_HEADER)
        for index in range(count):
            writer.writerow(
                [
                    f"A{index:05d}",
                    NAMES[index % len(NAMES)],
                    "1985-04-23",
                    f"patient{index}@example.com",
                    peer_ports.TREATMENT,
                    f"2026-12-01T{9 + index // 60 % 9:02d}:{index % 60:02d}",
                    "",
                ]
            )


def leaflet_peer_options() -> list[str]:
    return ["--content-dir", str(peer_ports.CONTENT_DIR), "--brand", str(peer_ports.BRAND_FILE)]


def batch_command(
    table: Path, out: Path, jobs: int | None, leaflet: list[str] | None = None
) -> list[str]:
    """`leaflet batch` of the export `table` into `out`, the peer leaflet for each row,
    with `--jobs jobs` (None: the default); `leaflet` runs leaflet's command line
    (default: the installed `leaflet`, else `python -m leaflet`)."""
    return [
        *(leaflet or leaflet_command()),
        "batch",
        str(table),
        "--out-dir",
        str(out),
        *(["--jobs", str(jobs)] if jobs else []),
        "--documents",
        peer_ports.DOCUMENT,
        *leaflet_peer_options(),
    ]


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


# --- a batch's serial start -------------------------------------------------------------

#: Runs leaflet's command line with an audit hook (`sys.addaudithook`, added here:
#: leaflet is unchanged) that notes when the first and the last PDF's temporary file is
#: created (`StagedFiles.add`, as soon as a document's bytes are built), on the clock all
#: processes of a Linux machine share (`time.monotonic`), and writes both to `{trace}` as
#: the process exits.
_TRACED_LEAFLET = """\
import atexit, os, sys, time
seen = {{}}
def note(event, args):
    if event == "open" and len(args) > 2 and isinstance(args[2], int) and args[2] & os.O_CREAT:
        name = os.path.basename(str(args[0]))
        if name.endswith(".part") and ".pdf." in name:
            now = time.monotonic()
            seen.setdefault("first", now)
            seen["last"] = now
def report():
    with open({trace!r}, "w") as stream:
        stream.write(" ".join(repr(seen[key]) for key in ("first", "last") if key in seen))
atexit.register(report)
sys.addaudithook(note)
from leaflet.cli import run
run()
"""


def traced_leaflet(trace: Path) -> list[str]:
    """A command that runs leaflet's command line and writes to `trace` when its first
    and its last PDF were built (read them with `first_and_last_document`). One process
    only: a forked job's documents are not seen."""
    return [sys.executable, "-c", _TRACED_LEAFLET.format(trace=str(trace))]


def first_and_last_document(trace: Path) -> tuple[float, float]:
    """The `time.monotonic()` at which a traced leaflet built its first and last PDF."""
    noted = trace.read_text().split() if trace.exists() else []
    if len(noted) != 2:
        raise SystemExit(f"the traced leaflet wrote no PDF ({trace}: {noted})")
    first, last = map(float, noted)
    return first, last


def serial_start(spans: dict[str, list[float]], one_job: float, target: float) -> dict[str, Any]:
    """What of a one-job batch two jobs cannot share, and the ceiling it sets (Amdahl).

    `spans` holds traced one-job batches' seconds from launch to the first document
    (`first`: the interpreter, imports, brand, reading, parsing and planning the export,
    loading the rendering code, the first base laid out and stamped), after the last
    (`after_last`: its sync and rename, the manifest, the exit) and in all (`whole`).
    Their sum S is work that, with two jobs, one process does while the other waits, or
    both do; even if building the documents between halved, two jobs take at least
    S + (T1 - S) / 2, where T1 is `one_job`, the untraced one-job batch's median."""
    serial = [a + b for a, b in zip(spans["first"], spans["after_last"], strict=True)]
    s = statistics.median(serial)
    per_run = [
        whole / (a + (whole - a) / 2) for a, whole in zip(serial, spans["whole"], strict=True)
    ]
    return {
        "first_document": summary(spans["first"]),
        "after_last_document": summary(spans["after_last"]),
        "serial": summary(serial),
        "traced_batch": summary(spans["whole"]),
        "one_job": one_job,
        "share": s / one_job,
        "amdahl_ceiling": one_job / (s + (one_job - s) / 2),
        # The same from each traced run alone (its own S and whole time), immune to load
        # that moved between the traced and the untraced runs.
        "amdahl_ceiling_traced_runs": statistics.median(per_run),
        "target": target,
        "serial_for_target": one_job * (2 / target - 1),
    }
