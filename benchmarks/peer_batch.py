"""The peer leaflet's batches, shared by `bench_peers.py` and `bench_cores.py`: its
patients' names, an export of appointments for it, and the `leaflet batch` command
that builds one peer leaflet a row."""

from __future__ import annotations

import csv
import itertools
import os
import statistics
import sys
from dataclasses import dataclass
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
#: leaflet is unchanged) that notes when each process (the command's, and a job it
#: forks, which inherits the hook) creates its first PDF's temporary file
#: (`StagedFiles.add`, as soon as a document's bytes are built), and when the command's
#: own process created its last, on the clock all processes of a Linux machine share
#: (`time.monotonic`). Lines `start|first|last <pid> <seconds>` go to `{trace}`.
_TRACED_LEAFLET = """\
import atexit, os, sys, time
trace = os.open({trace!r}, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
def write(what, pid, seconds):
    os.write(trace, f"{{what}} {{pid}} {{seconds!r}}\\n".encode())
write("start", os.getpid(), time.monotonic())
last = {{}}
def note(event, args):
    if event == "open" and len(args) > 2 and isinstance(args[2], int) and args[2] & os.O_CREAT:
        name = os.path.basename(str(args[0]))
        if name.endswith(".part") and ".pdf." in name:
            now, pid = time.monotonic(), os.getpid()
            if pid not in last:
                write("first", pid, now)
            last[pid] = now
main = os.getpid()
atexit.register(lambda: main in last and write("last", main, last[main]))
sys.addaudithook(note)
from leaflet.cli import run
run()
"""


def traced_leaflet(trace: Path) -> list[str]:
    """A command that runs leaflet's command line and notes in `trace` when each of its
    processes built its first PDF and when its own process built its last (read them
    with `read_trace`)."""
    return [sys.executable, "-c", _TRACED_LEAFLET.format(trace=str(trace))]


@dataclass
class Trace:
    """A traced leaflet's times (`time.monotonic()`): the start of its process, its own
    first and last PDF (None if it built none: its forked job built them all), and the
    first PDF of each process it forked."""

    start: float
    first: float | None
    last: float | None
    forked_first: list[float]

    def spans(self, launched: float, ended: float) -> dict[str, float]:
        """Seconds from `launched` (just before the command was started) to its
        interpreter's start, to its first PDF and to a forked job's first (where there
        are any), after its last PDF to `ended`, and in all."""
        spans = {"whole": ended - launched, "interpreter": self.start - launched}
        if self.first is not None and self.last is not None:
            spans.update(first=self.first - launched, after_last=ended - self.last)
        if self.forked_first:
            spans["forked_first"] = min(self.forked_first) - launched
        return spans


def read_trace(trace: Path) -> Trace:
    lines = [line.split() for line in trace.read_text().splitlines()] if trace.exists() else []
    main = next((pid for what, pid, _ in lines if what == "start"), None)
    own = {what: float(seconds) for what, pid, seconds in lines if pid == main}
    forked = [float(seconds) for what, pid, seconds in lines if what == "first" and pid != main]
    if "start" not in own or not ("first" in own or forked):
        raise SystemExit(f"the traced leaflet wrote no PDF ({trace}: {lines})")
    return Trace(own["start"], own.get("first"), own.get("last"), forked)


def serial_start(
    one: list[dict[str, float]], two: list[dict[str, float]], one_job: float, target: float
) -> dict[str, Any]:
    """What of a one-job batch two jobs cannot share, and the ceiling it sets (Amdahl).

    `one` holds traced one-job batches' `Trace.spans`: the time to the first document
    (the interpreter, imports, brand, reading, parsing and planning the export, loading
    the rendering code, the first base laid out and stamped) and after the last (its
    sync and rename, the manifest, the exit). Their sum S is work that, with two jobs,
    one process does while the other waits, or both do; even if building the documents
    between halved, two jobs take at least S + (T1 - S) / 2, T1 being `one_job`, the
    untraced one-job batch's median.

    `two` holds traced two-job batches': when the command's process and the job it
    forks each built their first document (a and b). The forked job can start before
    the command's own process, which loads the rendering code after planning; so the
    bound from them is (T1 - S + a + b) / 2 + the time after the last document."""

    def ceiling(whole: float, serial: float) -> float:
        return whole / (serial + (whole - serial) / 2)

    serial = [run["first"] + run["after_last"] for run in one]
    s = statistics.median(serial)
    figures: dict[str, Any] = {
        "interpreter": summary([run["interpreter"] for run in one]),
        "first_document": summary([run["first"] for run in one]),
        "after_last_document": summary([run["after_last"] for run in one]),
        "serial": summary(serial),
        "traced_batch": summary([run["whole"] for run in one]),
        "one_job": one_job,
        "share": s / one_job,
        "amdahl_ceiling": ceiling(one_job, s),
        # The same from each traced run alone (its own S and whole time), immune to load
        # that moved between the traced and the untraced runs.
        "amdahl_ceiling_traced_runs": statistics.median(
            ceiling(run["whole"], run["first"] + run["after_last"]) for run in one
        ),
        "target": target,
        "serial_for_target": one_job * (2 / target - 1),
    }
    forked = [run for run in two if "forked_first" in run and "first" in run]
    if forked:
        a = statistics.median(run["first"] for run in forked)
        b = statistics.median(run["forked_first"] for run in forked)
        after = statistics.median(run["after_last"] for run in one)
        figures["two_jobs"] = {
            "first_document": summary([run["first"] for run in forked]),
            "forked_first_document": summary([run["forked_first"] for run in forked]),
            "traced_batch": summary([run["whole"] for run in forked]),
            "ceiling": one_job / ((one_job - s + a + b) / 2 + after),
        }
    return figures
