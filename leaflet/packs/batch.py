"""Building every patient's pack for a list of appointments: planned, resumable, parallel.

`build_batch` checks each appointment against the content, brand and layouts (a bad one
becomes a `RowProblem`; the rest are still built), skips documents the manifest says are
already built from the same inputs, and builds the others in worker processes
(ReportLab's font and style registries are global to a process). Each worker lays every
document out once and stamps each patient's values onto it (`leaflet.stamp`).

Files are named by appointment id and document, never by patient, and are written
atomically. The manifest (`manifest.csv` in the output folder) gains a line as each file
is finished, so an interrupted run loses nothing it finished; at the end it is rewritten
in appointment order.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: batches into one folder are not guarded
    fcntl = None

from leaflet.errors import LeafletError, OutputError
from leaflet.packs.appointments import Appointment, RowProblem, check_appointment_id
from leaflet.render.document import check_review_date, render_pdf
from leaflet.render.output import write_atomically
from leaflet.render.stamp import Base, Placeholders, lay_out_base, stamp
from leaflet.sources.brand import Brand, load_brand
from leaflet.sources.content import DOCUMENTS, Treatment, load_treatment
from leaflet.sources.fonts import describe_chars
from leaflet.sources.layout import Layout, load_layout
from leaflet.version import __version__

MANIFEST_NAME = "manifest.csv"


def output_name(appointment_id: str, document: str) -> str:
    """The file a document is written to: `A1023-consent.pdf`."""
    return f"{appointment_id}-{document}.pdf"


@dataclass(frozen=True)
class ManifestEntry:
    """One file the batch made, as listed in the manifest."""

    appointment_id: str
    document: str
    path: str  # relative to the output folder
    pages: int
    bytes: int
    sha256: str
    reference: str
    version: str
    inputs: str  # hash of everything the file was made from


MANIFEST_COLUMNS = tuple(item.name for item in fields(ManifestEntry))


@dataclass(frozen=True)
class BatchSettings:
    """What every appointment shares: brand, content folder, default layout, documents."""

    brand_path: Path | None = None
    content_dir: Path | None = None
    layout: str = "a4"
    documents: tuple[str, ...] = DOCUMENTS


@dataclass(frozen=True)
class BatchResult:
    """What a run did: files built and skipped (already built), and problems by row."""

    built: list[ManifestEntry]
    skipped: list[ManifestEntry]
    problems: list[RowProblem]
    manifest: Path

    @property
    def failed_appointments(self) -> int:
        return len({(problem.row, problem.appointment_id) for problem in self.problems})


@dataclass(frozen=True)
class _Job:
    """One document to build for one appointment (sent to a worker)."""

    appointment: Appointment
    document: str
    layout: str
    inputs: str


#: Progress: called in the calling process with (0, total) before the first document
#: and (done, total) after each.
Progress = Callable[[int, int], None]


def build_batch(
    appointments: Iterable[Appointment],
    out_dir: Path | str,
    *,
    settings: BatchSettings = BatchSettings(),
    jobs: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
    source: str = "appointments",
) -> BatchResult:
    """Build `settings.documents` for every usable appointment into `out_dir`.

    `jobs` worker processes (default: the CPU count; 1 builds in this process). With
    `force`, files already built are built again. Problems with single appointments are
    returned, not raised; a problem with the whole batch (an unreadable brand, wording
    past its review date, an output folder that cannot be made) raises `LeafletError`."""
    out_dir = Path(out_dir)
    for name in settings.documents:
        if name not in DOCUMENTS:
            raise LeafletError(f"unknown document {name!r}; documents: {', '.join(DOCUMENTS)}")
    planner = _Planner(settings, source)
    planned, problems = planner.plan(appointments)
    _prepare_folder(out_dir)
    with _only_run(out_dir):
        return _build(planned, problems, out_dir, settings, jobs, force, progress, source)


def _build(
    planned: list[_Job],
    problems: list[RowProblem],
    out_dir: Path,
    settings: BatchSettings,
    jobs: int | None,
    force: bool,
    progress: Progress | None,
    source: str,
) -> BatchResult:
    manifest = _Manifest(out_dir)
    todo, skipped = [], []
    for job in planned:
        done = None if force else manifest.still_valid(job)
        if done is None:
            todo.append(job)
        else:
            skipped.append(done)
    manifest.start(
        keep=skipped, batch={(job.appointment.appointment_id, job.document) for job in planned}
    )
    built: list[ManifestEntry] = []
    if progress is not None and todo:
        progress(0, len(todo))  # before the workers start, which takes a second
    try:
        for done, result in enumerate(_run(todo, out_dir, settings, jobs, source), start=1):
            if isinstance(result, RowProblem):
                problems.append(result)
            else:
                built.append(result)
                manifest.add(result)
            if progress is not None:
                progress(done, len(todo))
    finally:
        manifest.close(order=[(job.appointment.appointment_id, job.document) for job in planned])
    problems.sort(key=lambda problem: problem.row)
    return BatchResult(built, skipped, problems, manifest.path)


def read_manifest(out_dir: Path | str) -> dict[tuple[str, str], ManifestEntry]:
    """The manifest of a batch output folder, by (appointment id, document); lines that
    do not parse (the last line of a run that was killed while writing it) are left out."""
    path = Path(out_dir) / MANIFEST_NAME
    entries: dict[tuple[str, str], ManifestEntry] = {}
    if not path.is_file():
        return entries
    with path.open(newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            values = {name: row.get(name) for name in MANIFEST_COLUMNS}
            if None in values.values() or None in row:  # cut short, or extra cells
                continue
            try:
                entry = ManifestEntry(
                    **{**values, "pages": int(values["pages"]), "bytes": int(values["bytes"])}
                )
            except ValueError:
                continue
            entries[entry.appointment_id, entry.document] = entry
    return entries


class _Planner:
    """Checks appointments against what they ask for, loading each thing once."""

    def __init__(self, settings: BatchSettings, source: str) -> None:
        self.settings = settings
        self.source = source
        self.brand = load_brand(settings.brand_path)
        self.treatments: dict[str, Treatment | LeafletError] = {}
        self.layouts: dict[str, Layout | LeafletError] = {}
        self.today = dt.date.today()

    def plan(
        self,
        appointments: Iterable[Appointment],
    ) -> tuple[list[_Job], list[RowProblem]]:
        jobs: list[_Job] = []
        problems: list[RowProblem] = []
        seen: set[str] = set()
        for appointment in appointments:
            found = self._check(appointment, seen)
            if isinstance(found, list):
                jobs += found
            else:
                problems.append(found)
        return jobs, problems

    def _check(self, appointment: Appointment, seen: set[str]) -> list[_Job] | RowProblem:
        def problem(column: str, reason: str) -> RowProblem:
            return RowProblem(
                self.source, appointment.row, column, reason, appointment.appointment_id
            )

        ident = appointment.appointment_id
        if reason := check_appointment_id(ident):
            return problem("appointment_id", reason)
        if ident.lower() in seen:
            return problem("appointment_id", f"duplicate id {ident!r}")
        seen.add(ident.lower())
        treatment = self._load(
            self.treatments,
            appointment.treatment,
            lambda slug: load_treatment(slug, self.settings.content_dir),
        )
        if isinstance(treatment, LeafletError):
            return problem("treatment", treatment.message)
        layout_name = appointment.layout or self.settings.layout
        layout = self._load(self.layouts, layout_name, load_layout)
        if isinstance(layout, LeafletError):
            return problem("layout", layout.message)
        personal = appointment.personal
        for column, value in (
            ("patient_name", personal.patient_name),
            ("practitioner", personal.practitioner),
        ):
            if missing := self.brand.fonts.missing(value):
                return problem(column, f"the brand fonts cannot print {describe_chars(missing)}")
        jobs = []
        for name in self.settings.documents:
            if name not in treatment.available():
                return problem("treatment", f"{treatment.slug} has no {name} document")
            document = treatment.document(name)
            language = document.meta.language
            if appointment.language and appointment.language.lower() != language.lower():
                return problem(
                    "language",
                    f"{appointment.language!r} is not available; "
                    f"the {treatment.slug} content is in {language}",
                )
            allowed = layout.spec.documents
            if allowed is not None and name not in allowed:
                return problem("layout", f"the {name} document cannot be laid out as {layout.name}")
            check_review_date(document, allow_expired=False, today=self.today)
            jobs.append(
                _Job(appointment, name, layout.name, self._inputs(appointment, document, layout))
            )
        return jobs

    @staticmethod
    def _load(cache: dict, key: str, load):
        if key not in cache:
            try:
                cache[key] = load(key)
            except LeafletError as err:
                cache[key] = err
        return cache[key]

    def _inputs(self, appointment: Appointment, document, layout: Layout) -> str:
        """A hash of everything a file is made from: a change to any of them rebuilds it."""
        personal = appointment.personal
        parts = [
            __version__,
            document.source.sha256,
            document.treatment.source.sha256,
            self.brand.fingerprint,
            layout.spec.model_dump_json(),
            personal.patient_name,
            str(personal.date_of_birth or ""),
            str(personal.appointment or ""),
            personal.practitioner,
        ]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@contextlib.contextmanager
def _only_run(out_dir: Path) -> Iterator[None]:
    """Refuse a second batch into the same folder while one runs: two would write the
    manifest at once. The folder itself is locked (no lock file is left behind), and the
    lock goes with the process, however it ends."""
    if fcntl is None:
        yield
        return
    folder = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LeafletError(
                f"another leaflet batch is writing to {out_dir}; wait for it "
                "to finish, or use another --out-dir"
            ) from None
        yield
    finally:
        os.close(folder)


def _prepare_folder(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot make the output folder {out_dir}: {err.strerror}") from None
    # Temporary files a killed run left behind (finished files are renamed into place).
    for leftover in out_dir.glob(".*.pdf.*.part"):
        leftover.unlink(missing_ok=True)


class _Manifest:
    """The manifest file: kept entries first, then a line per file as it is finished."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST_NAME
        self.entries = read_manifest(out_dir)
        self._stream = None

    def still_valid(self, job: _Job) -> ManifestEntry | None:
        """The manifest's entry for `job` when its file is there, unchanged, and was made
        from the same inputs."""
        entry = self.entries.get((job.appointment.appointment_id, job.document))
        if entry is None or entry.inputs != job.inputs:
            return None
        try:
            data = (self.out_dir / entry.path).read_bytes()
        except OSError:
            return None
        return entry if hashlib.sha256(data).hexdigest() == entry.sha256 else None

    def start(self, keep: Sequence[ManifestEntry], batch: set[tuple[str, str]]) -> None:
        """Rewrite the manifest with the entries still true, then append as files finish.

        Files made for appointments not in this batch stay listed while they exist."""
        others = [
            entry
            for key, entry in self.entries.items()
            if key not in batch and (self.out_dir / entry.path).is_file()
        ]
        self.entries = {(e.appointment_id, e.document): e for e in [*others, *keep]}
        self._write(list(self.entries.values()))
        self._stream = self.path.open("a", newline="", encoding="utf-8")
        self._writer = csv.writer(self._stream, lineterminator="\n")

    def add(self, entry: ManifestEntry) -> None:
        self.entries[entry.appointment_id, entry.document] = entry
        self._writer.writerow([getattr(entry, name) for name in MANIFEST_COLUMNS])
        self._stream.flush()

    def close(self, order: Sequence[tuple[str, str]]) -> None:
        """Rewrite the manifest in appointment order (the batch's, then any others)."""
        if self._stream is None:
            return
        self._stream.close()
        rank = {key: index for index, key in enumerate(order)}
        ordered = sorted(
            self.entries.values(),
            key=lambda e: (
                rank.get((e.appointment_id, e.document), len(rank)),
                e.appointment_id,
                DOCUMENTS.index(e.document) if e.document in DOCUMENTS else 0,
            ),
        )
        self._write(ordered)

    def _write(self, entries: list[ManifestEntry]) -> None:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        for entry in entries:
            writer.writerow([getattr(entry, name) for name in MANIFEST_COLUMNS])
        write_atomically(self.path, text.getvalue().encode("utf-8"))


def _run(
    todo: list[_Job], out_dir: Path, settings: BatchSettings, jobs: int | None, source: str
) -> Iterable[ManifestEntry | RowProblem]:
    """Build every job, in this process or in `jobs` worker processes, yielding results
    as they come."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if jobs == 1:
        worker = _Worker(settings, out_dir, source)
        for job in todo:
            yield worker.build(job)
        return
    # Spawned, not forked: each worker starts clean and loads only what it uses.
    context = multiprocessing.get_context("spawn")
    pool = concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(settings, out_dir, source)
    )
    try:
        # Appointments go to workers in chunks: fewer round trips, and each worker
        # builds all of one appointment's documents.
        size = max(1, min(8, len(todo) // (jobs * 8)))
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        futures = [pool.submit(_build_chunk, chunk) for chunk in chunks]
        for future in concurrent.futures.as_completed(futures):
            yield from future.result()
    except concurrent.futures.process.BrokenProcessPool:
        raise LeafletError(
            "a worker process stopped before finishing (killed, out of memory, or started "
            'from a script without `if __name__ == "__main__":`, which worker processes '
            "need because they import the script); run again to build the rest, or use "
            "one job"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_WORKER: _Worker | None = None


def _start_worker(settings: BatchSettings, out_dir: Path, source: str) -> None:
    global _WORKER
    # Ctrl-C reaches every process in the terminal's group; the main process handles it
    # (cancels what has not started), and workers finish the file they are writing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = _Worker(settings, out_dir, source)


def _build_chunk(chunk: list[_Job]) -> list[ManifestEntry | RowProblem]:
    return [_WORKER.build(job) for job in chunk]


class _Worker:
    """Builds documents in one process, laying each document and layout out once."""

    def __init__(self, settings: BatchSettings, out_dir: Path, source: str) -> None:
        self.settings = settings
        self.out_dir = out_dir
        self.source = source
        self.brand: Brand = load_brand(settings.brand_path)
        self.treatments: dict[str, Treatment] = {}
        self.layouts: dict[str, Layout] = {}
        self.bases: dict[tuple, Base | None] = {}

    def build(self, job: _Job) -> ManifestEntry | RowProblem:
        appointment = job.appointment
        try:
            data, pages, meta = self._render(job)
            target = self.out_dir / output_name(appointment.appointment_id, job.document)
            write_atomically(target, data)
        except LeafletError as err:
            return RowProblem(
                self.source, appointment.row, "", err.message, appointment.appointment_id
            )
        return ManifestEntry(
            appointment.appointment_id,
            job.document,
            target.name,
            pages,
            len(data),
            hashlib.sha256(data).hexdigest(),
            meta.reference,
            meta.version,
            job.inputs,
        )

    def _render(self, job: _Job):
        appointment = job.appointment
        slug = appointment.treatment
        if slug not in self.treatments:
            self.treatments[slug] = load_treatment(slug, self.settings.content_dir)
        if job.layout not in self.layouts:
            self.layouts[job.layout] = load_layout(job.layout)
        document = self.treatments[slug].document(job.document)
        layout = self.layouts[job.layout]
        shape = Placeholders.shape_of(appointment.personal)
        key = (slug, job.document, job.layout, shape)
        if key not in self.bases:
            self.bases[key] = lay_out_base(document, self.brand, layout, shape)
        base = self.bases[key]
        if base is None:  # a tri-fold, a booklet, or a name in running text
            pdf = render_pdf(document, self.brand, layout, appointment.personal)
        else:
            pdf = stamp(base, appointment.personal, document.meta.language)
        return pdf.data, pdf.page_count, document.meta
