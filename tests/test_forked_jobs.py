"""Batches whose other jobs are forked from the warm main process (`leaflet.packs.forked`).

Each batch runs in a new Python: forking is only taken while no other thread runs,
and the test runner (pytest-xdist) keeps threads of its own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PIN_TODAY
from test_batch import HEADER, files_in, write_csv

from leaflet import read_manifest
from leaflet.packs.builder import STAGED

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="jobs are forked on Linux only"
)

#: 60 appointments (180 documents): enough chunks that every job builds some.
ROWS = [
    f"F{n:03},Patient {n},1980-01-{n % 28 + 1:02},"
    f"{'' if n % 3 else f'p{n}@example.com'},microneedling,2026-12-01T10:{n % 60:02},"
    f"{'Dr Sam Lee' if n % 2 else ''}"
    for n in range(60)
]

#: Records in `ways` how each batch's jobs ran: "forked" or "pool" (the fork server).
RECORD_WAYS = """from leaflet.packs import forked, workers
ways = []
for kind, name in ((forked.ForkedJobs, "forked"), (workers.WorkerPool, "pool")):
    def run(self, *args, _run=kind.run, _name=name):
        ways.append(_name)
        return _run(self, *args)
    kind.run = run
"""

#: Builds the batch in `argv[1]` into `argv[2]` with two jobs, and prints which way
#: they ran; `argv[3]`: "thread" starts a thread first, "kill" kills a forked job at
#: its fifth document, "interrupt" is Ctrl-C once 40 files are in place, "count" writes
#: to `argv[2]`.counts the size of each part a forked job receives and of what each
#: process builds at a time, with the process's id.
SCRIPT = f"""{PIN_TODAY}
import multiprocessing, os, signal, sys, threading
from leaflet.packs import builder
{RECORD_WAYS}if sys.argv[3] == "thread":
    threading.Thread(target=threading.Event().wait, daemon=True).start()
if sys.argv[3] == "kill":
    rendered = []
    def render(self, job, _render=builder.Worker._render):
        rendered.append(job)
        if multiprocessing.parent_process() is not None and len(rendered) == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return _render(self, job)
    builder.Worker._render = render
if sys.argv[3] == "count":
    def record(what, count):
        with open(sys.argv[2] + ".counts", "a") as counts:
            print(os.getpid(), what, count, file=counts)
    from leaflet.packs import forked_job
    def receive(self, orders, _receive=forked_job.Stop.receive):
        part = _receive(self, orders)
        if part is not None:
            record("received", len(part))
        return part
    forked_job.Stop.receive = receive
    def build_chunks(self, chunks, _build_chunks=builder.Worker.build_chunks):
        def counted():
            for chunk in chunks:
                record("built", len(chunk))
                yield chunk
        return _build_chunks(self, counted())
    builder.Worker.build_chunks = build_chunks
if sys.argv[3] == "interrupt":
    # A process started with Ctrl-C ignored (a background job of a shell without job
    # control, `nohup`) keeps ignoring it, as Python and leaflet rightly do: the tests
    # run so, the SIGINT below was lost and the batch ran to its end (exit 0). The test
    # stands for a Ctrl-C at a terminal, whose process has Python's handler: put it back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from leaflet.cli import progress
    def interrupt_at_40(self, done, total, _call=progress.BatchProgress.__call__):
        _call(self, done, total)
        if done == 40:  # reported after each result, as the batch hands it on
            os.kill(os.getpid(), signal.SIGINT)
    progress.BatchProgress.__call__ = interrupt_at_40
from leaflet.cli import main
try:
    main(["batch", sys.argv[1], "--out-dir", sys.argv[2], "--jobs", "2"], prog_name="leaflet")
finally:
    print(*ways)
"""


def run_batch(folder: Path, mode: str = "") -> subprocess.CompletedProcess[str]:
    folder.mkdir(exist_ok=True)
    table = write_csv(folder, ROWS, HEADER)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(table), str(folder / "out"), mode],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_two_forked_jobs_give_the_files_and_manifest_of_one(tmp_path):
    from leaflet import build_batch, read_appointments

    forked = run_batch(tmp_path / "two")
    assert forked.returncode == 0, forked.stderr
    assert forked.stdout.split()[-1] == "forked"
    appointments, _ = read_appointments(write_csv(tmp_path, ROWS, HEADER))
    build_batch(appointments, tmp_path / "one", jobs=1)
    assert files_in(tmp_path / "two" / "out") == files_in(tmp_path / "one")
    assert len(read_manifest(tmp_path / "one")) == 180


def test_a_forked_job_receives_only_the_parts_it_builds(tmp_path):
    """It is dealt its chunks a part at a time, never the whole plan, so its memory does
    not grow with the batch; no document is built twice, none is left out."""
    result = run_batch(tmp_path, "count")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "forked"
    counts: dict[str, dict[str, list[int]]] = {}
    for line in (tmp_path / "out.counts").read_text().splitlines():
        pid, what, count = line.split()
        counts.setdefault(pid, {"received": [], "built": []})[what].append(int(count))
    forked = [pid for pid, seen in counts.items() if seen["received"]]
    assert len(forked) == 1 and len(counts) == 2
    received = counts[forked[0]]["received"]
    assert received == counts[forked[0]]["built"]  # it built every part it was sent
    assert max(received) <= STAGED
    assert 0 < sum(received) < 180
    assert sum(sum(seen["built"]) for seen in counts.values()) == 180
    assert len(received) > 1


def test_a_thread_alive_keeps_the_fork_server(tmp_path):
    result = run_batch(tmp_path, "thread")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "pool"
    assert len(read_manifest(tmp_path / "out")) == 180


def test_a_killed_forked_job_is_one_error_and_leaves_only_listed_files(tmp_path):
    result = run_batch(tmp_path, "kill")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: a process building part of the batch stopped before finishing (killed "
        "or out of memory); run again to build the rest, or use one job"
    ]
    assert result.stdout.split()[-1] == "forked"
    out = tmp_path / "out"
    listed = {entry.path for entry in read_manifest(out).values()}
    on_disk = {name for name in files_in(out) if name != "manifest.csv"}
    assert on_disk == listed  # no temporary file, none unlisted
    assert 0 < len(listed) < 180


def test_ctrl_c_leaves_only_listed_files(tmp_path):
    """The forked job stops too, and what it finished that the manifest does not list
    is removed: the folder holds the files the manifest lists, no more."""
    result = run_batch(tmp_path, "interrupt")
    assert result.returncode == 130, result.stderr
    assert "Interrupted." in result.stderr
    assert result.stdout.split()[-1] == "forked"
    out = tmp_path / "out"
    listed = {entry.path for entry in read_manifest(out).values()}
    on_disk = {name for name in files_in(out) if name != "manifest.csv"}
    assert on_disk == listed
    assert len(listed) == 40  # those handed on before the Ctrl-C


#: Builds the batch in `argv[1]` in memory (no folder) with two jobs, and prints which
#: way they ran and each document's name and sha256, one per line.
IN_MEMORY_SCRIPT = f"""{PIN_TODAY}
import hashlib, sys
from leaflet import build_batch, read_appointments
{RECORD_WAYS}appointments, _ = read_appointments(sys.argv[1])
result = build_batch(appointments, None, jobs=2)
print(*ways)
for document in result.documents:
    print(document.name, hashlib.sha256(document.pdf.data).hexdigest())
"""


def test_two_forked_jobs_in_memory_give_the_documents_of_one(tmp_path):
    """Without a folder, a forked job sends each PDF's bytes back through its pipe."""
    import hashlib

    from leaflet import build_batch, read_appointments

    table = write_csv(tmp_path, ROWS, HEADER)
    forked = subprocess.run(
        [sys.executable, "-c", IN_MEMORY_SCRIPT, str(table)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert forked.returncode == 0, forked.stderr
    ways, *lines = forked.stdout.splitlines()
    assert ways == "forked"
    appointments, _ = read_appointments(table)
    one = build_batch(appointments, None, jobs=1)
    expected = [f"{d.name} {hashlib.sha256(d.pdf.data).hexdigest()}" for d in one.documents]
    assert len(expected) == 180
    assert lines == expected


def test_parts_are_dealt_a_part_at_a_time_and_the_last_go_to_whoever_is_free():
    """Each process takes its chunk's parts in order, at most `STAGED` jobs each and as
    even as can be; towards the end parts shrink to half a process's share of what is
    not yet handed out (`FEWEST` at least), and once no chunk is left, a process with
    nothing to do takes a piece from the end of another's chunk."""
    from leaflet.packs.forked import FEWEST, Parts

    parts = Parts(_without_bases([list(range(129)), list(range(200, 220))]), processes=2)
    assert parts.take(0) == list(range(43))  # 129 jobs: 3 parts of 43; 149 left, 38 a piece
    assert parts.take(1) == list(range(200, 220))
    assert parts.take(1) == list(range(107, 129))  # from process 0's last part: 86 left
    assert parts.take(0) == list(range(43, 59))  # its next part, 16 of 64 left
    assert parts.take(0) == list(range(59, 71))
    assert parts.take(0) == list(range(71, 86))  # not 9, leaving 6: the whole part
    assert parts.take(1) == list(range(99, 107))  # FEWEST at least
    assert parts.take(0) == list(range(86, 99))
    assert parts.take(0) is None
    assert parts.take(1) is None
    assert STAGED >= 43
    assert FEWEST == 8


def test_parts_are_whole_until_little_is_left():
    from leaflet.packs.forked import Parts

    parts = Parts(_without_bases([list(range(300)), list(range(300, 400))]), processes=2)
    # 5 parts of 60; with 160 of 400 left, 40 a piece, then the 20 left of that part.
    assert [len(parts.take(0) or ()) for _ in range(6)] == [60, 60, 60, 60, 40, 20]
    assert parts.take(1) == list(range(300, 325))  # 100 left: 25 of its part of 50


def test_parts_are_whole_for_a_process_alone():
    from leaflet.packs.forked import Parts

    parts = Parts(_without_bases([list(range(100))]), processes=1)
    assert [len(parts.take(0) or ()) for _ in range(3)] == [50, 50, 0]


def test_a_process_keeps_to_the_bases_it_has_taken():
    """A base split over several chunks stays with the process that took its first chunk,
    while another process takes chunks of bases no one has taken yet."""
    from leaflet.packs.forked import Parts

    big = [list(range(0, 50)), list(range(50, 100))]  # one base, two chunks
    small = [list(range(100, 130)), list(range(130, 160))]  # two other bases
    bases = [frozenset({"big"}), frozenset({"big"}), frozenset({False}), frozenset({True})]
    parts = Parts(list(zip(big + small, bases, strict=True)), processes=2)
    firsts = [(parts.take(taker) or [None])[0] for taker in (0, 1, 0, 1, 0)]
    # Process 1 takes the bases no one has taken (100, then 130), though the big
    # base's second chunk (50) is larger; process 0 takes that chunk once its first is done.
    assert firsts == [0, 100, 40, 130, 50]


def _without_bases(chunks: list[list[int]]) -> list[tuple[list[int], frozenset[object]]]:
    """`chunks` for `Parts`, none sharing a base with another."""
    return [(chunk, frozenset()) for chunk in chunks]
