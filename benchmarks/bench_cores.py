"""Benchmark: what two processes can reach on this machine, one against two (issue 17).

Two jobs can be at most twice as fast as one only if the machine runs two processes
twice as fast as one. On a virtual machine whose two vCPUs may share a physical core,
its caches or its memory bandwidth, it may not, and how far it falls short depends on
the work. For each reference workload this runs one process, then two processes each
doing the same work at once (the order alternating by round, ``--rounds`` rounds), and
prints the median wall time of each, the throughput ratio ``2 x T(1) / T(2)`` (2.0:
the second core is a whole core for this work), its least and greatest per round, and
the CPU seconds of each process: when two processes at once each need more CPU for the
same work, the cores are slower while both are busy; when only their wall time grows,
something else took the second core.

Workloads (``--workloads``, default all but ``batch``):

* ``python``: a pure-Python integer loop (the interpreter alone, no allocation);
* ``zlib``: compressing 3.25 MB (C code, no interpreter);
* ``allocation``: building and dropping lists and dicts of strings, the kind of work
  laying out a PDF does (many small objects);
* ``stamp``: leaflet's stamped copies of the peer leaflet (``BaseCache.render``, the
  patients' names in turn, on bases laid out and with every name drawn before the fork):
  a batch job's copying and revising per document, without drawing a new value;
* ``build``: leaflet's full personalised build of the peer leaflet (``render_pdf``),
  warm (laid out once before the fork);
* ``batch``: whole ``leaflet batch --jobs 1`` processes of ``--batch-size`` peer
  leaflets, one alone and two at once into folders of their own: what two
  independent one-job batches give, with no work shared or handed over.

The in-process workloads are sized to take about ``--seconds`` of CPU in one process
(timed before the rounds) and run in processes forked from this one, each with its caches
warm (the collector's objects frozen first, as ``leaflet batch`` does). Linux and other
systems with ``os.fork`` only. Standard library and leaflet only.

    python benchmarks/bench_cores.py                      # about 45 seconds
    python benchmarks/bench_cores.py --workloads stamp,batch --rounds 8 --json cores.json
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peer_ports
from bench_build import environment
from peer_batch import ENVIRONMENT, NAMES, appointments_csv, batch_command, summary

import leaflet
from leaflet.render.stamp import BaseCache

#: One process's share of the work: called in the process (forked or started) with the
#: index of that process (0 or 1), it does all that process's work.
Job = Callable[[int], None]


@dataclass
class Workload:
    name: str
    what: str
    #: Makes the job (an in-process one sized to take about `--seconds` of CPU in one
    #: process); `reset` (re)sets what the job needs before each run.
    prepare: Callable[[argparse.Namespace, Path], Job]
    reset: Callable[[Path], None] = lambda scratch: None


# --- the workloads ----------------------------------------------------------------------


def repeated(unit: Callable[[], object], seconds: float) -> Job:
    """`unit` called as often as takes about `seconds` of CPU (timed here, after a
    warm-up, in CPU time: other work on the machine would stretch the wall time)."""
    unit()
    timings = []
    for _ in range(3):
        started = time.process_time()
        unit()
        timings.append(time.process_time() - started)
    count = max(1, round(seconds / max(statistics.median(timings), 1e-6)))

    def job(index: int) -> None:
        for _ in range(count):
            unit()

    job.count = count  # type: ignore[attr-defined]
    return job


def python_loop() -> int:
    total = 0
    for i in range(200_000):
        total += i * i % 7
    return total


#: 3.25 MB: a quarter MB of random bytes (stored), 3 MB of one word (compressed).
ZLIB_DATA = os.urandom(1 << 18) + b"leaflet " * (3 << 17)


def zlib_loop() -> bytes:
    return zlib.compress(ZLIB_DATA, 6)


def allocation_loop() -> int:
    """Lists and dicts of short strings, made and dropped."""
    words = [str(i) * 3 for i in range(30_000)]
    index = {i: (i, word) for i, word in enumerate(words)}
    return len(index)


class PeerLeaflet:
    """The peer leaflet (`peer/`) loaded once, with bases for every patient laid out and
    each name drawn (kept in `Base.drawn`: later copies with these names draw nothing)."""

    def __init__(self) -> None:
        treatment = leaflet.load_treatment(peer_ports.TREATMENT, peer_ports.CONTENT_DIR)
        self.document = treatment.document(peer_ports.DOCUMENT)
        self.brand = leaflet.load_brand(peer_ports.BRAND_FILE)
        self.layout = leaflet.load_layout("a4")
        self.bases = BaseCache()
        self.patients = itertools.cycle(NAMES)
        for _ in NAMES:
            self.stamped()

    def personal(self) -> leaflet.Personalisation:
        return leaflet.Personalisation.from_text(patient_name=next(self.patients))

    def stamped(self) -> object:
        return self.bases.render(self.document, self.brand, self.layout, self.personal())

    def built(self) -> object:
        return leaflet.render_pdf(self.document, self.brand, self.layout, self.personal())


_PEER: list[PeerLeaflet] = []


def peer_leaflet() -> PeerLeaflet:
    if not _PEER:
        _PEER.append(PeerLeaflet())
    return _PEER[0]


def prepare_batch(args: argparse.Namespace, scratch: Path) -> Job:
    appointments_csv(scratch / "appointments.csv", args.batch_size)
    # One untimed run: bytecode compiled and cached, files in the page cache.
    reset_batch(scratch)
    done = subprocess.run(
        command_of_batch(scratch, 0), capture_output=True, text=True, env=ENVIRONMENT
    )
    if done.returncode != 0:
        raise SystemExit(f"leaflet batch failed:\n{done.stderr[-2000:]}")

    def job(index: int) -> None:
        command = command_of_batch(scratch, index)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, sys.stdout.fileno())  # its progress lines
        os.dup2(quiet, sys.stderr.fileno())
        os.execve(command[0], command, ENVIRONMENT)

    return job


#: The batch workload's run: each writes into new folders (`reset_batch`).
_BATCH_RUN = [0]


def command_of_batch(scratch: Path, index: int) -> list[str]:
    """The batch workload's process `index` (0 or 1): one job, a folder of its own, new
    for each run."""
    out = scratch / f"packs-{_BATCH_RUN[0]}-{index}"
    return batch_command(scratch / "appointments.csv", out, 1)


def reset_batch(scratch: Path) -> None:
    """The next run writes into new folders; all are removed with `scratch` at the end.
    (Removing the last run's files instead would slow this run's file creation: ext4
    without a journal skips the inodes freed in the last minute or so, one by one, see
    bench_peers.batch; a clinic's batch never writes among files removed a moment ago.)"""
    _BATCH_RUN[0] += 1


WORKLOADS = {
    workload.name: workload
    for workload in (
        Workload(
            "python",
            "pure-Python integer loop",
            lambda args, scratch: repeated(python_loop, args.seconds),
        ),
        Workload(
            "zlib",
            "zlib.compress of 3.25 MB",
            lambda args, scratch: repeated(zlib_loop, args.seconds),
        ),
        Workload(
            "allocation",
            "lists and dicts of strings",
            lambda args, scratch: repeated(allocation_loop, args.seconds),
        ),
        Workload(
            "stamp",
            "leaflet stamped copies (BaseCache.render)",
            lambda args, scratch: repeated(peer_leaflet().stamped, args.seconds),
        ),
        Workload(
            "build",
            "leaflet personalised builds (render_pdf)",
            lambda args, scratch: repeated(peer_leaflet().built, args.seconds),
        ),
        Workload(
            "batch",
            "leaflet batch --jobs 1 processes",
            prepare_batch,
            reset_batch,
        ),
    )
}
DEFAULT_WORKLOADS = ("python", "zlib", "allocation", "stamp", "build")


# --- running ----------------------------------------------------------------------------


def steal_seconds() -> float:
    """CPU time the hypervisor gave to others while this machine's vCPUs wanted it, all
    CPUs, since boot (Linux; 0 elsewhere)."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return 0.0
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


@dataclass
class Run:
    wall: float  # seconds from the first fork to the last process's end
    cpu: list[float]  # user + system seconds of each process
    steal: float  # the machine's steal seconds meanwhile


def run(job: Job, processes: int) -> Run:
    """`processes` processes at once, each doing `job` (forked from this one)."""
    sys.stdout.flush()
    sys.stderr.flush()
    steal = steal_seconds()
    started = time.perf_counter()
    pids = []
    for index in range(processes):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's end is never returned from
            code = 0
            try:
                job(index)
            except BaseException as err:
                print(f"process {index} failed: {err!r}", file=sys.stderr)
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        pids.append(pid)
    cpu = []
    failed = False
    for pid in pids:
        _, status, usage = os.wait4(pid, 0)
        cpu.append(usage.ru_utime + usage.ru_stime)
        failed = failed or os.waitstatus_to_exitcode(status) != 0
    wall = time.perf_counter() - started
    if failed:
        raise SystemExit("a measured process failed (see above)")
    return Run(wall, cpu, steal_seconds() - steal)


def measure(workload: Workload, args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    """Per workload: the rounds' runs of one process and of two, and their ratios."""
    job = workload.prepare(args, scratch)
    gc.collect()
    gc.freeze()  # the children's collections leave what was loaded here alone
    runs: dict[int, list[Run]] = {1: [], 2: []}
    for round_ in range(args.rounds):
        for processes in (1, 2) if round_ % 2 == 0 else (2, 1):
            workload.reset(scratch)
            runs[processes].append(run(job, processes))
    gc.unfreeze()
    one = [item.wall for item in runs[1]]
    two = [item.wall for item in runs[2]]
    per_round = [2 * a / b for a, b in zip(one, two, strict=True)]
    cpu_one = statistics.median(seconds for item in runs[1] for seconds in item.cpu)
    cpu_two = statistics.median(seconds for item in runs[2] for seconds in item.cpu)
    return {
        "what": workload.what,
        "units": getattr(job, "count", None),
        "one": summary(one),
        "two": summary(two),
        "ratio": 2 * statistics.median(one) / statistics.median(two),
        "ratio_min": min(per_round),
        "ratio_max": max(per_round),
        "ratio_per_round": per_round,
        "cpu_one": cpu_one,
        "cpu_two": cpu_two,
        "cpu_ratio": cpu_two / cpu_one,
        "steal_one": statistics.median(item.steal for item in runs[1]),
        "steal_two": statistics.median(item.steal for item in runs[2]),
    }


def report(figures: dict[str, Any]) -> None:
    env = figures["environment"]
    before, after = figures["load_average_before"], figures["load_average_after"]
    print(
        f"\nleaflet {env['leaflet']} ({(env.get('git_commit') or '?')[:10]}), Python "
        f"{env['python']}, {env['cpus']} CPUs, {figures['rounds']} rounds, load average "
        f"{before[0]:.2f} before, {after[0]:.2f} after"
    )
    print(
        "\n| workload | 1 process | 2 processes | throughput 2 / 1 (min-max) "
        "| CPU per process, 2 / 1 | steal, 2 processes |\n|---|---|---|---|---|---|"
    )
    for name, item in figures["workloads"].items():
        print(
            f"| {name}: {item['what']} | {item['one']['median']:.3f} s "
            f"| {item['two']['median']:.3f} s "
            f"| {item['ratio']:.2f}x ({item['ratio_min']:.2f}-{item['ratio_max']:.2f}) "
            f"| {item['cpu_two']:.3f} / {item['cpu_one']:.3f} s ({item['cpu_ratio']:.2f}x) "
            f"| {item['steal_two']:.2f} s |"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workloads",
        default=",".join(DEFAULT_WORKLOADS),
        help=f"comma-separated: {', '.join(WORKLOADS)} (default all but batch)",
    )
    parser.add_argument(
        "--rounds", type=int, default=6, help="runs of 1 and of 2 processes each (default 6)"
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=0.5,
        help="about how many CPU seconds one process of an in-process workload takes (default 0.5)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=300,
        help="appointments in each batch of the batch workload (default 300)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure as JSON here")
    args = parser.parse_args(argv)
    args.workloads = [item.strip() for item in args.workloads.split(",") if item.strip()]
    if unknown := set(args.workloads) - set(WORKLOADS):
        parser.error(f"unknown workloads {sorted(unknown)}; workloads: {', '.join(WORKLOADS)}")
    if args.rounds < 1 or args.seconds <= 0 or args.batch_size < 1:
        parser.error("--rounds, --seconds and --batch-size must be positive")
    if not hasattr(os, "fork"):
        parser.error("this benchmark forks its processes: it needs os.fork (Linux, macOS)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    figures: dict[str, Any] = {
        "environment": environment(),
        "rounds": args.rounds,
        "seconds": args.seconds,
        "batch_size": args.batch_size,
        "load_average_before": os.getloadavg(),
        "workloads": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-cores-") as scratch:
        for name in args.workloads:
            print(f"measuring {name}...", file=sys.stderr, flush=True)
            figures["workloads"][name] = measure(WORKLOADS[name], args, Path(scratch))
    figures["load_average_after"] = os.getloadavg()
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
