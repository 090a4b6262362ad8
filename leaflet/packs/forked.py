"""Building a batch in this process and in copies of it forked before it plans (Linux).

A worker started from the fork server (`leaflet.packs.workers`) begins cold: the fork
server loads the rendering code into a new Python (about 0.75 s of a core), then each
worker loads the documents and layout and warms ReportLab's font and paragraph caches.
Here this process builds too, as one of the jobs, and forks the other jobs as soon as
the batch's settings are known (its brand loaded), before the export is parsed and the
batch planned: a forked job inherits the imports and the brand copy-on-write, loads the
rendering code, the layout and the documents the batch will most likely build
(`ForkedJobs.prepare`) while this process plans, and starts building as soon as the
plan comes; this process then loads the rendering code and builds too, using the
documents its planning loaded. Forking is safe only while no other thread runs in this
process (a fork copies a lock another thread holds, held, for ever): `forking_is_safe`
says when; otherwise a batch uses the fork server as before.

The jobs share out the same chunks as the fork server's workers (`base_chunks`: jobs
that share a base go together, so each base is laid out once). This process keeps them
and deals them out one at a time, largest first: it takes the next for itself as it
finishes one, and a thread of it deals a forked job its chunks a part (`STAGED` files)
at a time: the first part as soon as the batch is planned, and the next each time the
job starts building one, taking a new chunk for it when its chunk is done. A job so
always has its next part at hand, never more: it holds two parts of the plan at most,
however large the batch, and its memory does not grow with the batch (it used to be
sent the whole plan, about 1 KB a document once unpickled). A chunk is promised to a
job only as it starts the last part of its chunk before, so near the end of a batch the
chunks left go to whichever process is free first. A forked job sends each result as soon
as its file is in place; this process hands them on between its own. A forked job that
dies (killed, out of memory) is reported as an error once this process notices, and the
temporary files it left are removed. On Ctrl-C or any other stop, the forked jobs are
told to stop (`SIGTERM`; one still waiting for the plan is sent none): each finishes the
document it is building (or stops waiting for its next part), removes the temporary files of
those not in place and sends what it placed; this process removes the files it was sent
and did not hand on (the caller's manifest does not list them), so the folder holds what
the manifest lists and finished files only. A forked job exits as soon as this process
does, however it ends (SIGKILL too: `exit_with_parent`); a SIGKILL of this process can
leave up to a part of finished files (`STAGED`) a forked job had placed but not yet
sent: not listed, they are built again by the next run.
"""

from __future__ import annotations

import collections
import datetime as dt
import gc
import math
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import signal
import threading
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from leaflet.errors import LeafletError
from leaflet.packs.builder import STAGED, Result, Worker, WorkerSetup
from leaflet.packs.manifest import ManifestEntry
from leaflet.packs.planner import BatchSettings, Job
from leaflet.packs.workers import (
    PREPARED_TREATMENTS,
    STOPPED_JOB,
    base_chunks,
    exit_with_parent,
    forking_is_safe,
)
from leaflet.render.output import remove_temporaries
from leaflet.sources import dates

if TYPE_CHECKING:
    from leaflet.sources.content import Treatment

Connection = multiprocessing.connection.Connection


class ForkedJobs:
    """`jobs` processes building one batch with `settings`: this one, and `jobs - 1`
    forked from it now (none when forking is not safe: this process then builds it
    all). Call `close` (or use it as a context manager) if the batch never runs."""

    def __init__(self, jobs: int, settings: BatchSettings) -> None:
        self.jobs = max(1, jobs)
        self.settings = settings
        context = multiprocessing.get_context("fork")
        # Checked again: a thread started since the batch chose this way builds it here.
        forks = self.jobs - 1 if forking_is_safe() else 0
        # Objects from before the fork stay out of the collector's way in the forked
        # jobs: a collection would touch (and so copy) every page of them.
        gc.freeze()
        try:
            self._forked = _Forked(context, settings, forks)
        finally:
            gc.unfreeze()

    def __enter__(self) -> ForkedJobs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prepare(self, setup: WorkerSetup, treatments: Iterable[str]) -> None:
        """Have the forked jobs load the documents of the batch's most common
        `treatments` (`Worker.prepare`) while this process plans it."""
        del setup  # the forked jobs have the settings already
        common = collections.Counter(treatments).most_common(PREPARED_TREATMENTS)
        self._forked.send(tuple(slug for slug, _ in common))

    def run(
        self, todo: list[Job], setup: WorkerSetup, loaded: Mapping[str, Treatment]
    ) -> Generator[Result]:
        """Build every job, yielding results as they come (see the module's notes);
        `loaded`: treatments this process has loaded already, by the name jobs use."""
        chunks = Chunks(base_chunks(todo, self.jobs))
        self._forked.deal(_Start.of(setup, self.settings), chunks)
        own = _own_chunks(Worker(setup, loaded), chunks)
        try:
            for result in own:
                yield result
                yield from self._forked.ready(block=False)
            while self._forked.running:
                yield from self._forked.ready(block=True)
        finally:
            own.close()
            self._forked.stop(setup.out_dir)

    def close(self) -> None:
        """Stop the forked jobs (a batch that ran has stopped them already)."""
        self._forked.stop(None)


class Chunks:
    """A batch's chunks, each taken once, in order: by this process as it finishes one,
    and by the thread that deals the forked jobs theirs."""

    def __init__(self, chunks: Iterable[list[Job]]) -> None:
        self._left = collections.deque(chunks)

    def take(self) -> list[Job] | None:
        """The next chunk, or None when all are taken."""
        try:
            return self._left.popleft()  # one step: two threads never take the same
        except IndexError:
            return None


@dataclass(frozen=True)
class _Start:
    """What a forked job needs to build its chunks, sent once the batch is planned: where
    to and for which day; the batch's settings only when they are not those the jobs
    were forked with (unpickling settings loads the brand again)."""

    out_dir: Path | None
    source: str
    today: dt.date
    settings: BatchSettings | None

    @classmethod
    def of(cls, setup: WorkerSetup, forked_with: BatchSettings) -> _Start:
        settings = None if setup.settings is forked_with else setup.settings
        return cls(setup.out_dir, setup.source, setup.today, settings)


def _own_chunks(worker: Worker, chunks: Chunks) -> Generator[Result]:
    """What `worker` builds of the chunks it takes, one after another."""
    while (chunk := chunks.take()) is not None:
        yield from worker.build_all(chunk)


@dataclass(frozen=True)
class _Job:
    """A forked job and this process's ends of its pipes: the orders it is sent (what to
    load, then its chunks), its results, and its asking for another chunk."""

    process: multiprocessing.Process
    ordering: Connection
    results: Connection
    asks: Connection


class _Forked:
    """The forked jobs, and the thread that deals them their chunks."""

    def __init__(
        self, context: multiprocessing.context.BaseContext, settings: BatchSettings, count: int
    ) -> None:
        self.jobs: list[_Job] = []
        self.pipes: dict[Connection, _Job] = {}  # by results end, those still running
        self.died = False  # a job ended before it finished (its temporary files stay)
        self._dealing: threading.Thread | None = None
        for number in range(count):
            orders, ordering = context.Pipe(duplex=False)
            results, writing = context.Pipe(duplex=False)
            asks, asking = context.Pipe(duplex=False)
            process = context.Process(  # type: ignore[attr-defined]
                target=_forked_job,
                args=(settings, orders, writing, asking),
                name=f"leaflet-job-{number + 2}",
                daemon=True,
            )
            process.start()
            for end in (orders, writing, asking):
                end.close()
            job = _Job(process, ordering, results, asks)
            self.jobs.append(job)
            self.pipes[results] = job

    @property
    def running(self) -> bool:
        return bool(self.pipes)

    def send(self, message: object) -> None:
        """Send every job still running `message` (a job that has died is noticed when
        its results are read)."""
        for job in self.pipes.values():
            _send(job.ordering, message)

    def deal(self, start: _Start, chunks: Chunks) -> None:
        """Deal the jobs their chunks, from a thread (`_deal`): a job still loading what
        it needs reads its orders only when it is ready, while this process has its own
        chunks to build. (Forking is over: a thread does no harm now.)"""
        self._dealing = threading.Thread(
            target=_deal,
            args=(list(self.pipes.values()), start, chunks),
            name="leaflet-deal-chunks",
            daemon=True,
        )
        self._dealing.start()

    def ready(self, *, block: bool) -> Iterator[Result]:
        """The results the forked jobs have sent (waiting for one if `block`)."""
        ends = multiprocessing.connection.wait(list(self.pipes), None if block else 0)
        for end in ends:
            assert isinstance(end, Connection)
            while end in self.pipes and (block or end.poll()):
                yield from self._receive(end)
                block = False

    def _receive(self, end: Connection) -> Iterator[Result]:
        try:
            sent = end.recv()
        except EOFError:  # the job has ended: finished, or killed
            process = self.pipes.pop(end).process
            process.join()
            if process.exitcode != 0:
                self.died = True
                raise LeafletError(STOPPED_JOB) from None
            return
        if isinstance(sent, BaseException):
            raise sent
        yield sent

    def stop(self, folder: Path | None) -> None:
        """Stop every job still running and wait for it; remove the files they had
        finished and this process had not yet handed on."""
        for job in self.pipes.values():
            job.process.terminate()  # SIGTERM: the job finishes the document it is building
        for end, job in self.pipes.items():
            while True:
                try:
                    sent = end.recv()
                except EOFError:
                    break
                if folder is not None and isinstance(sent, ManifestEntry):
                    (folder / sent.path).unlink(missing_ok=True)
            job.process.join()
        self.pipes.clear()
        if self._dealing is not None:  # every job has ended: it stops dealing
            self._dealing.join()
            self._dealing = None
        for job in self.jobs:
            for end in (job.ordering, job.results, job.asks):
                end.close()
        self.jobs.clear()
        if self.died and folder is not None:  # every job has stopped: none is writing
            remove_temporaries(folder)


def _deal(jobs: Sequence[_Job], start: _Start, chunks: Chunks) -> None:
    """Send each job `start` and the first part of its first chunk, then its next part
    each time it asks (as it starts building one), and None once no chunk is left; until
    every job has had its None or has ended."""
    asking = {job.asks: job.ordering for job in jobs if _send(job.ordering, start)}
    parts: dict[Connection, collections.deque[list[Job]]] = {
        end: collections.deque() for end in asking
    }
    due = list(asking)  # a job's first part goes without its asking
    while asking:
        for end in due:
            if not parts[end]:  # the job's chunk is done: the next one is its
                parts[end].extend(_parts(chunks.take() or []))
            part = parts[end].popleft() if parts[end] else None
            if not _send(asking[end], part) or part is None:
                del asking[end]
        due = []
        for waited in multiprocessing.connection.wait(list(asking)) if asking else ():
            assert isinstance(waited, Connection)
            try:
                waited.recv()
            except EOFError:  # the job has ended: stopped, or killed
                del asking[waited]
                continue
            due.append(waited)


def _parts(chunk: list[Job]) -> list[list[Job]]:
    """`chunk` in parts of `STAGED` jobs at most, as even as can be (none so small that
    the job would finish it before its next part comes)."""
    count = math.ceil(len(chunk) / STAGED)
    return [chunk[len(chunk) * i // count : len(chunk) * (i + 1) // count] for i in range(count)]


def _send(end: Connection, message: object) -> bool:
    """Send `message` on `end`; False if the job at the other end has ended."""
    try:
        end.send(message)
    except OSError:
        return False
    return True


class _Stopped(BaseException):
    """Raised in a forked job told to stop while it waits for its next part."""


class _Stop:
    """Whether a forked job that has started building was told to stop (SIGTERM). It
    finishes the document it is building; waiting for its next part, it stops waiting."""

    def __init__(self) -> None:
        self.asked = False
        self._waiting = False

    def handle(self, *_: object) -> None:
        self.asked = True
        if self._waiting:
            raise _Stopped

    def receive(self, orders: Connection) -> list[Job] | None:
        """The next part this job is dealt; None: there is none, or it was told to stop
        (`_Stopped` if told while waiting)."""
        try:
            self._waiting = True
            return None if self.asked else orders.recv()
        except EOFError:  # the batch's process has gone
            return None
        finally:
            self._waiting = False


def _forked_job(
    settings: BatchSettings, orders: Connection, results: Connection, asks: Connection
) -> None:
    """A forked job: get ready for the batch while the batch's process plans it, then
    build the chunks it is dealt, sending each result as it comes."""
    exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the batch's process stops us
    try:  # until the batch is planned, SIGTERM ends this job at once: it has built nothing
        worker = _ready(settings, orders)
    except EOFError:  # the batch stopped before it was planned
        return
    except Exception as err:  # sent to the batch's process, which raises it
        results.send(err)
        return
    stop = _Stop()
    signal.signal(signal.SIGTERM, stop.handle)
    built = _dealt_chunks(worker, orders, asks, stop)
    try:
        for result in built:
            results.send(result)
            if stop.asked:
                break
    except _Stopped:
        pass
    except Exception as err:  # sent to the batch's process, which raises it
        results.send(err)
    finally:
        built.close()  # removes the temporary files of what was not placed
        results.close()


def _dealt_chunks(
    worker: Worker, orders: Connection, asks: Connection, stop: _Stop
) -> Generator[Result]:
    """What a forked job builds of the parts it is dealt: as it starts one, it asks for
    the next, which is at hand when it finishes."""
    while (part := stop.receive(orders)) is not None:
        _send(asks, None)
        yield from worker.build_all(part)


def _ready(settings: BatchSettings, orders: Connection) -> Worker:
    """A worker that has loaded the rendering code, the layout and the documents the
    batch's process names, set up for the batch once it is planned (EOFError: it will
    not be)."""
    # Where to and for which day come once the batch is planned; what the worker loads
    # depends on the settings alone.
    worker = Worker(WorkerSetup(settings, None, "", dates.today()))
    while not isinstance(message := orders.recv(), _Start):
        worker.prepare(message)
    setup = WorkerSetup(
        message.settings or settings, message.out_dir, message.source, message.today
    )
    if message.settings is None:
        worker.setup = setup
        return worker
    return Worker(setup)
