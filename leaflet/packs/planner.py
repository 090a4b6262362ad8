"""Planning a batch: each appointment checked against what it asks for, before any build.

A bad appointment (an unsafe or duplicate id, an unknown treatment, layout or language, a
language the treatment lacks, a name the fonts cannot print, a document the layout
cannot hold, a fillable form on imposed pages) becomes a `RowProblem`; the others become
jobs, one per document, each with a hash of everything its file is made from.

Each row is built in its `language` column's language; an empty cell means the clinic's
language (the brand's `language`), and when the treatment lacks that, English, with a
warning: a patient never gets another language silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from leaflet.errors import LeafletError
from leaflet.packs.appointments import Appointment, RowProblem
from leaflet.sources.brand import Brand, load_brand
from leaflet.sources.content import DOCUMENTS, Treatment, load_treatment
from leaflet.sources.content_data import find_treatment
from leaflet.sources.layout import Layout, load_layout
from leaflet.sources.review import check_review_date
from leaflet.version import __version__

Loaded = TypeVar("Loaded")


@dataclass(frozen=True)
class BatchSettings:
    """What every appointment shares: brand, content, default layout, documents, and
    whether forms are fillable (`fillable`: the consent form filled in on a tablet or
    computer, the patient's details already in its fields; leaflets are unchanged).

    The brand is a brand file (`brand_path`, None: the example clinic), or, for a
    service that keeps brands in its own database, `brand`: a loaded `Brand` or the
    brand's data (see `load_brand`). The content is a content folder (`content_dir`,
    None: the built-in one), or `treatments`: loaded `Treatment`s, such as
    `treatment_from_data` makes, the only ones the batch then knows."""

    brand_path: Path | str | None = None
    content_dir: Path | str | None = None
    layout: str = "a4"
    documents: tuple[str, ...] = DOCUMENTS
    brand: Brand | Mapping[str, Any] | None = None
    treatments: tuple[Treatment, ...] = ()
    fillable: bool = False

    def load_brand(self) -> Brand:
        """The batch's brand, loaded."""
        return load_brand(self.brand if self.brand is not None else self.brand_path)

    def load_treatment(self, name: str) -> Treatment:
        """The treatment an appointment names, by its folder, name or an alias."""
        if self.treatments:
            return find_treatment(name, self.treatments)
        return load_treatment(name, self.content_dir)

    def key(self) -> tuple[object, ...]:
        """What tells two batches' settings apart, hashable: a worker process keeps its
        work for a batch by it (`leaflet.packs.workers`). A brand or treatment given as
        data counts by its fingerprint, not by its identity."""
        brand = self.brand
        if isinstance(brand, Brand):
            brand_key: object = (str(brand.path), brand.fingerprint)
        else:  # a path, or data: loaded alike by every worker
            brand_key = self.load_brand().fingerprint if brand is not None else None
        treatments = tuple(
            (t.slug, str(t.folder), t.source.sha256, *(s.sha256 for s in t.given.values()))
            for t in self.treatments
        )
        paths = (str(self.brand_path), str(self.content_dir))
        return (*paths, self.layout, tuple(self.documents), brand_key, treatments, self.fillable)


@dataclass(frozen=True)
class Job:
    """One document to build for one appointment (sent to a worker)."""

    appointment: Appointment
    document: str
    layout: str
    inputs: str
    language: str = ""  # the content's tag; empty: the treatment's source language
    fillable: bool = False  # a form with fields over its boxes and lines


class Planner:
    """Checks appointments against what they ask for, loading each thing once."""

    def __init__(self, settings: BatchSettings, source: str, today: dt.date) -> None:
        self.settings = settings
        self.source = source
        self.today = today
        self.brand = settings.load_brand()
        self.treatments: dict[str, Treatment | LeafletError] = {}
        self.layouts: dict[str, Layout | LeafletError] = {}
        #: Rows built in another language than the clinic's, and why.
        self.warnings: list[RowProblem] = []
        #: The language each appointment is built in, by appointment id.
        self.languages: dict[str, str] = {}
        self._documents: dict[tuple[int, int, str, str], _Planned | tuple[str, str]] = {}
        #: By (treatment, the row's language cell): what `choose_language` said.
        self._chosen: dict[tuple[int, str], tuple[str, str | None] | LeafletError] = {}

    @property
    def loaded(self) -> dict[str, Treatment]:
        """The treatments planning loaded, by the name appointments give them (a worker
        in this process builds with them, `leaflet.packs.builder.Worker`)."""
        return {
            name: found for name, found in self.treatments.items() if isinstance(found, Treatment)
        }

    def plan(self, appointments: Iterable[Appointment]) -> tuple[list[Job], list[RowProblem]]:
        """The jobs for every usable appointment, and a problem for every other one."""
        jobs: list[Job] = []
        problems: list[RowProblem] = []
        seen: set[str] = set()
        for appointment in appointments:
            found = self._check(appointment, seen)
            if isinstance(found, list):
                jobs += found
            else:
                problems.append(found)
        if jobs:  # once for the batch, naming each layout it builds that is short
            from leaflet.render.logo import warn_low_resolution

            used = {job.layout for job in jobs}
            layouts = [item for item in self.layouts.values() if isinstance(item, Layout)]
            warn_low_resolution(self.brand, [item for item in layouts if item.name in used])
        return jobs, problems

    def _check(self, appointment: Appointment, seen: set[str]) -> list[Job] | RowProblem:
        def problem(column: str, reason: str) -> RowProblem:
            return RowProblem(
                self.source,
                appointment.row,
                appointment.label(column),
                reason,
                appointment.appointment_id,
            )

        # Its id names files: `Appointment` refuses one that cannot (as reading refuses
        # the row), so it is not checked again here.
        ident = appointment.appointment_id
        if ident.lower() in seen:
            return problem("appointment_id", f"duplicate id {ident!r}")
        seen.add(ident.lower())
        treatment = _cached(self.treatments, appointment.treatment, self.settings.load_treatment)
        if isinstance(treatment, LeafletError):
            return problem("treatment", treatment.message)
        layout = _cached(self.layouts, appointment.layout or self.settings.layout, load_layout)
        if isinstance(layout, LeafletError):
            return problem("layout", layout.message)
        personal = appointment.personal
        for column in ("patient_name", "practitioner"):
            if missing := self.brand.fonts.missing(getattr(personal, column)):
                return problem(column, self.brand.fonts.cannot_print(missing))
        language = self._language(appointment, treatment, problem)
        if isinstance(language, RowProblem):
            return language
        self.languages[appointment.appointment_id] = language
        return self._jobs(appointment, treatment, layout, language, problem)

    def _language(
        self,
        appointment: Appointment,
        treatment: Treatment,
        problem: Callable[[str, str], RowProblem],
    ) -> str | RowProblem:
        """The row's language, else the clinic's, else English (with a warning)."""
        key = (id(treatment), appointment.language)  # the treatment is kept by this planner
        if key not in self._chosen:
            try:
                self._chosen[key] = treatment.choose_language(
                    appointment.language or None, self.brand.spec.language
                )
            except LeafletError as err:
                self._chosen[key] = err
        chosen = self._chosen[key]
        if isinstance(chosen, LeafletError):
            return problem("language", chosen.message)
        tag, warning = chosen
        if warning:
            self.warnings.append(problem("language", f"empty, and {warning}"))
        return tag

    def _jobs(
        self,
        appointment: Appointment,
        treatment: Treatment,
        layout: Layout,
        language: str,
        problem: Callable[[str, str], RowProblem],
    ) -> list[Job] | RowProblem:
        """A job per document, or the first reason one of them cannot be built."""
        jobs = []
        for name in self.settings.documents:
            key = (id(treatment), id(layout), language, name)  # both kept by this planner
            if key not in self._documents:
                self._documents[key] = self._document(treatment, layout, language, name)
            planned = self._documents[key]
            if isinstance(planned, tuple):
                return problem(*planned)
            inputs = self._inputs(appointment, planned)
            jobs.append(Job(appointment, name, layout.name, inputs, language, planned.fillable))
        return jobs

    def _document(
        self, treatment: Treatment, layout: Layout, language: str, name: str
    ) -> _Planned | tuple[str, str]:
        """What every job for document `name` of `treatment` in `language` on `layout`
        shares, or why none can be built (the column to blame, and the reason)."""
        if name not in treatment.available(language):
            return "treatment", f"{treatment.slug} has no {name} document in {language}"
        try:
            document = treatment.document(name, language)
        except LeafletError as err:  # a translation that departs from its source...
            return "language", err.message
        allowed = layout.spec.documents
        if allowed is not None and name not in allowed:
            return "layout", f"the {name} document cannot be laid out as {layout.name}"
        check_review_date(document, allow_expired=False, today=self.today)
        fillable = self.settings.fillable and document.meta.kind == "form"
        if fillable and layout.spec.format != "pages":
            return (
                "layout",
                f"a fillable {name} form needs a layout of single pages, not {layout.name} "
                f"(a {layout.spec.format}); use a4, letter, a5 or large-print",
            )
        shared = [
            __version__,
            "fillable" if fillable else "printed",
            document.meta.language,
            *document.inputs,
            self.brand.fingerprint,
            layout.spec.model_dump_json(),
        ]
        return _Planned(fillable, shared)

    def _inputs(self, appointment: Appointment, planned: _Planned) -> str:
        """A hash of everything a file is made from: a change to any of them rebuilds it."""
        personal = appointment.personal
        return planned.hash_with(
            personal.patient_name,
            str(personal.date_of_birth or ""),
            str(personal.appointment or ""),
            personal.practitioner,
            personal.phone,
            personal.email,
        )


class _Planned:
    """What the jobs for one document, language and layout share: whether the form is
    fillable, and the inputs of its files but the patient's values."""

    def __init__(self, fillable: bool, inputs: list[str]) -> None:
        self.fillable = fillable
        self.inputs = inputs
        # The hash of the shared inputs, taken once: each job's adds only its own values.
        self._started = hashlib.sha256(("[" + ", ".join(map(json.dumps, inputs))).encode())

    def hash_with(self, *values: str) -> str:
        """The SHA-256 of the JSON list of the shared inputs and then `values`, in hex:
        what `hashlib.sha256(json.dumps([*inputs, *values]).encode())` gives."""
        digest = self._started.copy()
        separator = ", " if self.inputs else ""
        digest.update((separator + ", ".join(map(json.dumps, values)) + "]").encode())
        return digest.hexdigest()


def _cached(
    cache: dict[str, Loaded | LeafletError], key: str, load: Callable[[str], Loaded]
) -> Loaded | LeafletError:
    """`load(key)`, or the error it raised, remembered in `cache`."""
    if key not in cache:
        try:
            cache[key] = load(key)
        except LeafletError as err:
            cache[key] = err
    return cache[key]
