"""Batch jobs: which worker builds what, and files written a part at a time.

Worker processes cost time to start and each lays out the bases it stamps, so jobs that
share a base go to one worker (`base_chunks`), and files are made durable with one sync
per part (`StagedFiles`). These tests check what the batch promises, not its speed."""

from __future__ import annotations

import collections
import os
import stat
from pathlib import Path

import pytest
from conftest import invoke

import leaflet
from leaflet import BatchSettings, build_batch, parse_appointments, read_manifest
from leaflet.errors import OutputError
from leaflet.packs import workers
from leaflet.packs.builder import Worker, WorkerSetup
from leaflet.packs.planner import Planner
from leaflet.render import output, stamp
from leaflet.render.output import StagedFiles
from leaflet.sources import dates

HEADER = "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner"
#: Names whose characters beyond ASCII differ: each set of them is a base of its own.
FIRST = ["Ann", "Zoë", "Łukasz", "José"]


def day(count: int) -> list[leaflet.Appointment]:
    """`count` appointments, their names in len(FIRST) groups of characters."""
    rows = [
        f"B{i:03d},{FIRST[i % len(FIRST)]} Lee{i},1980-01-{1 + i % 28:02d},,microneedling,"
        f"2026-12-01T{9 + i // 60 % 9:02d}:{i % 60:02d},Dr Sam Lee"
        for i in range(count)
    ]
    appointments, problems = parse_appointments("\n".join([HEADER, *rows]))
    assert problems == []
    return appointments


def planned(count: int, documents: tuple[str, ...] = ("info",)) -> list[leaflet.Job]:
    settings = BatchSettings(documents=documents)
    jobs, problems = Planner(settings, "day.csv", dates.today()).plan(day(count))
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
