"""Checking pages: every document laid out on every layout that can hold it.

Each document, in each of its languages, is built blank and for a patient with long
details, in worker processes (ReportLab's registries are global to a process). What
would spoil a print run is reported as an error naming the document and the layout: a
block taller than a page or a value too long for its line (overflow), content that does
not fit a tri-fold's panels (a tri-fold misfit), and body text closer than `MIN_GAP` to
the footer rule (a collision), measured from where each page's text ends as laid out.
A translation runs longer than its original; that it does not fit a tri-fold is a note
(it prints on the other layouts), not an error.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm

from leaflet.check.findings import ERROR, NOTE, Finding
from leaflet.errors import LayoutFitError, LeafletError, display_path
from leaflet.sources.content import known_treatments, load_treatment
from leaflet.sources.layout import known_layouts, load_layout
from leaflet.sources.personal import Personalisation

#: Body text keeps at least this far above the footer rule.
MIN_GAP = 2 * mm
#: A patient with long details: every value must still fit its line or two.
LONG = Personalisation.from_text(
    patient_name="Maria-Alexandra Konstantinopoulou-Wróblewska",
    date_of_birth="1980-01-01",
    appointment="2030-01-01T10:00",
    practitioner="Dr Alexandra Papadopoulou-Richardson",
)


@dataclass(frozen=True)
class Job:
    folder: Path
    brand: Path | None
    slug: str
    language: str
    document: str
    layout: str
    today: dt.date


def check_pages(
    folder: Path, brand: Path | None, today: dt.date, findings: list[Finding], jobs: int | None
) -> None:
    """Lay out every document of every treatment on every layout, `jobs` at a time."""
    holds = {layout: load_layout(layout).spec.documents for layout in known_layouts()}
    todo = [
        Job(folder, brand, slug, language, name, layout, today)
        for slug in known_treatments(folder)
        for language, name in _documents(folder, slug)
        for layout, documents in holds.items()
        if documents is None or name in documents
    ]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if workers == 1:
        for job in todo:
            findings += lay_out(job)
        return
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        for found in pool.map(lay_out, todo):
            findings += found


def _documents(folder: Path, slug: str) -> list[tuple[str, str]]:
    """Each (language, document) of a treatment."""
    try:
        treatment = load_treatment(slug, folder)
        return [(tag, name) for tag in treatment.languages for name in treatment.available(tag)]
    except LeafletError:
        return []  # reported by the content check


def lay_out(job: Job) -> list[Finding]:
    """The problems of one document on one layout, blank and with long details."""
    from leaflet.render.document import render_pdf
    from leaflet.sources.brand import load_brand

    try:
        treatment = load_treatment(job.slug, job.folder)
        document = treatment.document(job.document, job.language)
        brand, layout = load_brand(job.brand), load_layout(job.layout)
    except LeafletError:
        return []  # reported by the content and brand checks
    trifold = layout.spec.format == "trifold"
    kind = "tri-fold misfit" if trifold else "overflow"
    translated = job.language != treatment.source_language
    severity = NOTE if trifold and translated else ERROR
    findings = []
    for personal in (Personalisation(), LONG):
        try:
            pdf = render_pdf(document, brand, layout, personal, allow_expired=True, today=job.today)
        except LayoutFitError as err:
            # The finding names the file already.
            problem = err.message.removeprefix(f"{display_path(document.path)}: ")
            message = f"{kind}: {problem}"
            if severity == NOTE:
                message += "; a translation runs longer than its original: it prints on the "
                message += "other layouts"
            findings.append(_finding(document.path, job.layout, message, severity))
            continue
        except LeafletError:
            continue  # reported by the content check
        findings += [
            _finding(document.path, job.layout, message) for message in pdf.collisions(MIN_GAP)
        ]
    return list(dict.fromkeys(findings))


def _finding(path: Path, layout: str, message: str, severity: str = ERROR) -> Finding:
    return Finding(severity, path, None, None, f"on the {layout} layout, {message}")
