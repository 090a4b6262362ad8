"""Building a batch's documents in one process: each laid out once and stamped.

A `Worker` builds the jobs it is given (in the batch's own process, or in a worker
process, `leaflet.packs.workers`): each document on a base laid out once and stamped with
each patient's values (`leaflet.render.stamp.BaseCache`); tri-folds, booklets, wording
with a personal value in running text, values too long for one line and fillable forms
laid out in full for each patient. Into a folder, files are written a part at a time
with one sync for the part (`StagedFiles`), run in a thread while the next part is
built; each file is renamed into place when that sync has returned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from leaflet.errors import LeafletError
from leaflet.packs.appointments import Appointment, RowProblem
from leaflet.packs.manifest import ManifestEntry, output_name
from leaflet.packs.planner import BatchSettings, Job
from leaflet.render.output import RenderedPdf, StagedFiles
from leaflet.sources import schema
from leaflet.sources.brand import Brand
from leaflet.sources.content import Treatment
from leaflet.sources.layout import Layout, load_layout

#: Files written, then made durable with one sync, at a time (see `Worker.build_chunks`).
STAGED = 64


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
#: A document written to its temporary file: the job, its target and what to list.
_Made = tuple[Job, Path, ManifestEntry]


@dataclass
class _Part:
    """Files written a part at a time, and what each of the part's jobs made."""

    staged: StagedFiles
    made: list[_Made | RowProblem] = field(default_factory=list)


def _parts(chunks: Iterable[Sequence[Job]]) -> Iterator[Sequence[Job]]:
    """Each chunk's jobs `STAGED` at a time."""
    for chunk in chunks:
        for start in range(0, len(chunk), STAGED):
            yield chunk[start : start + STAGED]


class Worker:
    """Builds documents in one process, laying each document and layout out once."""

    def __init__(self, setup: WorkerSetup, loaded: Mapping[str, Treatment] | None = None) -> None:
        """`loaded`: treatments already loaded with `setup`'s settings (by a `Planner`
        in this process), by the name appointments give them."""
        self.setup = setup
        self.brand: Brand = setup.settings.load_brand()
        self.treatments: dict[str, Treatment] = dict(loaded or {})
        self.layouts: dict[str, Layout] = {}
        # The rendering code loads here: a main process whose workers build (and which
        # only plans and keeps the manifest) never needs it.
        from leaflet.render.stamp import BaseCache

        self.bases = BaseCache()

    def build_all(self, jobs: Sequence[Job]) -> Generator[Result]:
        """Build `jobs`, yielding each one's result as its file is in place (or why it
        failed); see `build_chunks`."""
        return self.build_chunks([jobs])

    def build_chunks(self, chunks: Iterable[Sequence[Job]]) -> Generator[Result]:
        """Build the jobs of each chunk (taking the next chunk when the last is built),
        yielding each one's result as its file is in place (or why it failed).

        Files are written `STAGED` at a time (a part never spans two chunks): each to a
        temporary file, then all of them made durable with one sync, in a thread while
        the next part is built; each is renamed into place and yielded once that sync
        has returned (checked after each document). No sync runs while the caller
        holds a result; what is not yet yielded when the caller stops is removed
        (`StagedFiles`)."""
        if self.setup.out_dir is None:
            yield from map(self._in_memory, itertools.chain.from_iterable(chunks))
        else:
            yield from self._written(chunks, self.setup.out_dir)

    def _in_memory(self, job: Job) -> BuiltDocument | RowProblem:
        try:
            pdf, meta = self._render(job)
        except LeafletError as err:
            return self._problem(job, err)
        return BuiltDocument(job.appointment, job.document, pdf, meta.reference, meta.version)

    def _written(self, chunks: Iterable[Sequence[Job]], folder: Path) -> Iterator[Result]:
        syncing: _Part | None = None  # written; its sync runs in a thread
        writing: _Part | None = None
        try:
            for part in _parts(chunks):
                writing = _Part(StagedFiles(private=True, limit=len(part)))
                for job in part:
                    writing.made.append(self._write(job, folder, writing.staged))
                    if syncing is not None and syncing.staged.synced:
                        yield from self._placed(syncing)
                        syncing = None
                if syncing is not None:  # still syncing: wait for it
                    yield from self._placed(syncing)
                writing.staged.start_sync()
                syncing, writing = writing, None
            if syncing is not None:
                yield from self._placed(syncing)
        finally:
            try:
                if syncing is not None:
                    syncing.staged.discard()  # once its sync has returned
            finally:
                if writing is not None:
                    writing.staged.discard()

    def _write(self, job: Job, folder: Path, staged: StagedFiles) -> _Made | RowProblem:
        """Build `job` and write its file to a temporary file (`staged`)."""
        target = folder / output_name(job.appointment.appointment_id, job.document)
        try:
            pdf, meta = self._render(job)
            staged.add(target, pdf.data)
        except LeafletError as err:
            return self._problem(job, err)
        return job, target, self._entry(job, target, pdf, meta)

    def _placed(self, part: _Part) -> Iterator[Result]:
        """Once `part`'s sync has returned, rename each of its files into place and
        yield it (a failed sync: every file of the part is a problem, and its temporary
        files are removed)."""
        made = part.made
        with part.staged:
            try:
                part.staged.sync()
            except LeafletError as err:
                made = [
                    item if isinstance(item, RowProblem) else self._problem(item[0], err)
                    for item in made
                ]
            for item in made:
                if isinstance(item, RowProblem):
                    yield item
                    continue
                job, target, entry = item
                try:
                    part.staged.place(target)
                except LeafletError as err:
                    yield self._problem(job, err)
                    continue
                yield entry

    def _entry(self, job: Job, target: Path, pdf: RenderedPdf, meta: schema.Meta) -> ManifestEntry:
        return ManifestEntry(
            job.appointment.appointment_id,
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

    def _problem(self, job: Job, err: LeafletError) -> RowProblem:
        appointment = job.appointment
        return RowProblem(
            self.setup.source, appointment.row, "", err.message, appointment.appointment_id
        )

    def prepare(self, treatments: Iterable[str]) -> None:
        """Load what the jobs will most likely need, before they come: the `treatments`'
        documents in the clinic's language, on the batch's layout. What cannot be loaded
        is left for the jobs to report."""
        documents = self.setup.settings.documents
        with contextlib.suppress(LeafletError):
            self._layout(self.setup.settings.layout)
        for slug in treatments:
            try:
                treatment = self._treatment(slug)
                language, _ = treatment.choose_language(None, self.brand.spec.language)
                for name in documents:
                    treatment.document(name, language)
            except LeafletError:
                continue

    def _treatment(self, slug: str) -> Treatment:
        if slug not in self.treatments:
            self.treatments[slug] = self.setup.settings.load_treatment(slug)
        return self.treatments[slug]

    def _layout(self, name: str) -> Layout:
        if name not in self.layouts:
            self.layouts[name] = load_layout(name)
        return self.layouts[name]

    def _render(self, job: Job) -> tuple[RenderedPdf, schema.Meta]:
        appointment, today = job.appointment, self.setup.today
        document = self._treatment(appointment.treatment).document(
            job.document, job.language or None
        )
        layout = self._layout(job.layout)
        personal = appointment.personal
        if job.fillable:  # the details are the fields' values: laid out for each patient
            from leaflet.render.document import render_pdf

            pdf = render_pdf(document, self.brand, layout, personal, fillable=True, today=today)
        else:
            pdf = self.bases.render(document, self.brand, layout, personal, today=today)
        return replace(pdf, personal=bool(personal)), document.meta
