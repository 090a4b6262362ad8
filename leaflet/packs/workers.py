"""Building a batch's documents in worker processes (or, for a small batch, in this one).

On Linux and other POSIX systems but macOS, workers are forked from multiprocessing's
fork server, a single-threaded process that loaded the rendering code once (`PRELOAD`):
they start in milliseconds with nothing to import, where a spawned worker is a new
interpreter importing it all again (about half a second of a core each). Elsewhere
workers are spawned. `build_batch` uses these workers when its process runs threads
(a fork copies a lock another thread holds, held) or a caller keeps a `WorkerPool`; on
Linux with no other thread running, it forks its jobs from its own process instead
(`leaflet.packs.forked`). Each worker builds
with a `leaflet.packs.builder.Worker`; jobs that share a base go to one worker together
(`base_chunks`), so that a base is laid out once, not once in every worker.

A worker never outlives the batch that started it: if the main process is killed (even
with SIGKILL, which it cannot catch), every worker exits on its own (`exit_with_parent`),
and with them goes multiprocessing's resource tracker.
"""

from __future__ import annotations

import collections
import importlib
import math
import os
import pickle
import signal
import sys
import threading
from collections import OrderedDict
from collections.abc import Generator, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from leaflet.errors import LeafletError
from leaflet.packs.builder import Result, Worker, WorkerSetup
from leaflet.packs.planner import Job
from leaflet.render.glyphs import needed as needed_glyphs

if TYPE_CHECKING:
    import multiprocessing.context
    import multiprocessing.process

    from leaflet.sources.content import Treatment

# multiprocessing, concurrent.futures and ctypes are imported where they are used: a
# batch built in this process alone (`--jobs 1`, a small batch) needs none of them.

#: A batch is built in this process alone when its estimated work is under this many
#: seconds; above it, by a process per CPU. Measured on an idle 2-core machine, whole
#: `leaflet batch` runs of the built-in documents: jobs forked from this process
#: (`leaflet.packs.forked`) cost it about 10 ms (the fork, sending the plan) and the
#: other core 0.3-0.4 s while this process plans; two broke even with one at 18
#: documents and were 1.25x as fast at 60 (0.15 s estimated: a small batch's work is
#: mostly its bases, each laid out in full). Fork-server workers cost about 1.2 s of
#: CPU first (the fork server loading the rendering code, 0.75 s; each worker loading
#: the content, 0.2 s): two were 0.56x one at 60 documents and 1.09x at 150; from
#: about 400 documents (a second) they save more than the core they take.
FORKED_FROM, WORKERS_FROM = 0.1, 1.0
#: Estimated seconds per document, all in (planning, bases, writing): a stamped copy,
#: and one laid out in full (tri-folds, booklets, a name in running text), measured on a
#: 2-core machine: about 400 stamped documents, or 25 in full, are a second of work.
STAMPED_SECONDS, FULL_SECONDS = 0.0025, 0.040
#: Treatments whose documents a worker loads before the batch is planned, at most.
PREPARED_TREATMENTS = 4
#: Documents per chunk sent to a worker at least (fewer round trips), and chunks per
#: worker at most (see `base_chunks`).
CHUNK, CHUNKS_PER_WORKER = 16, 4


#: Why a batch stopped when one of the processes sharing its work did: a forked job
#: (killed or out of memory) or a worker, which can also fail to start from a script.
STOPPED_JOB = (
    "a process building part of the batch stopped before finishing (killed or out of "
    "memory); run again to build the rest, or use one job"
)
STOPPED_WORKER = (
    "a worker process stopped before finishing (killed, out of memory, or started from "
    'a script without `if __name__ == "__main__":`, which worker processes need because '
    "they import the script); run again to build the rest, or use one job"
)

#: What the fork server loads before it forks any worker: the main module (a worker
#: then need not import it again), the rendering code and this module.
PRELOAD = ["__main__", "leaflet.render.pages", "leaflet.render.stamp", __name__]


def worker_context() -> multiprocessing.context.BaseContext:
    """How workers start: forked from the fork server where there is one and fork is
    safe after imports (not macOS, whose system libraries may not survive a fork), else
    spawned."""
    import multiprocessing

    if sys.platform != "darwin" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def forking_is_safe() -> bool:
    """Whether this process may fork its jobs: on Linux (elsewhere a forked process may
    not survive its system libraries' state, macOS's above all), with no other thread
    running."""
    import multiprocessing

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def most_common(treatments: Iterable[str]) -> tuple[str, ...]:
    """The `PREPARED_TREATMENTS` treatments a batch names most often: those a worker
    loads while the batch is planned (`Worker.prepare`)."""
    common = collections.Counter(treatments).most_common(PREPARED_TREATMENTS)
    return tuple(slug for slug, _ in common)


def default_jobs(stamped: int, full: int, *, forked: bool = False) -> int:
    """How many processes build a batch of `stamped` and `full` documents by default:
    1 (this process) for a small batch, else one per CPU; `forked`: the other jobs
    would be forked from this process, not started by the fork server (see
    `FORKED_FROM`)."""
    cpus = os.cpu_count() or 1
    estimate = stamped * STAMPED_SECONDS + full * FULL_SECONDS
    return 1 if cpus == 1 or estimate < (FORKED_FROM if forked else WORKERS_FROM) else cpus


class WorkerPool:
    """Worker processes for batches, started at once and kept until `close`.

    `build_batch(..., pool=pool)` uses them instead of starting its own, so a program
    that builds batch after batch (a clinic system's service) starts them once. Each
    worker loads the rendering code as it starts, while the caller is still planning,
    and keeps what it has laid out (`leaflet.render.stamp.BaseCache`, bounded) for
    later batches. Use it as a context manager, or call `close`."""

    def __init__(self, jobs: int | None = None) -> None:
        import concurrent.futures

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

    def prepare(self, setup: WorkerSetup, treatments: Iterable[str]) -> None:
        """Have the workers load what a batch will build with (`Worker.prepare`) while
        its main process plans it: a task for each worker, taken by whichever is free."""
        hints = most_common(treatments)
        sent = _Sent.of(setup)
        for _ in range(self.jobs):
            self._executor.submit(_prepare, sent, hints)

    def run(
        self, todo: list[Job], setup: WorkerSetup, loaded: Mapping[str, Treatment]
    ) -> Generator[Result]:
        """Build every job in the workers, yielding results as they come (`loaded`,
        what this process loaded, is of no use to other processes)."""
        import concurrent.futures.process

        chunks = base_chunks(todo, self.jobs)
        sent = _Sent.of(setup)
        futures = [self._executor.submit(_build_chunk, sent, chunk) for chunk in chunks]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield from future.result()
        except concurrent.futures.process.BrokenProcessPool as err:
            raise LeafletError(STOPPED_WORKER) from err
        finally:
            for future in futures:
                future.cancel()


def base_chunks(todo: Sequence[Job], workers: int) -> list[list[Job]]:
    """`todo` in chunks for `workers` worker processes, largest first (`grouped_chunks`)."""
    return [chunk for chunk, _ in grouped_chunks(todo, workers)]


def grouped_chunks(
    todo: Sequence[Job], workers: int
) -> list[tuple[list[Job], frozenset[Hashable]]]:
    """`todo` in chunks for `workers` worker processes, largest first, each with the
    bases its jobs are stamped on (`base_group`).

    A worker lays out each base it stamps (`leaflet.render.stamp`): jobs that share a
    base go into one chunk, so one worker lays it out, unless there are more than twice
    as many of them as a chunk holds (then they are split evenly into chunks, and a base
    is laid out by a few workers rather than by each). Groups smaller than a chunk share
    one. Chunks hold about a quarter of a worker's share (`CHUNK` at least): enough of
    them that the workers finish close together, the smallest going last."""
    size = max(CHUNK, math.ceil(len(todo) / (workers * CHUNKS_PER_WORKER)))
    groups: dict[Hashable, list[Job]] = {}
    for job in todo:
        groups.setdefault(base_group(job), []).append(job)
    chunks: list[tuple[list[Job], frozenset[Hashable]]] = []
    shared: list[Job] = []
    bases: set[Hashable] = set()  # those of the jobs in `shared`
    for base, group in groups.items():
        if len(group) > 2 * size:
            step = math.ceil(len(group) / round(len(group) / size))
            chunks += [(group[i : i + step], frozenset({base})) for i in range(0, len(group), step)]
        elif len(group) > size:
            chunks.append((group, frozenset({base})))
        else:
            if len(shared) + len(group) > size:
                chunks.append((shared, frozenset(bases)))
                shared, bases = [], set()
            shared += group
            bases.add(base)
    if shared:
        chunks.append((shared, frozenset(bases)))
    return sorted(chunks, key=lambda chunk: len(chunk[0]), reverse=True)


def base_group(job: Job) -> tuple[object, ...]:
    """What tells apart the bases a job's appointment is stamped on, but the document
    (an appointment's documents go together): the layout, the language, which values the
    patient has, and the characters beyond ASCII of the names (those of dates, in a few
    languages, also count in the cache's key; not here, where they would split a day by
    birthday)."""
    personal = job.appointment.personal
    values = (personal.patient_name, personal.practitioner)
    present = tuple(
        bool(value)
        for value in (
            *values,
            personal.date_of_birth,
            personal.appointment,
            personal.phone,
            personal.email,
        )
    )
    return job.layout, job.language, present, needed_glyphs(values)


class Runner(Protocol):
    """Builds a batch's jobs in several processes: a `WorkerPool`, or
    `leaflet.packs.forked.ForkedJobs`."""

    def run(
        self, todo: list[Job], setup: WorkerSetup, loaded: Mapping[str, Treatment]
    ) -> Generator[Result]: ...

    def prepare(self, setup: WorkerSetup, treatments: Iterable[str]) -> None: ...

    def close(self) -> None: ...


def run_jobs(
    todo: list[Job], setup: WorkerSetup, pool: Runner | None, loaded: Mapping[str, Treatment]
) -> Generator[Result]:
    """Build every job, in `pool`'s processes or (None) in this process, yielding
    results as they come; `loaded`: the treatments this process has loaded already (by
    the name appointments give them), which a job built here uses."""
    if pool is None:
        yield from Worker(setup, loaded).build_all(todo)
        return
    yield from pool.run(todo, setup, loaded)


#: A worker process's workers, by batch setup (a few: a pool may serve several batches).
_WORKERS: OrderedDict[tuple[object, ...], Worker] = OrderedDict()
KEPT_WORKERS = 4


def _start_worker() -> None:
    exit_with_parent()
    # Ctrl-C reaches every process in the terminal's group; the main process handles it
    # (cancels what has not started), and workers finish the file they are writing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Load the rendering code now, while the main process plans the batch.
    importlib.import_module("leaflet.render.pages")


#: prctl(2) option: the signal this process gets when the thread that made it ends.
_PR_SET_PDEATHSIG = 1


def exit_with_parent() -> None:
    """End this worker process as soon as the process that started it ends, however.

    Everywhere: a thread waits on the parent's sentinel, which multiprocessing gives
    every child (a pipe that closes when the parent dies on Linux and macOS, a process
    handle on Windows) and exits, at once if the parent has already gone. On Linux the
    kernel also sends SIGKILL (PR_SET_PDEATHSIG) when the process that forked this one
    ends, even while a long call holds the interpreter: the batch's process, or its
    fork server, which ends when the batch's process does. Without this, a killed batch
    left its workers running, waiting for work forever.
    """
    import multiprocessing.process

    parent = multiprocessing.process.parent_process()
    if parent is None:  # not a worker process: nothing to watch
        return
    if sys.platform.startswith("linux"):
        import ctypes

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


@dataclass(frozen=True)
class _Sent:
    """A batch's setup as sent with each task: its key, and the setup pickled, which a
    worker that already has the batch's `Worker` does not load again (unpickling a
    setup loads its brand from the brand's files)."""

    key: tuple[object, ...]
    pickled: bytes

    @classmethod
    def of(cls, setup: WorkerSetup) -> _Sent:
        return cls(setup.key, pickle.dumps(setup))


def _build_chunk(sent: _Sent, chunk: list[Job]) -> list[Result]:
    return list(_worker(sent).build_all(chunk))


def _prepare(sent: _Sent, treatments: tuple[str, ...]) -> None:
    _worker(sent).prepare(treatments)


def _worker(sent: _Sent) -> Worker:
    """This process's worker for a batch."""
    worker = _WORKERS.get(sent.key)
    if worker is None:
        worker = _WORKERS[sent.key] = Worker(pickle.loads(sent.pickled))
        if len(_WORKERS) > KEPT_WORKERS:
            _WORKERS.popitem(last=False)
    _WORKERS.move_to_end(sent.key)
    return worker
