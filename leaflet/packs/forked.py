"""Building a batch in this process and in copies of it forked once it is warm (Linux).

A worker started from the fork server (`leaflet.packs.workers`) begins cold: the fork
server loads the rendering code into a new Python (about 0.75 s of a core), then each
worker loads the documents and layout and warms ReportLab's font and paragraph caches.
Here this process builds too, as one of the jobs: it loads the documents and layouts,
builds the batch's first document once (laying out its base and warming those
caches), and only then forks the other jobs, which inherit all of it copy-on-write.
That is safe only while no other thread runs in this process (a fork copies a lock
another thread holds, held, for ever): `forking_is_safe` says when; otherwise a batch
uses the fork server as before.

The jobs share out the same chunks as the fork server's workers (`base_chunks`: jobs
that share a base go together, so each base is laid out once), each process taking the
next chunk as it finishes one. A forked job sends each result as soon as its file is in
place; this process hands them on between its own. A forked job that dies (killed, out
of memory) is reported as an error once this process notices, and the temporary files
it left are removed. On Ctrl-C or any other
stop, the forked jobs are told to stop (`SIGTERM`): each finishes the document it is
building, removes the temporary files of those not in place and sends what it placed;
this process removes the files it was sent and did not hand on (the caller's manifest
does not list them), so the folder holds what the manifest lists and finished files
only. A forked job exits as soon as this process does, however it ends (SIGKILL too:
`exit_with_parent`); a SIGKILL of this process can leave up to a part of finished
files (`STAGED`) a forked job had placed but not yet sent: not listed, they are built
again by the next run.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.sharedctypes
import signal
import threading
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from leaflet.errors import LeafletError
from leaflet.packs.builder import Result, Worker, WorkerSetup
from leaflet.packs.manifest import ManifestEntry
from leaflet.packs.planner import Job
from leaflet.packs.workers import (
    STOPPED_JOB,
    base_chunks,
    exit_with_parent,
    forking_is_safe,
)
from leaflet.render.output import remove_temporaries

if TYPE_CHECKING:  # a count the processes share (`multiprocessing.Value`)
    _Count = multiprocessing.sharedctypes.Synchronized[int]


class ForkedJobs:
    """`jobs` processes building a batch: this one and `jobs - 1` forked from it."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)

    def run(self, todo: list[Job], setup: WorkerSetup) -> Generator[Result]:
        """Build every job, yielding results as they come (see the module's notes)."""
        worker = Worker(setup)
        worker.prepare(dict.fromkeys(job.appointment.treatment for job in todo))
        chunks = base_chunks(todo, self.jobs)
        if chunks:
            worker.warm_up(chunks[0][0])  # the caches the forked jobs inherit
        context = multiprocessing.get_context("fork")
        taken = context.Value("i", 0)  # chunks handed out so far
        # Checked again: a thread started since the batch chose this way builds it here.
        forks = min(self.jobs, len(chunks)) - 1 if forking_is_safe() else 0
        # Objects from before the fork stay out of the collector's way in the forked
        # jobs: a collection would touch (and so copy) every page of them.
        gc.freeze()
        try:
            jobs = _Forked(context, worker, chunks, taken, forks)
        finally:
            gc.unfreeze()
        own = _own_chunks(worker, chunks, taken)
        try:
            for result in own:
                yield result
                yield from jobs.ready(block=False)
            while jobs.running:
                yield from jobs.ready(block=True)
        finally:
            own.close()
            jobs.stop(setup.out_dir)


def _own_chunks(worker: Worker, chunks: Sequence[list[Job]], taken: _Count) -> Generator[Result]:
    """What `worker` builds of the chunks it takes, one after another."""
    while (index := _take(taken)) < len(chunks):
        yield from worker.build_all(chunks[index])


def _take(taken: _Count) -> int:
    """The next chunk's index (the processes share the count)."""
    with taken.get_lock():
        index = int(taken.value)
        taken.value = index + 1
    return index


class _Forked:
    """The forked jobs, and the ends of their pipes this process reads results from."""

    def __init__(
        self,
        context: multiprocessing.context.BaseContext,
        worker: Worker,
        chunks: Sequence[list[Job]],
        taken: _Count,
        count: int,
    ) -> None:
        self.pipes: dict[multiprocessing.connection.Connection, multiprocessing.Process] = {}
        self.died = False  # a job ended before it finished (its temporary files stay)
        for number in range(count):
            reading, writing = context.Pipe(duplex=False)
            process = context.Process(  # type: ignore[attr-defined]
                target=_forked_job,
                args=(worker, chunks, taken, writing),
                name=f"leaflet-job-{number + 2}",
                daemon=True,
            )
            process.start()
            writing.close()
            self.pipes[reading] = process

    @property
    def running(self) -> bool:
        return bool(self.pipes)

    def ready(self, *, block: bool) -> Iterator[Result]:
        """The results the forked jobs have sent (waiting for one if `block`)."""
        ends = multiprocessing.connection.wait(list(self.pipes), None if block else 0)
        for end in ends:
            assert isinstance(end, multiprocessing.connection.Connection)
            while end in self.pipes and (block or end.poll()):
                yield from self._receive(end)
                block = False

    def _receive(self, end: multiprocessing.connection.Connection) -> Iterator[Result]:
        try:
            sent = end.recv()
        except EOFError:  # the job has ended: finished, or killed
            process = self.pipes.pop(end)
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
        for process in self.pipes.values():
            process.terminate()  # SIGTERM: the job finishes the document it is building
        for end, process in self.pipes.items():
            while True:
                try:
                    sent = end.recv()
                except EOFError:
                    break
                if folder is not None and isinstance(sent, ManifestEntry):
                    (folder / sent.path).unlink(missing_ok=True)
            end.close()
            process.join()
        self.pipes.clear()
        if self.died and folder is not None:  # every job has stopped: none is writing
            remove_temporaries(folder)


def _forked_job(
    worker: Worker,
    chunks: Sequence[list[Job]],
    taken: _Count,
    results: multiprocessing.connection.Connection,
) -> None:
    """A forked job: build the chunks it takes, sending each result as it comes."""
    exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the batch's process stops us
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    built = _own_chunks(worker, chunks, taken)
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
