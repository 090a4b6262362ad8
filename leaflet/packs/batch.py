"""Building every patient's pack for a list of appointments: planned, resumable, parallel.

`build_batch` checks each appointment against the content, brand and layouts (a bad one
becomes a `RowProblem`; the rest are still built), skips documents the manifest says are
already built from the same inputs, and builds the others in worker processes
(`workers`). Each worker lays every document out once and stamps each patient's
values onto it (`leaflet.render.stamp`).

Files are named by appointment id and document, never by patient, and are written
atomically, readable by their owner only, into a folder only its owner can enter (when
the batch makes it). The manifest (`manifest.csv` in the output folder) gains a line as
each file is finished, so an interrupted run loses nothing it finished; at the end it is
rewritten in appointment order. Without an output folder, the documents are handed back
as bytes (`BuiltDocument`), to a callback or in the result, and nothing is written.

One batch at a time writes to a folder: it holds a lock file there (`filelock`: an
advisory lock on Linux and macOS, a Windows file lock on Windows), released however the
process ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from leaflet.errors import Argument, LeafletError, OutputError
from leaflet.packs.appointments import Appointment, RowProblem
from leaflet.packs.builder import BuiltDocument, Result, WorkerSetup
from leaflet.packs.manifest import Manifest, ManifestEntry
from leaflet.packs.planner import BatchSettings, Job, Planner
from leaflet.packs.workers import Runner, WorkerPool, default_jobs, forking_is_safe, run_jobs
from leaflet.render.output import remove_temporaries
from leaflet.sources import dates
from leaflet.sources.brand import Brand
from leaflet.sources.content import DOCUMENTS, Treatment
from leaflet.sources.documents import FORMS
from leaflet.sources.layout import load_layout

if TYPE_CHECKING:  # imported when jobs are forked: one job needs no multiprocessing
    from leaflet.packs.forked import ForkedJobs

#: The lock file a batch holds in its output folder while it writes there.
LOCK_NAME = ".leaflet-batch.lock"


@dataclass(frozen=True)
class BatchResult:
    """What a run did: files built and skipped (already built), and problems by row.
    Without an output folder: `documents` built, in appointment order (unless a callback
    took them), and no manifest."""

    built: list[ManifestEntry]
    skipped: list[ManifestEntry]
    problems: list[RowProblem]
    manifest: Path | None
    #: Rows built in another language than the clinic's (it lacks that), and why.
    warnings: list[RowProblem] = field(default_factory=list)
    #: The language each appointment was built in, by appointment id.
    languages: dict[str, str] = field(default_factory=dict)
    documents: list[BuiltDocument] = field(default_factory=list)
    brand: str = ""  # the clinic whose brand was used
    example_brand: bool = False  # True: the built-in example clinic's

    @property
    def failed_appointments(self) -> int:
        return len({(problem.row, problem.appointment_id) for problem in self.problems})


#: Progress: called in the calling process with (0, total) before the first document
#: and (done, total) after each.
Progress = Callable[[int, int], None]


def build_batch(
    appointments: Iterable[Appointment],
    out_dir: Path | str | None,
    *,
    settings: BatchSettings | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
    source: str = "appointments",
    today: dt.date | None = None,
    pool: Runner | None = None,
    on_document: Callable[[BuiltDocument], None] | None = None,
) -> BatchResult:
    """Build `settings.documents` for every usable appointment into `out_dir`.

    `jobs` worker processes: 1 builds in this process; by default, a small batch is
    built in this process and a larger one in a process per CPU (`default_jobs`), the
    others starting while the batch is planned. A `pool` is used instead, whatever the
    batch's size: a `WorkerPool` the caller keeps for batch after batch, or the jobs
    `start_jobs` started for this batch (the caller closes either). With
    `force`, files already built are built again. `source` names the appointments in
    problems (the CSV file); `today` is the date review dates are checked against
    (default: the real date). Problems with single appointments are returned, not
    raised; a problem with the whole batch (an unreadable brand, wording past its review
    date, an output folder that cannot be made) raises `LeafletError`.

    With `out_dir` None nothing is written: each document is passed to `on_document` as
    it is finished (in this thread), or, without one, returned in `documents`."""
    settings = _checked(settings or BatchSettings())
    folder = Path(out_dir) if out_dir is not None else None
    setup = WorkerSetup(settings, folder, source, today or dates.today())
    appointments = list(appointments)
    runner = pool or _runner(appointments, settings, jobs)
    try:
        if runner is not None:
            runner.prepare(setup, (appointment.treatment for appointment in appointments))
        planner = Planner(settings, source, setup.today)
        planned, problems = planner.plan(appointments)
        build = _Build(setup, runner, planner.loaded, progress)
        if folder is None:
            documents = _build_in_memory(planned, problems, build, on_document)
            result = BatchResult([], [], problems, None, documents=documents)
        else:
            result = _build_into(folder, planned, problems, build, force)
        return _planned(result, planner)
    finally:
        if runner is not None and runner is not pool:
            runner.close()


def start_jobs(
    settings: BatchSettings, jobs: int | None, *, stamped: int = 0, full: int = 0
) -> ForkedJobs | WorkerPool | None:
    """The processes that will build a batch of `stamped` and `full` documents with
    `settings`, started now, before the batch is read and planned, when it wants more
    than this one: `jobs` over 1, or by default as `default_jobs` says. On Linux with
    no other thread running, this process and jobs forked from it now (they get ready
    while it plans: `leaflet.packs.forked`); else fork-server workers. None: this
    process alone. Pass it to `build_batch` as `pool`, for one batch, and close it."""
    settings = _checked(settings)
    if jobs is not None and jobs <= 1:
        return None
    forked = forking_is_safe()
    jobs = default_jobs(stamped, full, forked=forked) if jobs is None else jobs
    if jobs <= 1:
        return None
    if not forked:
        return WorkerPool(jobs)
    from leaflet.packs.forked import ForkedJobs

    return ForkedJobs(jobs, settings)


def _runner(
    appointments: list[Appointment], settings: BatchSettings, jobs: int | None
) -> Runner | None:
    """What builds the batch's jobs (`start_jobs`), counting its documents: those on
    tri-fold and booklet layouts, and fillable consent forms, are laid out in full, the
    others stamped."""
    if jobs is not None:
        return start_jobs(settings, jobs)
    formats: dict[str, str] = {}
    stamped = full = 0
    for appointment in appointments:
        name = appointment.layout or settings.layout
        if name not in formats:
            try:
                formats[name] = load_layout(name).spec.format
            except LeafletError:
                formats[name] = "pages"  # the planner reports it; count it as cheap
        forms = len(set(settings.documents) & set(FORMS)) if settings.fillable else 0
        if formats[name] == "pages":
            stamped += len(settings.documents) - forms
            full += forms
        else:
            full += len(settings.documents)
    return start_jobs(settings, None, stamped=stamped, full=full)


def _checked(settings: BatchSettings) -> BatchSettings:
    """`settings` with its documents checked, and a brand given as data loaded once
    (not again by every worker)."""
    for name in settings.documents:
        if name not in DOCUMENTS:
            raise LeafletError(f"unknown document {name!r}; documents: {', '.join(DOCUMENTS)}")
    if settings.brand is not None and not isinstance(settings.brand, Brand):
        return replace(settings, brand=settings.load_brand())
    return settings


def _planned(result: BatchResult, planner: Planner) -> BatchResult:
    """`result` with what the planning found: languages, and the brand used."""
    brand = planner.brand
    return replace(
        result,
        warnings=planner.warnings,
        languages=planner.languages,
        brand=brand.clinic.name,
        example_brand=brand.is_example,
    )


@dataclass(frozen=True)
class _Build:
    """How a planned batch's jobs are built: by `runner`'s processes or (None) this
    one, with the treatments planning loaded, reporting to `progress`."""

    setup: WorkerSetup
    runner: Runner | None
    loaded: Mapping[str, Treatment]
    progress: Progress | None

    def results(self, todo: list[Job]) -> Generator[Result]:
        """Each job's result as it comes. Close it if the caller stops (Ctrl-C): the
        jobs stop then, before the caller's manifest closes."""
        if self.progress is not None and todo:
            self.progress(0, len(todo))  # before the jobs start
        with contextlib.closing(run_jobs(todo, self.setup, self.runner, self.loaded)) as results:
            for done, result in enumerate(results, start=1):
                yield result  # the caller has taken it when this resumes
                if self.progress is not None:
                    self.progress(done, len(todo))


def _build_into(
    folder: Path, planned: list[Job], problems: list[RowProblem], build: _Build, force: bool
) -> BatchResult:
    """Build the jobs into `folder`, which this batch alone writes to meanwhile."""
    _prepare_folder(folder)
    with _only_run(folder):
        manifest = Manifest(folder)
        try:
            return _build(planned, problems, manifest, build, force)
        finally:
            manifest.close(order=[_key(job) for job in planned])


def _build_in_memory(
    planned: list[Job],
    problems: list[RowProblem],
    build: _Build,
    on_document: Callable[[BuiltDocument], None] | None,
) -> list[BuiltDocument]:
    """Build every job, handing each document to `on_document` as it is finished or
    keeping it; kept documents come back in appointment order, however many jobs."""
    kept: list[BuiltDocument] = []
    with contextlib.closing(build.results(planned)) as results:
        for result in results:
            if isinstance(result, RowProblem):
                problems.append(result)
            elif isinstance(result, BuiltDocument):
                if on_document is not None:
                    on_document(result)
                else:
                    kept.append(result)
    problems.sort(key=lambda problem: problem.row)
    order = {_key(job): index for index, job in enumerate(planned)}
    kept.sort(key=lambda built: order[built.appointment.appointment_id, built.document])
    return kept


def _build(
    planned: list[Job],
    problems: list[RowProblem],
    manifest: Manifest,
    build: _Build,
    force: bool,
) -> BatchResult:
    """Skip what the manifest shows is built, build the rest, and list each new file."""
    todo, skipped = [], []
    for job in planned:
        kept = None if force else manifest.still_valid(_key(job), job.inputs)
        if kept is None:
            todo.append(job)
        else:  # listed by a manifest from before its language column: fill it in
            skipped.append(kept if kept.language else replace(kept, language=job.language))
    manifest.start(keep=skipped, batch={_key(job) for job in planned})
    built: list[ManifestEntry] = []
    with contextlib.closing(build.results(todo)) as results:
        for result in results:
            if isinstance(result, RowProblem):
                problems.append(result)
            elif isinstance(result, ManifestEntry):
                built.append(result)
                manifest.add(result)
    problems.sort(key=lambda problem: problem.row)
    return BatchResult(built, skipped, problems, manifest.path)


def _key(job: Job) -> tuple[str, str]:
    return job.appointment.appointment_id, job.document


@contextlib.contextmanager
def _only_run(out_dir: Path) -> Iterator[None]:
    """Refuse a second batch into the same folder while one runs: two would write the
    manifest at once. The lock goes with the process, however it ends; the lock file
    stays (taking it again is what tells a later batch the folder is free)."""
    import filelock  # here: not before the batch's jobs start, nor for one built in memory

    lock = filelock.FileLock(out_dir / LOCK_NAME, timeout=0, mode=0o600)
    try:
        lock.acquire()
    except filelock.Timeout as err:
        raise LeafletError(
            "another ",
            Argument("batch", "leaflet batch"),
            f" is writing to {out_dir}; wait for it to finish, or use another ",
            Argument("out_dir", "--out-dir"),
        ) from err
    except OSError as err:
        raise OutputError(f"cannot lock {out_dir}: {err.strerror or err}") from err
    try:
        yield
    finally:
        lock.release()


def _prepare_folder(out_dir: Path) -> None:
    """Make the output folder, entered by its owner only (0700, as the umask allows): it
    holds health data. A folder that exists is left as its owner set it up."""
    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot make the output folder {out_dir}: {err.strerror}") from err
    # Temporary files a killed run left behind (finished files are renamed into place).
    remove_temporaries(out_dir)
