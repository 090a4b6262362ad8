"""Batch jobs: which worker builds what, and files written a part at a time.

Worker processes cost time to start and each lays out the bases it stamps, so jobs that
share a base go to one worker (`base_chunks`), and files are made durable with one sync
per part (`StagedFiles`). These tests check what the batch promises, not its speed."""

from __future__ import annotations

import collections
import os
import stat
import sys
import threading
from pathlib import Path

import pytest
from conftest import invoke

import leaflet
from leaflet import (
    BatchSettings,
    ManifestEntry,
    RowProblem,
    build_batch,
    parse_appointments,
    read_manifest,
)
from leaflet.errors import OutputError
from leaflet.packs import builder, workers
from leaflet.packs.builder import Worker, WorkerSetup
from leaflet.packs.planner import Planner
from leaflet.render import output, stamp
from leaflet.render.output import StagedFiles
from leaflet.sources import dates

HEADER = "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner"
#: Names whose characters beyond ASCII differ: each set of them is a base of its own.
FIRST = ["Ann", "Zoë", "Łukasz", "José"]


def day(count: int, email: str = "") -> list[leaflet.Appointment]:
    """`count` appointments, their names in len(FIRST) groups of characters; `email`
    for each, or none."""
    rows = [
        f"B{i:03d},{FIRST[i % len(FIRST)]} Lee{i},1980-01-{1 + i % 28:02d},{email},microneedling,"
        f"2026-12-01T{9 + i // 60 % 9:02d}:{i % 60:02d},Dr Sam Lee"
        for i in range(count)
    ]
    appointments, problems = parse_appointments("\n".join([HEADER, *rows]))
    assert problems == []
    return appointments


def planned(
    count: int, documents: tuple[str, ...] = ("info",), email: str = ""
) -> list[leaflet.Job]:
    settings = BatchSettings(documents=documents)
    jobs, problems = Planner(settings, "day.csv", dates.today()).plan(day(count, email))
    assert problems == []
    return jobs


def test_jobs_that_share_a_base_go_to_one_chunk():
    jobs = planned(40, ("info", "aftercare"))
    chunks = workers.base_chunks(jobs, 2)
    assert sorted(id(job) for chunk in chunks for job in chunk) == sorted(map(id, jobs))
    groups = collections.defaultdict(set)
    for number, chunk in enumerate(chunks):
        for job in chunk:
            groups[workers.base_group(job)].add(number)
    assert len(groups) == len(FIRST)
    assert all(len(numbers) == 1 for numbers in groups.values())  # each group in one chunk
    assert [len(chunk) for chunk in chunks] == sorted(map(len, chunks), reverse=True)


def test_each_chunk_comes_with_the_bases_of_its_jobs():
    """Both ways a chunk is made: a base too large for one chunk split over several,
    and bases too small for one sharing a chunk. Each chunk's bases are worked out
    again from its jobs (`base_group`)."""
    split = [job for job in planned(200) if job.appointment.personal.patient_name.isascii()]
    # With an email, on bases of their own: 4 of 6 jobs each, chunks of 16 (74 jobs).
    shared = planned(24, email="lee@example.com")
    jobs = [*split, *shared]
    grouped = workers.grouped_chunks(jobs, 2)
    assert sorted(id(job) for chunk, _ in grouped for job in chunk) == sorted(map(id, jobs))
    for chunk, bases in grouped:
        assert bases == {workers.base_group(job) for job in chunk}
    # The split base's 50 jobs in 3 chunks, then two chunks of two bases (6 + 6).
    assert [(len(chunk), len(bases)) for chunk, bases in grouped] == [
        (17, 1),
        (17, 1),
        (16, 1),
        (12, 2),
        (12, 2),
    ]


def test_a_group_bigger_than_a_chunk_is_split_evenly():
    jobs = [job for job in planned(200) if job.appointment.personal.patient_name.isascii()]
    chunks = workers.base_chunks(jobs, 2)  # 50 jobs, chunks of 16: over twice that
    assert [len(chunk) for chunk in chunks] == [17, 17, 16]


def test_each_base_is_laid_out_once_across_workers(monkeypatch):
    """Two workers given the chunks in turn, as a pool of two hands them out: every base
    (document and set of characters) is laid out by one of them only."""
    laid_out = []

    def counted(document, brand, layout, shape, today=None, glyphs=""):
        laid_out.append((document.name, glyphs))
        return lay_out_base(document, brand, layout, shape, today, glyphs)

    lay_out_base = stamp.lay_out_base
    monkeypatch.setattr(stamp, "lay_out_base", counted)
    jobs = planned(40, ("info", "aftercare"))
    setup = WorkerSetup(BatchSettings(documents=("info", "aftercare")), None, "day", dates.today())
    pair = [Worker(setup), Worker(setup)]
    built = [
        result
        for number, chunk in enumerate(workers.base_chunks(jobs, 2))
        for result in pair[number % 2].build_all(chunk)
    ]
    assert len(built) == 80
    assert all(isinstance(result, leaflet.BuiltDocument) for result in built)
    assert sorted(laid_out) == sorted(set(laid_out))
    assert len(laid_out) == 2 * len(FIRST)


def test_one_job_and_two_jobs_write_the_same_files_and_manifest(tmp_path):
    appointments = day(48)
    one = build_batch(
        appointments, tmp_path / "one", jobs=1, settings=BatchSettings(documents=("info",))
    )
    two = build_batch(
        appointments, tmp_path / "two", jobs=2, settings=BatchSettings(documents=("info",))
    )
    assert len(one.built) == len(two.built) == 48
    for name in ["manifest.csv", *(f"B{i:03d}-info.pdf" for i in range(48))]:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert not list((tmp_path / "two").glob(".*.part"))
    assert sync_threads() == []  # a program may fork after a batch
    modes = {stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "two").glob("*.pdf")}
    assert modes == {0o600}


# --- files written a part at a time -----------------------------------------------------


def test_staged_files_appear_only_when_placed(tmp_path):
    with StagedFiles(private=True) as staged:
        staged.add(tmp_path / "a.pdf", b"%PDF a")
        staged.add(tmp_path / "b.pdf", b"%PDF b")
        assert (
            sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith(".")) == []
        )
        staged.sync()
        staged.place(tmp_path / "a.pdf")
    # b was never placed: its temporary file is gone, and so is b.
    assert [path.name for path in tmp_path.iterdir()] == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF a"
    assert stat.S_IMODE((tmp_path / "a.pdf").stat().st_mode) == 0o600


def test_a_failed_sync_leaves_nothing_half_written(tmp_path, monkeypatch):
    (tmp_path / "a.pdf").write_bytes(b"old")

    def fails(handles):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(output, "_sync_file_systems", fails)
    with pytest.raises(OutputError) as raised, StagedFiles() as staged:
        staged.add(tmp_path / "a.pdf", b"new")
        staged.add(tmp_path / "b.pdf", b"new")
        staged.sync()
    assert raised.value.message == f"cannot write 2 files in {tmp_path}: Input/output error"
    assert [path.name for path in tmp_path.iterdir()] == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"old"


def test_without_syncfs_each_file_is_fsynced(tmp_path, monkeypatch):
    synced = []
    monkeypatch.setattr(output, "_syncfs", lambda: None)
    monkeypatch.setattr(os, "fsync", synced.append)
    with StagedFiles() as staged:
        staged.add(tmp_path / "a.pdf", b"a")
        staged.add(tmp_path / "b.pdf", b"b")
        staged.sync()
        staged.place(tmp_path / "a.pdf")
        staged.place(tmp_path / "b.pdf")
    assert len(synced) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]


def test_a_sync_started_in_a_thread_is_waited_for(tmp_path, monkeypatch):
    """`start_sync` syncs in a thread of its own; `sync` waits for it, and raises what it
    raised; leaving the block removes what was not placed."""
    syncing_threads = []

    def fails(handles):
        syncing_threads.append(threading.current_thread())
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(output, "_sync_file_systems", fails)
    with pytest.raises(OutputError) as raised, StagedFiles() as staged:
        staged.add(tmp_path / "a.pdf", b"a")
        staged.add(tmp_path / "b.pdf", b"b")
        staged.start_sync()
        staged.sync()
    assert raised.value.message == f"cannot write 2 files in {tmp_path}: Input/output error"
    assert syncing_threads[0] is not threading.current_thread()
    assert not syncing_threads[0].is_alive()
    assert list(tmp_path.iterdir()) == []


# --- a batch's parts: each synced while the next is built --------------------------------


def two_parts(tmp_path, monkeypatch, count=4):
    """A worker writing into `tmp_path` two files a part, and `count` jobs for it."""
    monkeypatch.setattr(builder, "STAGED", 2)
    setup = WorkerSetup(BatchSettings(documents=("info",)), tmp_path, "day.csv", dates.today())
    return Worker(setup), planned(count)


def sync_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "leaflet-sync"]


def waits_in_join(ident: int) -> bool:
    """Whether the thread `ident` is waiting in `threading.Thread.join`."""
    frame = sys._current_frames().get(ident)
    while frame is not None:
        if frame.f_code.co_name == "join" and frame.f_globals.get("__name__") == "threading":
            return True
        frame = frame.f_back
    return False


def first_sync_waits_for(worker, job, monkeypatch, covered: set[str], folder: Path) -> None:
    """Make the first sync return only once `job` is being built (a sync done before
    building on never returns); each sync adds the temporary files it covered to
    `covered` as it returns."""
    building = threading.Event()
    render = worker._render

    def rendering(built):
        if built is job:
            building.set()
        return render(built)

    def sync(handles):
        names = {path.name for path in folder.glob(".*.part")}
        if not covered:  # the first part's
            assert building.wait(timeout=30), "the next part was not built meanwhile"
        covered.update(names)
        return True

    monkeypatch.setattr(worker, "_render", rendering)
    monkeypatch.setattr(output, "_sync_file_systems", sync)


def test_each_part_is_synced_while_the_next_is_built_and_placed_after(tmp_path, monkeypatch):
    """The first part's sync is still running when the second part's last document is
    built (it waits for that, so a sync done before building on would never return); a
    file is renamed into place only once the sync that covered it has returned; no sync
    runs while the caller holds a result."""
    worker, jobs = two_parts(tmp_path, monkeypatch)
    synced: set[str] = set()  # temporary files a sync that returned covered
    first_sync_waits_for(worker, jobs[-1], monkeypatch, synced, tmp_path)
    replace = os.replace

    def placing(source, target):
        if Path(target).parent == tmp_path:  # not the content cache's files
            assert Path(source).name in synced, f"{target} renamed before its sync returned"
        replace(source, target)

    monkeypatch.setattr(os, "replace", placing)
    results = []
    for result in worker.build_all(jobs):
        assert sync_threads() == []
        results.append(result)
    assert [entry.appointment_id for entry in results] == ["B000", "B001", "B002", "B003"]
    assert all(isinstance(entry, ManifestEntry) for entry in results)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        f"B00{i}-info.pdf" for i in range(4)
    ]


def test_a_part_is_placed_as_soon_as_its_sync_has_returned(tmp_path, monkeypatch):
    """Not a whole part later: the first part's files come once its sync has returned,
    here after the next part's first document."""
    worker, jobs = two_parts(tmp_path, monkeypatch)
    built = []
    render = worker._render

    def rendering(job):
        if job is jobs[2]:
            for _ in range(30_000):  # until the first part's sync has returned (30 s at most)
                if not sync_threads() or threading.Event().wait(0.001):
                    break
        built.append(job.appointment.appointment_id)
        return render(job)

    monkeypatch.setattr(worker, "_render", rendering)
    results = worker.build_all(jobs)
    assert next(results).appointment_id == "B000"
    assert built == ["B000", "B001", "B002"]
    assert [result.appointment_id for result in results] == ["B001", "B002", "B003"]


def test_a_part_never_spans_two_chunks(tmp_path, monkeypatch):
    """Chunks of 3 and 1 jobs, two files a part: parts of 2, 1 and 1, each synced."""
    worker, jobs = two_parts(tmp_path, monkeypatch)
    sizes = []
    make_durable = output._make_durable

    def counted(handles):
        sizes.append(len(handles))
        make_durable(handles)

    monkeypatch.setattr(output, "_make_durable", counted)
    results = list(worker.build_chunks([jobs[:3], jobs[3:]]))
    assert [result.appointment_id for result in results] == ["B000", "B001", "B002", "B003"]
    assert sizes == [2, 1, 1]


def test_a_failed_sync_fails_its_part_only(tmp_path, monkeypatch):
    """The first part's sync fails while the second part is built: each of the first
    part's documents is a row problem, nothing of it is left; the second is placed."""
    worker, jobs = two_parts(tmp_path, monkeypatch)
    calls = []

    def first_fails(handles):
        calls.append(len(handles))
        if len(calls) == 1:
            raise OSError(5, "Input/output error")
        return True

    monkeypatch.setattr(output, "_sync_file_systems", first_fails)
    results = list(worker.build_all(jobs))
    assert calls == [2, 2]
    message = f"cannot write 2 files in {tmp_path}: Input/output error"
    assert [(type(result), result.appointment_id) for result in results] == [
        (RowProblem, "B000"),
        (RowProblem, "B001"),
        (ManifestEntry, "B002"),
        (ManifestEntry, "B003"),
    ]
    assert [result.reason for result in results[:2]] == [message, message]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["B002-info.pdf", "B003-info.pdf"]


def test_a_stop_while_a_sync_runs_waits_for_it_and_leaves_nothing(tmp_path, monkeypatch):
    """Ctrl-C while the second part is built and the first part's sync runs: the sync
    is waited for (it returns only once the stopping thread waits for it), no thread is
    left, no file of either part is placed and no temporary file is left."""
    worker, jobs = two_parts(tmp_path, monkeypatch)
    stopping = threading.get_ident()
    started, returned, given_up = threading.Event(), threading.Event(), threading.Event()
    render = worker._render

    def rendering(job):
        if job is jobs[2]:
            assert started.wait(timeout=30)
            raise KeyboardInterrupt
        return render(job)

    def sync(handles):
        assert threading.get_ident() != stopping, "synced in the thread that builds"
        started.set()
        for _ in range(30_000):  # about 30 s at most: a bound, not a timing
            if waits_in_join(stopping):
                returned.set()
                break
            if given_up.wait(0.001):
                break
        return True

    monkeypatch.setattr(worker, "_render", rendering)
    monkeypatch.setattr(output, "_sync_file_systems", sync)
    try:
        with pytest.raises(KeyboardInterrupt):
            list(worker.build_all(jobs))
        assert returned.is_set(), "the stop did not wait for the running sync"
        assert sync_threads() == []
    finally:
        given_up.set()
    assert list(tmp_path.iterdir()) == []


def test_a_caller_that_stops_keeps_only_what_it_was_given(tmp_path, monkeypatch):
    """A caller that closes the results after the first (a forked job told to stop):
    that file stays; the rest of its part and the next part, written but not synced,
    are removed."""
    worker, jobs = two_parts(tmp_path, monkeypatch, count=5)
    first_sync_waits_for(worker, jobs[3], monkeypatch, set(), tmp_path)
    results = worker.build_all(jobs)
    first = next(results)
    assert len(list(tmp_path.glob(".*.part"))) == 3  # B001, and the next part's two
    results.close()
    assert first.path == "B000-info.pdf"
    assert [path.name for path in tmp_path.iterdir()] == ["B000-info.pdf"]
    assert sync_threads() == []


def test_a_batch_killed_between_sync_and_rename_lists_only_what_is_in_place(tmp_path, monkeypatch):
    """An interrupted part: the files renamed so far are listed, the rest removed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "day.csv").write_text(
        "\n".join(
            [
                HEADER,
                *(f"C{i},Ann Lee,1980-01-02,,microneedling,2026-12-01T10:30," for i in range(5)),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    placed = []
    place = StagedFiles.place

    def place_three(self, path):
        if Path(path).suffix == ".pdf":  # the manifest is written with it too
            if len(placed) == 3:
                raise KeyboardInterrupt
            placed.append(Path(path).name)
        place(self, path)

    monkeypatch.setattr(StagedFiles, "place", place_three)
    result = invoke(["batch", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "info"])
    assert result.exit_code == 130
    assert sorted(read_manifest(tmp_path / "out")) == [(f"C{i}", "info") for i in range(3)]
    assert sorted(path.name for path in (tmp_path / "out").iterdir() if path.suffix != ".lock") == [
        "C0-info.pdf",
        "C1-info.pdf",
        "C2-info.pdf",
        "manifest.csv",
    ]


def test_a_line_too_long_for_its_slot_is_built_as_a_single_build_sets_it(tmp_path):
    """ "Your appointment: <weekday, date> at <time> with <practitioner>" can be too long
    for its slot even on two lines; a single build sets its parts on lines of their own,
    and the batch then lays that copy out in full rather than failing the row."""
    row = "L1,Łukasz Wróbel,1980-03-19,,microneedling,2026-12-10T00:30,Nurse Amy Jones"
    appointments, _ = parse_appointments("\n".join([HEADER, row]))
    result = build_batch(
        appointments, tmp_path, settings=BatchSettings(documents=("info",)), jobs=1
    )
    assert result.problems == []
    single = leaflet.build_document("info", personal=appointments[0].personal)
    assert (tmp_path / "L1-info.pdf").read_bytes() == single.data
