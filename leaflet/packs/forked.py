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
that share a base go together, so each base is laid out once), each process taking the
next chunk as it finishes building one (while the last files of that one are synced:
`Worker.build_chunks`). A forked job sends each result as soon as its file is in
place; this process hands them on between its own. A forked job that dies (killed, out
of memory) is reported as an error once this process notices, and the temporary files
it left are removed. On Ctrl-C or any other stop, the forked jobs are told to stop
(`SIGTERM`; one still waiting for the plan is sent none): each finishes the document it
is building, removes the temporary files of those not in place and sends what it
placed; this process removes the files it was sent and did not hand on (the caller's
manifest does not list them), so the folder holds what the manifest lists and finished
files only. A forked job exits as soon as this process does, however it ends (SIGKILL
too: `exit_with_parent`); a SIGKILL of this process can leave up to a part of finished
files (`STAGED`) a forked job had placed but not yet sent: not listed, they are built
again by the next run.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import gc
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.sharedctypes
import signal
import threading
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from leaflet.errors import LeafletError
from leaflet.packs.builder import Result, Worker, WorkerSetup
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

    # a count the processes share (`multiprocessing.Value`)
    _Count = multiprocessing.sharedctypes.Synchronized[int]

Connection = multiprocessing.connection.Connection


class ForkedJobs:
    """`jobs` processes building one batch with `settings`: this one, and `jobs - 1`
    forked from it now (none when forking is not safe: this process then builds it
    all). Call `close` (or use it as a context manager) if the batch never runs."""

    def __init__(self, jobs: int, settings: BatchSettings) -> None:
        self.jobs = max(1, jobs)
        self.settings = settings
        context = multiprocessing.get_context("fork")
        self.taken: _Count = context.Value("i", 0)  # chunks handed out so far
        # Checked again: a thread started since the batch chose this way builds it here.
        forks = self.jobs - 1 if forking_is_safe() else 0
        # Objects from before the fork stay out of the collector's way in the forked
        # jobs: a collection would touch (and so copy) every page of them.
        gc.freeze()
        try:
            self._forked = _Forked(context, settings, self.taken, forks)
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
        chunks = base_chunks(todo, self.jobs)
        with self.taken.get_lock():  # from the first chunk, if these jobs built before
            self.taken.value = 0
        self._forked.send_plan(_Plan.of(setup, self.settings, chunks))
        own = _own_chunks(Worker(setup, loaded), chunks, self.taken)
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


@dataclass(frozen=True)
class _Plan:
    """What the forked jobs build: the chunks and where to; the batch's settings only
    when they are not those the jobs were forked with (unpickling settings loads the
    brand again)."""

    chunks: Sequence[list[Job]]
    out_dir: Path | None
    source: str
    today: dt.date
    settings: BatchSettings | None

    @classmethod
    def of(
        cls, setup: WorkerSetup, forked_with: BatchSettings, chunks: Sequence[list[Job]]
    ) -> _Plan:
        settings = None if setup.settings is forked_with else setup.settings
        return cls(chunks, setup.out_dir, setup.source, setup.today, settings)


def _own_chunks(worker: Worker, chunks: Sequence[list[Job]], taken: _Count) -> Generator[Result]:
    """What `worker` builds of the chunks it takes, one after another: in one stream,
    so that the sync of a chunk's last files runs while the next chunk is built."""
    yield from worker.build_chunks(_taken(chunks, taken))


def _taken(chunks: Sequence[list[Job]], taken: _Count) -> Iterator[list[Job]]:
    """Each chunk this process takes, taking the next when it needs it."""
    while (index := _take(taken)) < len(chunks):
        yield chunks[index]


def _take(taken: _Count) -> int:
    """The next chunk's index (the processes share the count)."""
    with taken.get_lock():
        index = int(taken.value)
        taken.value = index + 1
    return index


class _Forked:
    """The forked jobs, with the ends of their pipes this process sends them the plan
    on and reads their results from."""

    def __init__(
        self,
        context: multiprocessing.context.BaseContext,
        settings: BatchSettings,
        taken: _Count,
        count: int,
    ) -> None:
        self.pipes: dict[Connection, tuple[Connection, multiprocessing.Process]] = {}
        self.died = False  # a job ended before it finished (its temporary files stay)
        self._sending: threading.Thread | None = None
        for number in range(count):
            orders, ordering = context.Pipe(duplex=False)
            reading, writing = context.Pipe(duplex=False)
            process = context.Process(  # type: ignore[attr-defined]
                target=_forked_job,
                args=(settings, taken, orders, writing),
                name=f"leaflet-job-{number + 2}",
                daemon=True,
            )
            process.start()
            orders.close()
            writing.close()
            self.pipes[reading] = ordering, process

    @property
    def running(self) -> bool:
        return bool(self.pipes)

    def send(self, message: object) -> None:
        """Send every job still running `message` (a job that has died is noticed when
        its results are read)."""
        for ordering, _ in self.pipes.values():
            with contextlib.suppress(OSError):
                ordering.send(message)

    def send_plan(self, plan: _Plan) -> None:
        """Send every job `plan`, from a thread: a job still loading what it needs
        reads it only when it is ready, and the plan (about 300 bytes a document) fills
        the pipe meanwhile, while this process has its own part to build. (Forking is
        over: a thread does no harm now.)"""
        self._sending = threading.Thread(
            target=self.send, args=(plan,), name="leaflet-send-plan", daemon=True
        )
        self._sending.start()

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
            ordering, process = self.pipes.pop(end)
            ordering.close()
            end.close()
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
        for _, process in self.pipes.values():
            process.terminate()  # SIGTERM: the job finishes the document it is building
        for end, (_, process) in self.pipes.items():
            while True:
                try:
                    sent = end.recv()
                except EOFError:
                    break
                if folder is not None and isinstance(sent, ManifestEntry):
                    (folder / sent.path).unlink(missing_ok=True)
            end.close()
            process.join()
        if self._sending is not None:  # every job has ended: the plan is sent or refused
            self._sending.join()
        for ordering, _ in self.pipes.values():
            ordering.close()
        self.pipes.clear()
        if self.died and folder is not None:  # every job has stopped: none is writing
            remove_temporaries(folder)


def _forked_job(
    settings: BatchSettings, taken: _Count, orders: Connection, results: Connection
) -> None:
    """A forked job: get ready for the batch while the batch's process plans it, then
    build the chunks it takes, sending each result as it comes."""
    exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the batch's process stops us
    try:  # until the plan comes, SIGTERM ends this job at once: it has built nothing
        worker, plan = _ready(settings, orders)
    except EOFError:  # the batch stopped before it was planned
        return
    except Exception as err:  # sent to the batch's process, which raises it
        results.send(err)
        return
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    built = _own_chunks(worker, plan.chunks, taken)
    try:
        for result in built:
            results.send(result)
            if stopping.is_set():
                break
    except Exception as err:  # sent to the batch's process, which raises it
        results.send(err)
    finally:
        built.close()  # removes the temporary files of what was not placed
        results.close()


def _ready(settings: BatchSettings, orders: Connection) -> tuple[Worker, _Plan]:
    """A worker that has loaded the rendering code, the layout and the documents the
    batch's process names, and the plan it builds for (EOFError: none will come)."""
    # Where to and for which day come with the plan; what the worker loads depends on
    # the settings alone.
    worker = Worker(WorkerSetup(settings, None, "", dates.today()))
    while not isinstance(message := orders.recv(), _Plan):
        worker.prepare(message)
    setup = WorkerSetup(
        message.settings or settings, message.out_dir, message.source, message.today
    )
    if message.settings is None:
        worker.setup = setup
    else:
        worker = Worker(setup)
    return worker, message
