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


def appointment_row(index: int) -> list[str]:
    """Row `index` (from 0) of the export (`bench_batch.EXPORT_HEADER`'s columns)."""
    return [
        f"A{index:05d}",
        NAMES[index % len(NAMES)],
        "1985-04-23",
        f"patient{index}@example.com",
        peer_ports.TREATMENT,
        f"2026-12-01T{9 + index // 60 % 9:02d}:{index % 60:02d}",
        "",
    ]


def appointments_csv(path: Path, count: int) -> None:
    """An export of `count` appointments, each for the peer leaflet's treatment."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(EXPORT_HEADER)
        writer.writerows(map(appointment_row, range(count)))


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

#: Source of `libraries()`: the modules of installed libraries (site-packages, leaflet
#: aside) that this process has loaded, by name.
_LIBRARIES = """\
def libraries():
    import sys, sysconfig
    roots = tuple({sysconfig.get_path(key) for key in ("purelib", "platlib")})
    return sorted(
        name for name, module in list(sys.modules.items())
        if str(getattr(module, "__file__", None) or "").startswith(roots)
        and name.partition(".")[0] != "leaflet"
    )
"""

#: Runs leaflet's command line with an audit hook (`sys.addaudithook`, added here:
#: leaflet is unchanged) that notes when each process (the command's, and a job it
#: forks, which inherits the hook) creates its first PDF's temporary file
#: (`StagedFiles.add`, as soon as a document's bytes are built), and when the command's
#: own process created its last, on the clock all processes of a Linux machine share
#: (`time.monotonic`). Lines `start|first|last <pid> <seconds>` go to `{trace}`, and,
#: when the command's own process built its first document, `libraries <pid> <names>`:
#: the modules of installed libraries it had loaded then (`_LIBRARIES`).
_TRACED_LEAFLET = """\
import atexit, os, sys, time
{libraries}
trace = os.open({trace!r}, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
def write(what, pid, value):
    os.write(trace, f"{{what}} {{pid}} {{value}}\\n".encode())
write("start", os.getpid(), time.monotonic())
last = {{}}
def note(event, args):
    if event == "open" and len(args) > 2 and isinstance(args[2], int) and args[2] & os.O_CREAT:
        name = os.path.basename(str(args[0]))
        if name.endswith(".part") and ".pdf." in name:
            now, pid = time.monotonic(), os.getpid()
            if pid not in last:
                write("first", pid, now)
                if pid == main:
                    write("libraries", pid, ",".join(libraries()))
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
    return [
        sys.executable,
        "-c",
        _TRACED_LEAFLET.format(trace=str(trace), libraries=_LIBRARIES),
    ]


@dataclass
class Trace:
    """A traced leaflet's times (`time.monotonic()`): the start of its process, its own
    first and last PDF (None if it built none: its forked job built them all), and the
    first PDF of each process it forked; and the libraries its first PDF needed."""

    start: float
    first: float | None
    last: float | None
    forked_first: list[float]
    #: The modules of installed libraries loaded when its own first PDF was built.
    libraries: tuple[str, ...] = ()

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
    names = {pid: value for what, pid, *value in lines if what == "libraries"}
    times = [(what, pid, float(seconds)) for what, pid, seconds in lines if what != "libraries"]
    main = next((pid for what, pid, _ in times if what == "start"), None)
    own = {what: seconds for what, pid, seconds in times if pid == main}
    forked = [seconds for what, pid, seconds in times if what == "first" and pid != main]
    if "start" not in own or not ("first" in own or forked):
        raise SystemExit(f"the traced leaflet wrote no PDF ({trace}: {lines})")
    libraries = tuple(filter(None, ",".join(names.get(main, [])).split(",")))
    return Trace(own["start"], own.get("first"), own.get("last"), forked, libraries)


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


# --- the floor under the serial start ---------------------------------------------------

#: What a one-job batch of the peer leaflet imports from the libraries it depends on
#: before its first document (`Trace.libraries` holds what a traced run had loaded; the
#: benchmark prints any module of theirs this leaves out): the command line (Click),
#: escaping the values wording puts in (MarkupSafe), written dates and numbers (Babel),
#: hyphenation (Pyphen), the output folder's lock (filelock), layout and drawing
#: (ReportLab's platypus, canvas and TrueType fonts; ReportLab's utilities import Pillow),
#: the logo (Pillow's image, the plugins `Image.open`
#: loads, and the two modules leaflet's colour checks use) and the stamped copy
#: (pikepdf). Not PyYAML: with the validated-content cache filled, a batch reads no
#: YAML; nor pydantic, for the same reason. Not Jinja2: the peer leaflet's wording only
#: puts values in, rendered without it (`leaflet.sources.wording`); nor uharfbuzz's code,
#: which runs only when text is shaped. They are imported after `leaflet`'s package, as
#: in a batch (see `floor_command`), which also leaves uharfbuzz waiting.
FLOOR_IMPORTS = (
    "click",
    "markupsafe",
    "babel.dates",
    "babel.numbers",
    "pyphen",
    "filelock",
    "reportlab.platypus",
    "reportlab.pdfgen.canvas",
    "reportlab.pdfbase.ttfonts",
    "PIL.Image",
    "PIL.ImageChops",
    "PIL.ImageMath",
    "PIL.BmpImagePlugin",
    "PIL.GifImagePlugin",
    "PIL.JpegImagePlugin",
    "PIL.PngImagePlugin",
    "PIL.PpmImagePlugin",
    "pikepdf",
)


def floor_command(show_libraries: bool = False) -> list[str]:
    """A process that imports `FLOOR_IMPORTS` as leaflet loads them and ends: the least
    a batch's first document waits for (the interpreter's start and exit included).
    `import leaflet` comes first: its package (`leaflet/__init__.py`, a few names and
    `leaflet.deferred_patterns`, no more) leaves patterns that ReportLab and pikepdf
    compile as they load until first used, which without it would add 70-90 ms that
    no leaflet process pays. With `show_libraries`, it prints the modules of the
    libraries it loaded, comma-separated."""
    script = f"import leaflet, {', '.join(FLOOR_IMPORTS)}\n"
    if show_libraries:
        script += f"{_LIBRARIES}print(','.join(libraries()))\n"
    return [sys.executable, "-c", script]


#: A process that loads the peer leaflet's document, brand and layout as a batch does
#: (the rendering code imported, the first row's values read), then prints the seconds
#: of its first stamped copy (`BaseCache.render`: the base laid out on cold caches, the
#: values drawn and stamped) and of a second, for the next row's patient.
_FIRST_DOCUMENT = """\
import sys, time
sys.path.insert(0, {here!r})
import leaflet, {imports}
import peer_ports
from leaflet.render.stamp import BaseCache
treatment = leaflet.load_treatment(peer_ports.TREATMENT, peer_ports.CONTENT_DIR)
document = treatment.document(peer_ports.DOCUMENT)
brand = leaflet.load_brand(peer_ports.BRAND_FILE)
layout = leaflet.load_layout("a4")
bases = BaseCache()
seconds = []
for values in {rows!r}:
    personal = leaflet.Personalisation.from_text(**values)
    started = time.perf_counter()
    bases.render(document, brand, layout, personal)
    seconds.append(time.perf_counter() - started)
print(*seconds)
"""


def first_document_command() -> list[str]:
    """A process that prints the seconds of the peer batch's first stamped copy and of
    its second (see `_FIRST_DOCUMENT`)."""
    rows = [
        {"patient_name": name, "date_of_birth": born, "appointment": at, "email": email}
        for _, name, born, email, _, at, _ in map(appointment_row, (0, 1))
    ]
    script = _FIRST_DOCUMENT.format(
        here=str(peer_ports.HERE), imports=", ".join(FLOOR_IMPORTS), rows=rows
    )
    return [sys.executable, "-c", script]


def floor_ceilings(
    start: dict[str, Any],
    floor: list[float],
    first_document: list[float],
    pair: list[float],
    one_alone: list[float],
) -> dict[str, Any]:
    """The ceilings on two jobs if the serial start S were only the import floor and the
    first document (S' = floor + first document, medians), and on this machine's two
    processes.

    `start` is `serial_start`'s figures; `floor` the wall seconds of `floor_command`
    processes; `first_document` the seconds of first stamped copies
    (`first_document_command`); `pair` the wall seconds of two one-job batches run at
    once, each into a folder of its own, and `one_alone` those of one alone in the same
    rounds (bench_cores' `batch` workload; round by round for the least and greatest
    ratio). With S' the one-job batch would take
    T1' = T1 - (S - S'), and two jobs at most T1' / (S' + (T1' - S') / 2). If two
    processes at once are f = 2 T(one) / T(two) times as fast as one, not twice, the
    shared part takes (T1 - S) / f: ceilings T1 / (S + (T1 - S) / f) and
    T1' / (S' + (T1' - S') / f)."""

    def ceiling(whole: float, serial: float, speed: float = 2.0) -> float:
        return whole / (serial + (whole - serial) / speed)

    one_job, serial = start["one_job"], start["serial"]["median"]
    floor_serial = statistics.median(floor) + statistics.median(first_document)
    one_job_floor = one_job - (serial - floor_serial)
    figures: dict[str, Any] = {
        "import_floor": summary(floor),
        "first_document_alone": summary(first_document),
        "serial_floor": floor_serial,
        "one_job_floor": one_job_floor,
        "amdahl_ceiling_floor": ceiling(one_job_floor, floor_serial),
    }
    if pair and one_alone:
        speed = 2 * statistics.median(one_alone) / statistics.median(pair)
        per_round = [2 * one / two for one, two in zip(one_alone, pair, strict=False)]
        figures["two_processes"] = {
            "one": summary(one_alone),
            "two": summary(pair),
            "throughput": speed,
            "throughput_min": min(per_round),
            "throughput_max": max(per_round),
        }
        figures["amdahl_ceiling_machine"] = ceiling(one_job, serial, speed)
        figures["amdahl_ceiling_floor_machine"] = ceiling(one_job_floor, floor_serial, speed)
    return figures
