"""Checking pages: every document laid out on every layout that can hold it.

Each document is built blank and for a patient with long details, in worker processes
(ReportLab's registries are global to a process). What would spoil a print run is
reported as an error naming the document and the layout: a block taller than a page or
a value too long for its line (overflow), content that does not fit a tri-fold's panels
(a tri-fold misfit), and body text closer than `MIN_GAP` to the footer rule (a
collision), measured from where each page's text ends as laid out.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm

from leaflet.check.findings import ERROR, Finding
from leaflet.errors import LayoutFitError, LeafletError
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
    document: str
    layout: str
    today: dt.date


def check_pages(
    folder: Path, brand: Path | None, today: dt.date, findings: list[Finding], jobs: int | None
) -> None:
    """Lay out every document of every treatment on every layout, `jobs` at a time."""
    todo = [
        Job(folder, brand, slug, name, layout, today)
        for slug in known_treatments(folder)
        for name in _documents(folder, slug)
        for layout in known_layouts()
        if _holds(layout, name)
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


def _documents(folder: Path, slug: str) -> list[str]:
    try:
        return load_treatment(slug, folder).available()
    except LeafletError:
        return []  # reported by the content check


def _holds(layout: str, document: str) -> bool:
    allowed = load_layout(layout).spec.documents
    return allowed is None or document in allowed


def lay_out(job: Job) -> list[Finding]:
    """The problems of one document on one layout, blank and with long details."""
    from leaflet.render.document import render_pdf
    from leaflet.sources.brand import load_brand

    try:
        document = load_treatment(job.slug, job.folder).document(job.document)
        brand, layout = load_brand(job.brand), load_layout(job.layout)
    except LeafletError:
        return []  # reported by the content and brand checks
    kind = "tri-fold misfit" if layout.spec.format == "trifold" else "overflow"
    findings = []
    for personal in (Personalisation(), LONG):
        try:
            pdf = render_pdf(document, brand, layout, personal, allow_expired=True, today=job.today)
        except LayoutFitError as err:
            findings.append(_finding(document.path, job.layout, f"{kind}: {err.message}"))
            continue
        except LeafletError:
            continue  # reported by the content check
        findings += [
            _finding(document.path, job.layout, message) for message in pdf.collisions(MIN_GAP)
        ]
    return list(dict.fromkeys(findings))


def _finding(path: Path, layout: str, message: str) -> Finding:
    return Finding(ERROR, path, None, None, f"on the {layout} layout, {message}")
