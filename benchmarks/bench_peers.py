"""Benchmark: leaflet against peer engines building the same two-page leaflet (issue 17).

The peer leaflet (`peer/`, see `peer_ports.py`) is built by leaflet, by Typst (the
`typst` package, in this process), by plain ReportLab platypus and by a raw ReportLab
canvas (the floor). Every figure is a median over repetitions timed in turn, in the same
run, so load from other processes hits all of them alike; the ratios are what to compare
between runs and machines.

Sections (``--only``, default all):

* ``warm``: one single build with everything loaded, after a warm-up: leaflet
  (``render_pdf``), Typst (``typst.compile`` of the source, a new world each time),
  platypus and the raw canvas.
* ``personal``: one personalised document, the patient's name changing every time:
  leaflet's stamped copy (``BaseCache.render``, as ``leaflet batch`` workers and library
  callers make them, on bases laid out once), leaflet's full personalised build
  (``render_pdf`` with personal details), Typst's personalised build (``typst.compile``
  with ``sys_inputs``), Typst memoised (one ``typst.Compiler`` kept, given the source
  with the new name written in: every compile is the second with a changed name), and
  the raw canvas.
* ``size``: bytes of a stamped copy against a single personalised build.
* ``cold``: whole processes, min/median/max over ``--process-repeat`` runs, timed in
  turn: ``leaflet info -o -`` on the peer leaflet; a Typst process (``python -c`` that
  imports typst and compiles once); the import floor (a process that imports reportlab,
  jinja2, yaml, PIL and click and builds the peer leaflet once on the raw canvas);
  ``leaflet --help``; ``leaflet list``; and, for scale, ``python -c pass`` and the bare
  imports.
* ``batch``: ``leaflet batch`` of ``--batch-size`` appointments (the peer leaflet each)
  with ``--jobs 1``, ``--jobs 2`` and the default, whole processes into empty folders,
  alternated; and, in the same rounds, a one-job and a two-job batch traced
  (``peer_batch.traced_leaflet``) for the serial start S and the ceiling it sets on two
  jobs, T1 / (S + (T1 - S) / 2); and, in the same rounds, the floor under S: processes
  that only import the libraries a batch's first document needs
  (``peer_batch.FLOOR_IMPORTS``), the first document timed in new processes, and two
  one-job batches at once (this machine's two-process throughput f), with the ceilings
  they set (``peer_batch.floor_ceilings``).

Targets from issue 17 are printed as PASS/FAIL lines (``--fail-on-target`` exits 1 when
one fails). Install the peers first: ``pip install -r benchmarks/requirements.txt``.

    python benchmarks/bench_peers.py                       # about 3 minutes
    python benchmarks/bench_peers.py --only warm,personal --repeat 60
    python benchmarks/bench_peers.py --save /tmp/peers     # the four PDFs, to look at
"""

from __future__ import annotations

import argparse
import collections
import io
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peer_ports
import pypdf
import typst
from bench_build import environment, leaflet_command, time_runs
from peer_batch import (
    ENVIRONMENT,
    FLOOR_IMPORTS,
    NAMES,
    appointments_csv,
    batch_command,
    first_document_command,
    floor_ceilings,
    floor_command,
    leaflet_peer_options,
    read_trace,
    serial_start,
    summary,
    traced_leaflet,
)

import leaflet
from leaflet.render.stamp import BaseCache

SECTIONS = ("warm", "personal", "size", "cold", "batch")
KB = 1024

# Targets of issue 17 (ratios of medians measured in the same run).
MAX_WARM_VS_TYPST = 1.0
MAX_STAMP_VS_TYPST = 0.4
MAX_PERSONAL_VS_TYPST = 0.5
MAX_STAMP_SIZE_GROWTH = 1.05
MAX_QUICK_COMMAND_S = 0.15
MAX_INFO_VS_FLOOR = 1.3
MIN_JOBS_SCALING = 1.7


class Peers:
    """Everything loaded once: leaflet's document, brand and layout, the ports' wording,
    the Typst source and a kept Typst compiler."""

    def __init__(self, tagged: bool | None = None) -> None:
        self.treatment = leaflet.load_treatment(peer_ports.TREATMENT, peer_ports.CONTENT_DIR)
        self.document = self.treatment.document(peer_ports.DOCUMENT)
        self.brand = leaflet.load_brand(peer_ports.BRAND_FILE)
        self.layout = leaflet.load_layout("a4")
        self.peer = peer_ports.load_peer_leaflet()
        self.root = Path(os.path.commonpath([peer_ports.HERE, self.peer.logo]))
        self.text = peer_ports.typst_source(
            self.peer, "/" + self.peer.logo.relative_to(self.root).as_posix()
        )
        self.source = self.text.encode()
        self.fonts = [str(self.peer.regular_path.parent)]
        # Typst tags its PDFs (structure tree) by default; it does the same work as
        # leaflet when it tags exactly when leaflet's PDF is tagged.
        self.tagged = self.leaflet_is_tagged() if tagged is None else tagged
        self.compiler = typst.Compiler(
            root=str(self.root), font_paths=self.fonts, ignore_system_fonts=True
        )
        self.names = itertools.cycle(NAMES)
        self.bases = BaseCache()

    def leaflet_is_tagged(self) -> bool:
        pdf = pypdf.PdfReader(io.BytesIO(self.leaflet_build().data))
        return "/StructTreeRoot" in pdf.trailer["/Root"]

    def personal(self, name: str) -> leaflet.Personalisation:
        return leaflet.Personalisation.from_text(patient_name=name)

    # --- the builds ---------------------------------------------------------------------

    def leaflet_build(self, name: str | None = None) -> Any:
        personal = self.personal(name) if name else None
        return leaflet.render_pdf(self.document, self.brand, self.layout, personal)

    def stamped(self, name: str) -> Any:
        """A stamped copy, as a batch worker or a library caller's `BaseCache` makes it:
        the base (one per set of characters beyond ASCII) laid out once and kept."""
        return self.bases.render(self.document, self.brand, self.layout, self.personal(name))

    def typst(self, name: str | None = None) -> bytes:
        inputs = {"name": name} if name else {}
        return typst.compile(
            self.source,
            root=str(self.root),
            font_paths=self.fonts,
            ignore_system_fonts=True,
            sys_inputs=inputs,
            pdf_tags=self.tagged,
        )

    def typst_memoised(self, name: str) -> bytes:
        """A kept compiler given the source with a new name written in: Typst reuses
        everything the edit leaves unchanged (sys.inputs would change Typst's whole
        standard library, and so redo nearly everything)."""
        source = peer_ports.typst_with_name(self.text, name).encode()
        return self.compiler.compile(input=source, pdf_tags=self.tagged)

    def next_name(self) -> str:
        return next(self.names)


# --- timing -----------------------------------------------------------------------------


def warm(peers: Peers, repeat: int) -> dict[str, dict[str, float]]:
    times = time_runs(
        {
            "leaflet": peers.leaflet_build,
            "typst": peers.typst,
            "platypus": lambda: peer_ports.build_platypus(peers.peer),
            "canvas": lambda: peer_ports.build_canvas(peers.peer),
        },
        repeat,
        warmup=2,
    )
    return {name: summary(samples) for name, samples in times.items()}


def personal(peers: Peers, repeat: int) -> dict[str, dict[str, float]]:
    for name in NAMES:  # every base laid out once, as in a day's batch
        peers.stamped(name)
    times = time_runs(
        {
            "stamped": lambda: peers.stamped(peers.next_name()),
            "leaflet": lambda: peers.leaflet_build(peers.next_name()),
            "typst": lambda: peers.typst(peers.next_name()),
            "typst_memoised": lambda: peers.typst_memoised(peers.next_name()),
            "canvas": lambda: peer_ports.build_canvas(peers.peer, peers.next_name()),
        },
        repeat,
        warmup=2,
    )
    return {name: summary(samples) for name, samples in times.items()}


def sizes(peers: Peers) -> dict[str, int]:
    name = NAMES[0]
    return {
        "stamped": len(peers.stamped(name).data),
        "single": len(peers.leaflet_build(name).data),
        "single_blank": len(peers.leaflet_build().data),
        "typst": len(peers.typst(name)),
        "platypus": len(peer_ports.build_platypus(peers.peer, name)),
        "canvas": len(peer_ports.build_canvas(peers.peer, name)),
    }


# --- processes --------------------------------------------------------------------------


def cold_commands(peers: Peers, workdir: Path) -> dict[str, list[str]]:
    source = workdir / "peer.typ"
    source.write_bytes(peers.source)
    typst_script = (
        "import sys, typst\n"
        f"source = open({str(source)!r}, 'rb').read()\n"
        f"sys.stdout.buffer.write(typst.compile(source, root={str(peers.root)!r}, "
        f"font_paths={peers.fonts!r}, ignore_system_fonts=True, pdf_tags={peers.tagged}))"
    )
    floor_script = (
        "import sys\n"
        f"sys.path.insert(0, {str(peer_ports.HERE)!r})\n"
        "import click, jinja2, yaml, PIL, reportlab, peer_ports\n"
        "sys.stdout.buffer.write(peer_ports.build_canvas(peer_ports.load_peer_leaflet()))"
    )
    command = leaflet_command()
    return {
        "leaflet info": [
            *command,
            "info",
            "--treatment",
            peer_ports.TREATMENT,
            *leaflet_peer_options(),
            "-o",
            "-",
        ],
        "typst process": [sys.executable, "-c", typst_script],
        "import floor + build": [sys.executable, "-c", floor_script],
        "leaflet --help": [*command, "--help"],
        "leaflet list": [*command, "list"],
        "imports only": [
            sys.executable,
            "-c",
            "import click, jinja2, yaml, PIL.Image, reportlab.platypus",
        ],
        "python -c pass": [sys.executable, "-c", "pass"],
    }


#: CPU seconds (user + system) of the last process `run_quietly` ran, with its children:
#: unlike wall time, hardly moved by other work on the machine.
LAST_CPU: list[float] = [0.0]
#: prctl(2): orphaned descendants are reparented to this process, not to init.
_PR_SET_CHILD_SUBREAPER = 36


def _adopt_orphans() -> None:
    """Make the processes a command leaves behind ours to reap (Linux): a batch's fork
    server outlives its process by a moment, and its workers' CPU time would otherwise
    be counted by no one."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_CHILD_SUBREAPER, 1)


def _reap_orphans() -> None:
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def run_quietly(command: list[str], cwd: Path) -> float:
    """Run `command`; its wall seconds (its CPU seconds, and those of every process it
    started, go to `LAST_CPU`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=ENVIRONMENT,
        check=False,
    )
    seconds = time.perf_counter() - started
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
    return seconds


def cold(peers: Peers, repeat: int, workdir: Path) -> dict[str, dict[str, float]]:
    commands = cold_commands(peers, workdir)
    for command in commands.values():  # warm the file cache and .pyc files
        run_quietly(command, workdir)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(run_quietly(command, workdir))
            cpu[name].append(LAST_CPU[0])
    return {
        name: {**summary(samples), "cpu": statistics.median(cpu[name])}
        for name, samples in times.items()
    }


def run_together(commands: list[list[str]], cwd: Path) -> float:
    """Run `commands` at once; the wall seconds until the last has ended (the CPU seconds
    of all go to `LAST_CPU`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    running = [
        subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, env=ENVIRONMENT
        )
        for command in commands
    ]
    errors = [process.communicate()[1] for process in running]
    seconds = time.perf_counter() - started
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    for command, process, error in zip(commands, running, errors, strict=True):
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{error.decode()[-2000:]}")
    return seconds


def run_output(command: list[str], cwd: Path) -> str:
    """What `command` prints (it must succeed)."""
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=ENVIRONMENT)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def first_document_seconds(workdir: Path) -> tuple[float, float]:
    """The seconds of the peer batch's first stamped copy in a new process, and of the
    second row's copy after it (see `peer_batch.first_document_command`)."""
    first, second = map(float, run_output(first_document_command(), workdir).split())
    return first, second


def batch(
    size: int, rounds: int, process_repeat: int, workdir: Path
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """The batch's variants (`jobs 1`, `jobs 2`, `jobs default`); and, from traced one-
    and two-job batches run in the same rounds, the serial start (see `serial_start`);
    and, also in those rounds, the floor under it (see `peer_batch.floor_ceilings`): at
    least `process_repeat` import-floor processes and first documents in new processes,
    and two one-job batches at once (bench_cores' `batch` workload).

    Each run writes into a folder of its own, new, and all are removed after the rounds:
    a clinic's batch does not write into a folder emptied a moment ago, and on ext4
    without a journal, creating files among inodes freed in the last minute or so is
    slower (each new file skips over the recently freed inodes it finds), so removing
    one run's files before the next would time the file system's recovery."""
    table = workdir / "appointments.csv"
    appointments_csv(table, size)
    trace = workdir / "trace.txt"
    times: dict[str, list[float]] = {"jobs 1": [], "jobs 2": [], "jobs default": []}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    traced: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    needed: set[str] = set()  # the libraries' modules the traced first documents had
    floor: dict[str, list[float]] = {"floor": [], "first document": [], "pair": []}
    floor_cpu: list[float] = []
    second_document: list[float] = []  # each first document's process, the next row's copy
    variants: list[int | str | None] = [1, 2, None, "traced 1", "traced 2", *floor]
    each_round = -(-process_repeat // rounds)  # floor processes and first documents
    floor_loaded = set(run_output(floor_command(show_libraries=True), workdir).split(","))
    runs = workdir / "batch-runs"
    for round_ in range(rounds):
        for jobs in variants if round_ % 2 == 0 else variants[::-1]:
            out = runs / f"packs-{str(jobs).replace(' ', '-')}-round-{round_}"
            if jobs == "floor":
                for _ in range(each_round):
                    floor["floor"].append(run_quietly(floor_command(), workdir))
                    floor_cpu.append(LAST_CPU[0])
            elif jobs == "first document":
                for _ in range(each_round):
                    first, second = first_document_seconds(workdir)
                    floor["first document"].append(first)
                    second_document.append(second)
            elif jobs == "pair":
                commands = [batch_command(table, out / str(index), 1) for index in (0, 1)]
                floor["pair"].append(run_together(commands, workdir))
            elif isinstance(jobs, str):
                count = int(jobs.split()[1])
                trace.unlink(missing_ok=True)
                command = batch_command(table, out, count, traced_leaflet(trace))
                launched = time.monotonic()
                run_quietly(command, workdir)
                ran = read_trace(trace)
                traced[count].append(ran.spans(launched, time.monotonic()))
                needed.update(ran.libraries if count == 1 else ())
            else:
                name = f"jobs {jobs or 'default'}"
                times[name].append(run_quietly(batch_command(table, out, jobs), workdir))
                cpu[name].append(LAST_CPU[0])
    shutil.rmtree(runs)
    variant_figures = {
        name: {**summary(samples), "cpu": statistics.median(cpu[name])}
        for name, samples in times.items()
    }
    one_job = variant_figures["jobs 1"]["median"]
    start = serial_start(traced[1], traced[2], one_job, MIN_JOBS_SCALING)
    start.update(
        floor_ceilings(
            start, floor["floor"], floor["first document"], floor["pair"], times["jobs 1"]
        ),
        import_floor_cpu=statistics.median(floor_cpu),
        second_document_alone=summary(second_document),
        floor_imports=list(FLOOR_IMPORTS),
        libraries_not_in_floor=sorted(needed - floor_loaded),
        floor_libraries_not_needed=sorted(floor_loaded - needed),
    )
    return variant_figures, start


# --- report -----------------------------------------------------------------------------


def report(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Print the table of issue 17 and return the target checks."""
    checks: list[dict[str, Any]] = []

    def check(label: str, value: float, op: str, limit: float) -> None:
        ok = value <= limit if op == "<=" else value >= limit
        checks.append(
            {"what": label, "value": round(value, 3), "op": op, "limit": limit, "pass": ok}
        )

    env = figures["environment"]
    print(
        f"\nleaflet {env['leaflet']} ({(env.get('git_commit') or '?')[:10]}), Typst "
        f"{typst.__version__} ({'tagged' if figures['typst_tagged'] else 'untagged'}, as "
        f"leaflet's PDF), ReportLab {env['reportlab']}, Python {env['python']}, "
        f"{env['cpus']} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    rows: list[tuple[str, str, str]] = []
    if "warm" in figures:
        w = {name: item["median"] for name, item in figures["warm"].items()}
        rows.append(
            (
                "single warm build",
                f"{w['leaflet'] * 1e3:.1f} ms",
                f"{w['leaflet'] / w['typst']:.2f}x Typst ({w['typst'] * 1e3:.1f}), "
                f"{w['leaflet'] / w['platypus']:.2f}x platypus "
                f"({w['platypus'] * 1e3:.1f}), {w['leaflet'] / w['canvas']:.2f}x raw "
                f"canvas ({w['canvas'] * 1e3:.1f})",
            )
        )
        check("single warm build / Typst", w["leaflet"] / w["typst"], "<=", MAX_WARM_VS_TYPST)
    if "personal" in figures:
        p = {name: item["median"] for name, item in figures["personal"].items()}
        rows.append(
            (
                "stamped batch copy (`BaseCache.render`)",
                f"{p['stamped'] * 1e3:.1f} ms",
                f"{p['stamped'] / p['typst']:.2f}x Typst personalised "
                f"({p['typst'] * 1e3:.1f}), {p['stamped'] / p['canvas']:.2f}x raw canvas"
                f" ({p['canvas'] * 1e3:.1f}); {p['stamped'] / p['typst_memoised']:.2f}x"
                f" Typst memoised ({p['typst_memoised'] * 1e3:.1f})",
            )
        )
        rows.append(
            (
                "full personalised build (`render_pdf`)",
                f"{p['leaflet'] * 1e3:.1f} ms",
                f"{p['leaflet'] / p['typst']:.2f}x Typst personalised",
            )
        )
        check(
            "stamped copy / Typst personalised", p["stamped"] / p["typst"], "<=", MAX_STAMP_VS_TYPST
        )
        check(  # a library caller keeping a BaseCache gets the stamped copy
            "personalised build in a long-running process / Typst personalised",
            p["stamped"] / p["typst"],
            "<=",
            MAX_PERSONAL_VS_TYPST,
        )
    if "batch" in figures:
        b = figures["batch"]
        one, two = b["jobs 1"]["median"], b["jobs 2"]["median"]
        rows.append(
            (
                f"batch of {figures['batch_size']}, `--jobs 2` vs `--jobs 1`",
                f"{two:.2f} s vs {one:.2f} s",
                f"two jobs {one / two:.2f}x one job; default (no --jobs) "
                f"{b['jobs default']['median']:.2f} s; CPU seconds (all processes) "
                f"{b['jobs 2']['cpu']:.1f} vs {b['jobs 1']['cpu']:.1f}",
            )
        )
        if figures["batch_size"] >= 1000:
            check("batch: 2 jobs / 1 job throughput", one / two, ">=", MIN_JOBS_SCALING)
    if "batch_start" in figures:
        start = figures["batch_start"]
        serial = start["serial"]["median"]
        rows.append(
            (
                "serial start S of `--jobs 1` (to its first document + after its last)",
                f"{serial:.2f} s of {start['one_job']:.2f} s",
                f"{start['share']:.0%} of one job: two jobs at most "
                f"{start['amdahl_ceiling']:.2f}x (Amdahl; each traced run's own: "
                f"{start['amdahl_ceiling_traced_runs']:.2f}x); {MIN_JOBS_SCALING}x needs S <= "
                f"{start['serial_for_target']:.2f} s. First document after "
                f"{start['first_document']['median']:.2f} s, "
                f"{start['after_last_document']['median']:.2f} s after the last "
                f"(traced runs {start['traced_batch']['median']:.2f} s)",
            )
        )
        floor, first = start["import_floor"], start["first_document_alone"]
        rows.append(
            (
                "S if only the import floor + the first document (S')",
                f"{start['serial_floor']:.2f} s",
                f"import floor {floor['median']:.3f} s (min {floor['min']:.3f}, max "
                f"{floor['max']:.3f}, {floor['runs']} processes; CPU "
                f"{start['import_floor_cpu']:.3f} s), first document "
                f"{first['median'] * 1e3:.0f} ms in a new process ({first['runs']}; the "
                f"next row's {start['second_document_alone']['median'] * 1e3:.1f} ms): two jobs "
                f"at most {start['amdahl_ceiling_floor']:.2f}x (of T1' = "
                f"{start['one_job_floor']:.2f} s)",
            )
        )
        if machine := start.get("two_processes"):
            rows.append(
                (
                    "two one-job batches at once vs one alone (this machine's f)",
                    f"{machine['two']['median']:.2f} s vs {machine['one']['median']:.2f} s",
                    f"f = {machine['throughput']:.2f}x ({machine['throughput_min']:.2f}-"
                    f"{machine['throughput_max']:.2f} round by round): two jobs at most "
                    f"{start['amdahl_ceiling_machine']:.2f}x from S, "
                    f"{start['amdahl_ceiling_floor_machine']:.2f}x from S'",
                )
            )
        if missing := start["libraries_not_in_floor"]:
            rows.append(
                (
                    "libraries' modules the first document had, not in the import floor",
                    str(len(missing)),
                    ", ".join(missing),
                )
            )
        if two := start.get("two_jobs"):
            rows.append(
                (
                    "first document of `--jobs 2`: its own process / the forked job",
                    f"{two['first_document']['median']:.2f} s / "
                    f"{two['forked_first_document']['median']:.2f} s",
                    f"two jobs at most {two['ceiling']:.2f}x from these starts "
                    f"(traced runs {two['traced_batch']['median']:.2f} s)",
                )
            )
    if "cold" in figures:
        c = {name: item["median"] for name, item in figures["cold"].items()}
        info, floor = c["leaflet info"], c["import floor + build"]
        rows.append(
            (
                "cold `leaflet info -o -`",
                f"{info:.2f} s",
                f"{info / c['typst process']:.1f}x a Typst process "
                f"({c['typst process']:.2f} s), {info / floor:.2f}x the import floor "
                f"+ build ({floor:.2f} s)",
            )
        )
        for name in ("leaflet --help", "leaflet list"):
            item = figures["cold"][name]
            rows.append(
                (
                    f"`{name}`",
                    f"{item['median']:.2f} s",
                    f"min {item['min']:.2f}, max {item['max']:.2f} over {item['runs']};"
                    f" `python -c pass` {c['python -c pass']:.2f} s",
                )
            )
            check(f"`{name}` median seconds", item["median"], "<=", MAX_QUICK_COMMAND_S)
        check("cold info / import floor + build", info / floor, "<=", MAX_INFO_VS_FLOOR)
    if "size" in figures:
        s = figures["size"]
        rows.append(
            (
                "stamped copy size",
                f"{s['stamped'] / KB:.0f} KB",
                f"{(s['stamped'] / s['single'] - 1) * 100:+.0f}% over a single build "
                f"({s['single'] / KB:.0f} KB); Typst {s['typst'] / KB:.0f} KB",
            )
        )
        check(
            "stamped size / single build size",
            s["stamped"] / s["single"],
            "<=",
            MAX_STAMP_SIZE_GROWTH,
        )
    print("\n| what | leaflet | ratio |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if "cold" in figures:
        print("\nprocesses (seconds)           min  median     max  median CPU")
        for name, item in figures["cold"].items():
            print(
                f"  {name:<26}{item['min']:>6.3f}{item['median']:>8.3f}{item['max']:>8.3f}"
                f"{item['cpu']:>12.3f}"
            )
    for section in ("warm", "personal"):
        if section in figures:
            print(f"\n{section} (ms)              median     min     max")
            for name, item in figures[section].items():
                print(
                    f"  {name:<22}{item['median'] * 1e3:>8.1f}{item['min'] * 1e3:>8.1f}"
                    f"{item['max'] * 1e3:>8.1f}"
                )
    print()
    for item in checks:
        print(
            f"{'PASS' if item['pass'] else 'FAIL'}  {item['what']}: {item['value']} "
            f"(target {item['op']} {item['limit']})"
        )
    return checks


def save_pdfs(peers: Peers, folder: Path) -> None:
    """The four builds of the peer leaflet (blank and for one patient) and the Typst
    source, to look at side by side."""
    folder.mkdir(parents=True, exist_ok=True)
    name = NAMES[0]
    (folder / "peer.typ").write_bytes(peers.source)
    for suffix, who in (("", None), ("-personal", name)):
        (folder / f"leaflet{suffix}.pdf").write_bytes(peers.leaflet_build(who).data)
        (folder / f"typst{suffix}.pdf").write_bytes(peers.typst(who))
        (folder / f"platypus{suffix}.pdf").write_bytes(peer_ports.build_platypus(peers.peer, who))
        (folder / f"canvas{suffix}.pdf").write_bytes(peer_ports.build_canvas(peers.peer, who))
    (folder / "leaflet-stamped.pdf").write_bytes(peers.stamped(name).data)
    print(f"wrote the peer PDFs to {folder}")
    expected = words(folder / "leaflet-personal.pdf")
    for other in ("typst", "platypus", "canvas", "leaflet-stamped"):
        path = (
            folder / f"{other}-personal.pdf"
            if other != "leaflet-stamped"
            else (folder / f"{other}.pdf")
        )
        found = words(path)
        same = (
            "the same words"
            if found == expected
            else (
                f"different words: missing {dict(expected - found)}, extra {dict(found - expected)}"
            )
        )
        print(f"  {path.name}: {same} as leaflet-personal.pdf")


def words(path: Path) -> collections.Counter[str]:
    """The words of a PDF's text, counted (the order of columns may differ)."""
    reader = pypdf.PdfReader(path)
    return collections.Counter(" ".join(page.extract_text() for page in reader.pages).split())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections: {', '.join(SECTIONS)}",
    )
    parser.add_argument(
        "--repeat", type=int, default=40, help="timed in-process builds per engine (default 40)"
    )
    parser.add_argument(
        "--process-repeat",
        type=int,
        default=12,
        help="timed runs of each process (default 12, at least 10)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=200,
        help="appointments in the batch section (default 200)",
    )
    parser.add_argument(
        "--batch-rounds", type=int, default=3, help="timed batches per job count (default 3)"
    )
    parser.add_argument(
        "--tagged",
        choices=("auto", "yes", "no"),
        default="auto",
        help="Typst builds a tagged PDF: as leaflet's (auto), or always or never",
    )
    parser.add_argument("--json", type=Path, help="also write every figure as JSON here")
    parser.add_argument("--save", type=Path, help="write the peer PDFs to this folder")
    parser.add_argument(
        "--fail-on-target", action="store_true", help="exit 1 when a target is missed"
    )
    args = parser.parse_args(argv)
    args.sections = [item.strip() for item in args.only.split(",") if item.strip()]
    if unknown := set(args.sections) - set(SECTIONS):
        parser.error(f"unknown sections {sorted(unknown)}; sections: {', '.join(SECTIONS)}")
    if args.process_repeat < 10:
        parser.error("--process-repeat must be at least 10")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _adopt_orphans()
    tagged = {"auto": None, "yes": True, "no": False}[args.tagged]
    peers = Peers(tagged)
    if args.save:
        save_pdfs(peers, args.save)
    figures: dict[str, Any] = {
        "environment": environment(),
        "typst": typst.__version__,
        "typst_tagged": peers.tagged,
        "batch_size": args.batch_size,
    }
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as scratch:
        workdir = Path(scratch)
        for section in SECTIONS:
            if section not in args.sections:
                continue
            print(f"measuring {section}...", file=sys.stderr, flush=True)
            if section == "warm":
                figures["warm"] = warm(peers, args.repeat)
            elif section == "personal":
                figures["personal"] = personal(peers, args.repeat)
            elif section == "size":
                figures["size"] = sizes(peers)
            elif section == "cold":
                figures["cold"] = cold(peers, args.process_repeat, workdir)
            elif section == "batch":
                figures["batch"], figures["batch_start"] = batch(
                    args.batch_size, args.batch_rounds, args.process_repeat, workdir
                )
    figures["load_average_after"] = os.getloadavg()
    checks = report(figures)
    figures["checks"] = checks
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 1 if args.fail_on_target and not all(item["pass"] for item in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
