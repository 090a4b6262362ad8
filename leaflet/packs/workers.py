"""Building a batch's documents, in this process or in worker processes.

Workers are spawned, not forked: each starts clean and loads only what it uses
(ReportLab's font and style registries are global to a process). Each worker lays every
document out once and stamps each patient's values onto it (`leaflet.render.stamp`);
tri-folds, booklets, wording with a personal value in running text, and values too
long for one line are laid out in full for each patient.

A worker never outlives the batch that started it: if the main process is killed (even
with SIGKILL, which it cannot catch), every worker exits on its own (`_exit_with_parent`),
and with them goes multiprocessing's resource tracker.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import datetime as dt
import hashlib
import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import LeafletError
from leaflet.packs.appointments import RowProblem
from leaflet.packs.manifest import ManifestEntry, output_name
from leaflet.packs.planner import BatchSettings, Job
from leaflet.render.document import render_pdf
from leaflet.render.output import RenderedPdf, write_atomically
from leaflet.render.stamp import Base, Placeholders, lay_out_base, stamp
from leaflet.sources import schema
from leaflet.sources.brand import Brand, load_brand
from leaflet.sources.content import Treatment, load_treatment
from leaflet.sources.layout import Layout, load_layout


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker of a batch shares (sent to each worker process once)."""

    settings: BatchSettings
    out_dir: Path
    source: str  # names the appointments in problems
    today: dt.date  # review dates are checked against this


Result = ManifestEntry | RowProblem


def run_jobs(todo: list[Job], setup: WorkerSetup, jobs: int | None) -> Iterator[Result]:
    """Build every job, in this process or in `jobs` worker processes, yielding results
    as they come."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if jobs == 1:
        worker = Worker(setup)
        for job in todo:
            yield worker.build(job)
        return
    # Spawned, not forked: each worker starts clean and loads only what it uses.
    context = multiprocessing.get_context("spawn")
    pool = concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(setup,)
    )
    try:
        # Appointments go to workers in chunks: fewer round trips, and each worker
        # builds all of one appointment's documents.
        size = max(1, min(8, len(todo) // (jobs * 8)))
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        futures = [pool.submit(_build_chunk, chunk) for chunk in chunks]
        for future in concurrent.futures.as_completed(futures):
            yield from future.result()
    except concurrent.futures.process.BrokenProcessPool as err:
        raise LeafletError(
            "a worker process stopped before finishing (killed, out of memory, or started "
            'from a script without `if __name__ == "__main__":`, which worker processes '
            "need because they import the script); run again to build the rest, or use "
            "one job"
        ) from err
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


#: The worker of a worker process, made by `_start_worker` when the process starts.
_WORKER: Worker | None = None


def _start_worker(setup: WorkerSetup) -> None:
    global _WORKER
    _exit_with_parent()
    # Ctrl-C reaches every process in the terminal's group; the main process handles it
    # (cancels what has not started), and workers finish the file they are writing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = Worker(setup)


#: prctl(2) option: the signal this process gets when the thread that made it ends.
_PR_SET_PDEATHSIG = 1


def _exit_with_parent() -> None:
    """End this worker process as soon as the process that started it ends, however.

    Everywhere: a thread waits on the parent's sentinel, which multiprocessing gives
    every child (a pipe that closes when the parent dies on Linux and macOS, a process
    handle on Windows) and exits. On Linux the kernel also sends SIGKILL at once
    (PR_SET_PDEATHSIG), even while a long call holds the interpreter. Without this, a
    killed batch left its workers running, waiting for work forever.
    """
    parent = multiprocessing.process.parent_process()
    if parent is None:  # not a worker process: nothing to watch
        return
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent.pid:  # the parent died before the signal was set
            os._exit(1)
    threading.Thread(
        target=_exit_when_gone, args=(parent,), name="leaflet-parent-watch", daemon=True
    ).start()


def _exit_when_gone(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns when the parent process has ended
    os._exit(1)  # no clean-up: the parent that would take the results is gone


def _build_chunk(chunk: list[Job]) -> list[Result]:
    assert _WORKER is not None, "the process was not started by run_jobs"
    return [_WORKER.build(job) for job in chunk]


class Worker:
    """Builds documents in one process, laying each document and layout out once."""

    def __init__(self, setup: WorkerSetup) -> None:
        self.setup = setup
        self.brand: Brand = load_brand(setup.settings.brand_path)
        self.treatments: dict[str, Treatment] = {}
        self.layouts: dict[str, Layout] = {}
        self.bases: dict[tuple[str, str, str, Placeholders], Base | None] = {}

    def build(self, job: Job) -> Result:
        """Build one job's file and its manifest entry, or say why it failed."""
        appointment = job.appointment
        try:
            pdf, meta = self._render(job)
            target = self.setup.out_dir / output_name(appointment.appointment_id, job.document)
            write_atomically(target, pdf.data, private=True)
        except LeafletError as err:
            return RowProblem(
                self.setup.source, appointment.row, "", err.message, appointment.appointment_id
            )
        return ManifestEntry(
            appointment.appointment_id,
            job.document,
            target.name,
            pdf.page_count,
            len(pdf.data),
            hashlib.sha256(pdf.data).hexdigest(),
            meta.reference,
            meta.version,
            job.inputs,
        )

    def _render(self, job: Job) -> tuple[RenderedPdf, schema.Meta]:
        appointment, today = job.appointment, self.setup.today
        slug = appointment.treatment
        if slug not in self.treatments:
            self.treatments[slug] = load_treatment(slug, self.setup.settings.content_dir)
        if job.layout not in self.layouts:
            self.layouts[job.layout] = load_layout(job.layout)
        document = self.treatments[slug].document(job.document)
        layout = self.layouts[job.layout]
        shape = Placeholders.shape_of(appointment.personal)
        key = (slug, job.document, job.layout, shape)
        if key not in self.bases:
            self.bases[key] = lay_out_base(document, self.brand, layout, shape, today)
        base = self.bases[key]
        # No base: a tri-fold, a booklet, or a name in running text; no stamped copy: a
        # value that wraps onto a second line.
        pdf = stamp(base, appointment.personal, document.meta.language) if base else None
        if pdf is None:
            pdf = render_pdf(document, self.brand, layout, appointment.personal, today=today)
        return pdf, document.meta
