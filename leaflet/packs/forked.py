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

The jobs share out the same chunks as the fork server's workers, each with the
bases its jobs are stamped on (`grouped_chunks`: jobs that share a base go
together, so each base is laid out once). This process keeps them and deals them
out one at a time, largest first (but a process is given the next chunk of a base
it has before any other: `Parts`): it takes the next for itself as it finishes
one, and a thread of it deals a forked job its chunks a part (`STAGED` files)
at a time: the first part as soon as the batch is planned, and the next each time the
job starts building one, taking a new chunk for it when its chunk is done. A job so
always has its next part at hand, never more: it holds two parts of the plan at most,
however large the batch, and its memory does not grow with the batch (it used to be sent
the whole plan: 7.5 MB more at 10,002 documents than at 1,002). A chunk is promised to a
job only as it starts the last part of its chunk before, so near the end of a batch the
chunks left go to whichever process is free first. Towards the end parts shrink with
what is left, to `FEWEST` documents, and once no chunk is left a process with nothing to
do takes a piece from the end of another's chunk (`Parts`): the processes finish within
a piece or two of each other. Each process builds its parts as one stream
(`Worker.build_chunks`): a part's files are synced in a thread while the next part is
built. A forked job sends each result as soon as its file is in place; this process
hands them on between its own. A forked job that dies (killed, out of memory) is
reported as an error once this process notices, and the temporary files it left are
removed. On Ctrl-C or any other stop, the forked jobs are told to stop (`SIGTERM`; one
still waiting for the plan is sent none): each stops at the next result it sends, which
is after the document it is building when an earlier part's files are ready to place,
and at most after the part it is building (`STAGED` documents) when none is (a job
waiting for its next part stops waiting); it removes the temporary files of those not in
place and sends what it placed; this process removes the files it was sent and did not
hand on (the caller's manifest does not list them), so the folder holds what the
manifest lists and finished files only. A forked job exits as soon as this process does,
however it ends (SIGKILL too: `exit_with_parent`); a SIGKILL of this process can leave
up to a part of finished files (`STAGED`) a forked job had placed but not yet sent: not
listed, they are built again by the next run.
"""

from __future__ import annotations

import collections
import functools
import gc
import math
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import threading
from collections.abc import Generator, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from leaflet.errors import LeafletError
from leaflet.packs.builder import STAGED, Result, Worker, WorkerSetup
from leaflet.packs.forked_job import Connection, Start, run_job, send
from leaflet.packs.manifest import ManifestEntry
from leaflet.packs.planner import BatchSettings, Job
from leaflet.packs.workers import (
    STOPPED_JOB,
    forking_is_safe,
    grouped_chunks,
    most_common,
)
from leaflet.render.output import remove_temporaries

if TYPE_CHECKING:
    from leaflet.sources.content import Treatment


#: Documents in a part at the end of a batch at least (`Parts`): each part ends with a
#: sync, and a part dealt to a forked job costs a round trip.
FEWEST = 8


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
        self._forked.send(most_common(treatments))

    def run(
        self, todo: list[Job], setup: WorkerSetup, loaded: Mapping[str, Treatment]
    ) -> Generator[Result]:
        """Build every job, yielding results as they come (see the module's notes);
        `loaded`: treatments this process has loaded already, by the name jobs use."""
        parts = Parts(grouped_chunks(todo, self.jobs), 1 + len(self._forked.jobs))
        self._forked.deal(Start.of(setup, self.settings), parts)
        # This process's parts, in one stream (`Worker.build_chunks`: each part's sync
        # runs while the next is built), the next taken as the last is built.
        own = Worker(setup, loaded).build_chunks(iter(functools.partial(parts.take, 0), None))
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


class Parts:
    """A batch's chunks, handed out a part at a time: by this process to itself as it
    finishes one, and by the thread that deals the forked jobs theirs.

    Each process (a `taker`: 0 this one, then each forked job) takes the parts of the
    chunk it took, in order, then the next chunk. Towards the end of the batch parts
    shrink with what is left: a part holds at most half a process's share of the
    documents not yet handed out (`FEWEST` at least), so that no process starts a large
    part, or is dealt one ahead, just before the others run out. Once every chunk is
    taken, a process with nothing left takes such a piece from the end of the chunk of
    the one with the most left (it lays out that chunk's base again, about 50 ms, on a
    core that would be idle). The processes so finish within a piece or two of each
    other (`FEWEST` documents each), not a part.

    A process takes the largest chunk left that shares a base with one it took before
    (each chunk comes with the bases its jobs are stamped on: `grouped_chunks`); failing
    that, the largest whose bases no other process has taken. A base too large for one
    chunk so stays with one process where the balance allows, which lays it out, and
    draws the texts its patients share, once (about 50 ms and 1 ms each), not in every
    process."""

    def __init__(
        self, chunks: Iterable[tuple[list[Job], frozenset[Hashable]]], processes: int
    ) -> None:
        self._left = collections.deque(chunks)
        self._undealt = sum(len(chunk) for chunk, _ in self._left)
        self._processes = max(1, processes)
        self._taken: dict[int, collections.deque[list[Job]]] = {}
        self._groups: dict[int, set[Hashable]] = {}  # the bases each process has taken
        self._lock = threading.Lock()

    def take(self, taker: int) -> list[Job] | None:
        """`taker`'s next part, or None when no part is left."""
        with self._lock:
            own = self._taken.setdefault(taker, collections.deque())
            if not own and self._left:
                own.extend(_parts(self._next_chunk(taker)))
            parts = own or max(self._taken.values(), key=lambda parts: sum(map(len, parts)))
            if not parts:
                return None
            share = max(FEWEST, math.ceil(self._undealt / (2 * self._processes)))
            if self._processes == 1:  # no other process to finish with: whole parts
                share = STAGED
            # Its own chunk from the front, another's from the end.
            part = parts[0] if parts is own else parts[-1]
            if len(part) < share + FEWEST:  # the whole part: no smaller piece is left
                piece = parts.popleft() if parts is own else parts.pop()
            elif parts is own:
                piece, parts[0] = part[:share], part[share:]
            else:
                parts[-1], piece = part[:-share], part[-share:]
            self._undealt -= len(piece)
            return piece

    def _next_chunk(self, taker: int) -> list[Job]:
        """The chunk `taker` takes next (see the class's notes), the largest coming first."""
        own = self._groups.setdefault(taker, set())
        others: set[Hashable] = set()
        for number, taken in self._groups.items():
            if number != taker:
                others.update(taken)
        candidates = list(enumerate(groups for _, groups in self._left))
        index = next((i for i, groups in candidates if groups & own), None)
        if index is None:
            index = next((i for i, groups in candidates if not groups & others), 0)
        chunk, groups = self._left[index]
        del self._left[index]
        own.update(groups)
        return chunk


@dataclass(frozen=True)
class _Job:
    """A forked job and this process's ends of its pipes: the orders it is sent (what to
    load, then its parts), its results, and its asking for its next part."""

    process: multiprocessing.Process
    ordering: Connection
    results: Connection
    asks: Connection


class _Forked:
    """The forked jobs, and the thread that deals them their parts."""

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
                target=run_job,
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
            send(job.ordering, message)

    def deal(self, start: Start, parts: Parts) -> None:
        """Deal the jobs their parts, from a thread (`_deal`): a job still loading what
        it needs reads its orders only when it is ready, while this process has its own
        parts to build. (Forking is over: a thread does no harm now.)"""
        self._dealing = threading.Thread(
            target=_deal,
            args=(list(self.pipes.values()), start, parts),
            name="leaflet-deal-parts",
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
            job.process.terminate()  # SIGTERM: the job stops at its next result
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


def _deal(jobs: Sequence[_Job], start: Start, parts: Parts) -> None:
    """Send each job `start` and its first part, then its next part each time it asks
    (as it starts building one), and None once no part is left; until every job has had
    its None or has ended."""
    asking = {job.asks: job.ordering for job in jobs if send(job.ordering, start)}
    takers = {end: number for number, end in enumerate(asking, start=1)}
    due = list(asking)  # a job's first part goes without its asking
    while asking:
        for end in due:
            part = parts.take(takers[end])
            if not send(asking[end], part) or part is None:
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
