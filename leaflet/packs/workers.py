"""Building a batch's documents, in this process or in worker processes.

On Linux and other POSIX systems but macOS, workers are forked from multiprocessing's
fork server, a single-threaded process that loaded the rendering code once (`PRELOAD`):
they start in milliseconds with nothing to import, where a spawned worker is a new
interpreter importing it all again (about half a second of a core each). The batch's
own process is never forked: it may run threads, and ReportLab's font and style
registries are global to a process. Elsewhere workers are spawned. Each worker lays every
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
import functools
import hashlib
import importlib
import multiprocessing
import multiprocessing.context
import multiprocessing.process
import os
import signal
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from leaflet.errors import LeafletError
from leaflet.packs.appointments import Appointment, RowProblem
from leaflet.packs.manifest import ManifestEntry, output_name
from leaflet.packs.planner import BatchSettings, Job
from leaflet.render.glyphs import needed as needed_glyphs
from leaflet.render.output import RenderedPdf, write_atomically
from leaflet.sources import schema
from leaflet.sources.brand import Brand
from leaflet.sources.content import Treatment
from leaflet.sources.layout import Layout, load_layout


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker of a batch shares (sent to each worker process once)."""

    settings: BatchSettings
    out_dir: Path | None  # None: documents go back as bytes, nothing is written
    source: str  # names the appointments in problems
    today: dt.date  # review dates are checked against this

    @functools.cached_property
    def key(self) -> tuple[object, ...]:
        """What tells two batches apart, hashable (see `BatchSettings.key`)."""
        return (self.settings.key(), str(self.out_dir), self.source, self.today)


@dataclass(frozen=True)
class BuiltDocument:
    """A document a batch built without an output folder: its bytes and what it is."""

    appointment: Appointment
    document: str  # "info", "consent" or "aftercare"
    pdf: RenderedPdf
    reference: str
    version: str

    @property
    def name(self) -> str:
        """The file name a batch folder would give it: `A1023-consent.pdf`."""
        return output_name(self.appointment.appointment_id, self.document)


Result = ManifestEntry | BuiltDocument | RowProblem


#: A batch is built in this process when its estimated work is under this many
#: seconds. Starting workers (a Python loading the rendering code: the fork server,
#: once per process, or each spawned worker) takes about half a second of one core,
#: overlapping the planning, and each worker lays its documents out again; two
#: workers halve the rest. Below about twice that start-up, one process is as fast or
#: faster, and leaves the other core free.
IN_PROCESS_SECONDS = 1.0
#: Estimated seconds per document: a stamped copy, and one laid out in full (tri-folds,
#: booklets, a name in running text), measured on a 2-core machine with room to spare.
STAMPED_SECONDS, FULL_SECONDS = 0.004, 0.040
#: Documents per chunk sent to a worker at most: fewer round trips, each about 0.1 s.
CHUNK = 32


#: What the fork server loads before it forks any worker: the main module (a worker
#: then need not import it again), the rendering code and this module.
PRELOAD = ["__main__", "leaflet.render.pages", "leaflet.render.stamp", __name__]


def worker_context() -> multiprocessing.context.BaseContext:
    """How workers start: forked from the fork server where there is one and fork is
    safe after imports (not macOS, whose system libraries may not survive a fork), else
    spawned."""
    if sys.platform != "darwin" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def default_jobs(stamped: int, full: int) -> int:
    """How many processes build a batch of `stamped` and `full` documents by default:
    1 (this process) for a small batch, else one per CPU (see `IN_PROCESS_SECONDS`)."""
    cpus = os.cpu_count() or 1
    estimate = stamped * STAMPED_SECONDS + full * FULL_SECONDS
    return 1 if cpus == 1 or estimate < IN_PROCESS_SECONDS else cpus


class WorkerPool:
    """Worker processes for batches, started at once and kept until `close`.

    `build_batch(..., pool=pool)` uses them instead of starting its own, so a program
    that builds batch after batch (a clinic system's service) starts them once. Each
    worker loads the rendering code as it starts, while the caller is still planning,
    and keeps what it has laid out (`leaflet.render.stamp.BaseCache`, bounded) for
    later batches. Use it as a context manager, or call `close`."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self._executor = concurrent.futures.ProcessPoolExecutor(
            self.jobs,
            mp_context=worker_context(),
            initializer=_start_worker,
        )
        # A pool starts a process per task while none is idle: one task each starts them
        # all now, rather than when the first documents are ready. From a thread: the
        # first waits for the fork server to load the rendering code, and the caller
        # plans meanwhile.
        self._starting = threading.Thread(
            target=self._start, name="leaflet-workers-start", daemon=True
        )
        self._starting.start()

    def _start(self) -> None:
        for _ in range(self.jobs):
            self._executor.submit(_ready)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (after what they are building), cancelling what has not
        started."""
        self._starting.join()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def run(self, todo: list[Job], setup: WorkerSetup) -> Iterator[Result]:
        """Build every job in the workers, yielding results as they come."""
        # Appointments go to workers in chunks: fewer round trips, and each worker
        # builds all of one appointment's documents. Patients in the same language whose
        # values need the same characters beyond ASCII share a base
        # (`leaflet.render.stamp`): grouped, each base is laid out by one or two workers
        # rather than by all of them.
        todo = sorted(todo, key=_base_group)
        size = max(1, min(CHUNK, len(todo) // (self.jobs * 4)))
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        futures = [self._executor.submit(_build_chunk, setup, chunk) for chunk in chunks]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield from future.result()
        except concurrent.futures.process.BrokenProcessPool as err:
            raise LeafletError(
                "a worker process stopped before finishing (killed, out of memory, or "
                'started from a script without `if __name__ == "__main__":`, which worker '
                "processes need because they import the script); run again to build the "
                "rest, or use one job"
            ) from err
        finally:
            for future in futures:
                future.cancel()


def _base_group(job: Job) -> tuple[str, str]:
    """A job's language and the characters beyond ASCII of its names (sorting is stable,
    so jobs keep their order within a group)."""
    personal = job.appointment.personal
    return job.language, needed_glyphs((personal.patient_name, personal.practitioner))


def run_jobs(todo: list[Job], setup: WorkerSetup, pool: WorkerPool | None) -> Iterator[Result]:
    """Build every job, in `pool`'s workers or (None) in this process, yielding results
    as they come."""
    if pool is None:
        worker = Worker(setup)
        for job in todo:
            yield worker.build(job)
        return
    yield from pool.run(todo, setup)


#: A worker process's workers, by batch setup (a few: a pool may serve several batches).
_WORKERS: OrderedDict[tuple[object, ...], Worker] = OrderedDict()
KEPT_WORKERS = 4


def _start_worker() -> None:
    _exit_with_parent()
    # Ctrl-C reaches every process in the terminal's group; the main process handles it
    # (cancels what has not started), and workers finish the file they are writing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Load the rendering code now, while the main process plans the batch.
    importlib.import_module("leaflet.render.pages")


#: prctl(2) option: the signal this process gets when the thread that made it ends.
_PR_SET_PDEATHSIG = 1


def _exit_with_parent() -> None:
    """End this worker process as soon as the process that started it ends, however.

    Everywhere: a thread waits on the parent's sentinel, which multiprocessing gives
    every child (a pipe that closes when the parent dies on Linux and macOS, a process
    handle on Windows) and exits, at once if the parent has already gone. On Linux the
    kernel also sends SIGKILL (PR_SET_PDEATHSIG) when the process that forked this one
    ends, even while a long call holds the interpreter: the batch's process, or its
    fork server, which ends when the batch's process does. Without this, a killed batch
    left its workers running, waiting for work forever.
    """
    parent = multiprocessing.process.parent_process()
    if parent is None:  # not a worker process: nothing to watch
        return
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    threading.Thread(
        target=_exit_when_gone, args=(parent,), name="leaflet-parent-watch", daemon=True
    ).start()


def _exit_when_gone(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns when the parent process has ended
    os._exit(1)  # no clean-up: the parent that would take the results is gone


def _ready() -> None:
    """Nothing: a task that makes the pool start a worker."""


def _build_chunk(setup: WorkerSetup, chunk: list[Job]) -> list[Result]:
    worker = _WORKERS.get(setup.key)
    if worker is None:
        worker = _WORKERS[setup.key] = Worker(setup)
        if len(_WORKERS) > KEPT_WORKERS:
            _WORKERS.popitem(last=False)
    _WORKERS.move_to_end(setup.key)
    return [worker.build(job) for job in chunk]


class Worker:
    """Builds documents in one process, laying each document and layout out once."""

    def __init__(self, setup: WorkerSetup) -> None:
        self.setup = setup
        self.brand: Brand = setup.settings.load_brand()
        self.treatments: dict[str, Treatment] = {}
        self.layouts: dict[str, Layout] = {}
        # The rendering code loads here: a main process whose workers build (and which
        # only plans and keeps the manifest) never needs it.
        from leaflet.render.stamp import BaseCache

        self.bases = BaseCache()

    def build(self, job: Job) -> Result:
        """Build one job's file and its manifest entry, or say why it failed."""
        appointment = job.appointment
        try:
            pdf, meta = self._render(job)
            if self.setup.out_dir is None:
                return BuiltDocument(appointment, job.document, pdf, meta.reference, meta.version)
            target = self.setup.out_dir / output_name(appointment.appointment_id, job.document)
            write_atomically(target, pdf.data, private=True)
        except LeafletError as err:
            return RowProblem(
                self.setup.source, appointment.row, "", err.message, appointment.appointment_id
            )
        return ManifestEntry(
            appointment.appointment_id,
            job.document,
            meta.language,
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
            self.treatments[slug] = self.setup.settings.load_treatment(slug)
        if job.layout not in self.layouts:
            self.layouts[job.layout] = load_layout(job.layout)
        document = self.treatments[slug].document(job.document, job.language or None)
        layout = self.layouts[job.layout]
        personal = appointment.personal
        if job.fillable:  # the details are the fields' values: laid out for each patient
            from leaflet.render.document import render_pdf

            pdf = render_pdf(document, self.brand, layout, personal, fillable=True, today=today)
        else:
            pdf = self.bases.render(document, self.brand, layout, personal, today=today)
        return replace(pdf, personal=bool(personal)), document.meta
