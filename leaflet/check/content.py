"""Checking content: every document's schema, review date, wording and reading age."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from leaflet.check.findings import ERROR, WARNING, Finding, from_error, plural
from leaflet.errors import LeafletError
from leaflet.sources import schema
from leaflet.sources.brand import Brand, load_brand
from leaflet.sources.content import DOCUMENTS, ContentDocument, known_treatments, load_treatment
from leaflet.sources.dates import format_date
from leaflet.sources.fonts import describe_chars
from leaflet.sources.personal import Personalisation
from leaflet.sources.templating import TemplateProblem
from leaflet.sources.yamlfile import format_loc, read_yaml, validate

#: A review date this close (or closer) is a warning.
REVIEW_WARNING_DAYS = 60
#: Personal details the documents are rendered with, so every variable is filled in.
SAMPLE = Personalisation.from_text(
    patient_name="Sample Patient",
    date_of_birth="1980-01-01",
    appointment="2030-01-01T10:00",
    practitioner="Sample Practitioner",
)
#: A US school grade plus this is a reading age in years.
GRADE_TO_AGE = 5

_TAG = re.compile(r"<[^>]+>")


def check_content(
    folder: Path, brand: Brand | None, today: dt.date, findings: list[Finding]
) -> None:
    if not folder.is_dir():
        findings.append(Finding(ERROR, folder, None, None, "content folder not found"))
        return
    slugs = known_treatments(folder)
    if not slugs:
        findings.append(
            Finding(
                ERROR, folder, None, None, "no treatments here (folders holding a treatment.yaml)"
            )
        )
    # Without a usable brand, wording is still checked, with the example clinic's details.
    render_brand = brand or load_brand()
    for slug in slugs:
        try:
            treatment = load_treatment(slug, folder)
        except LeafletError as err:
            findings += from_error(err, folder / slug / "treatment.yaml")
            _check_documents_alone(folder / slug, findings)
            continue
        for name in treatment.available():
            try:
                document = treatment.document(name)
            except LeafletError as err:
                findings += from_error(err, treatment.folder / f"{name}.yaml")
                continue
            _check_review(document, today, findings)
            texts = _check_wording(document, render_brand, findings)
            if texts is not None:
                _check_reading_age(document, texts, findings)


def _check_documents_alone(folder: Path, findings: list[Finding]) -> None:
    """Without a usable treatment.yaml, wording cannot be rendered (no settings), but
    each document's own schema can still be checked."""
    for name in DOCUMENTS:
        path = folder / f"{name}.yaml"
        if path.is_file():
            try:
                validate(schema.Document, read_yaml(path))
            except LeafletError as err:
                findings += from_error(err, path)


def _check_review(document: ContentDocument, today: dt.date, findings: list[Finding]) -> None:
    review, language = document.meta.review, document.meta.language
    line = document.source.line_of(("meta", "review"))
    when = format_date(review, language)
    days = (review - today).days
    if days < 0:
        findings.append(
            Finding(
                ERROR,
                document.path,
                line,
                "meta.review",
                f"the wording was due for review on {when}; review it and "
                "update meta.review (builds refuse it until then)",
            )
        )
    elif days <= REVIEW_WARNING_DAYS:
        due = "today" if days == 0 else f"in {plural(days, 'day')}"
        findings.append(
            Finding(
                WARNING,
                document.path,
                line,
                "meta.review",
                f"the wording is due for review on {when} ({due}); review "
                "it and update meta.review before then",
            )
        )


def _check_wording(
    document: ContentDocument, brand: Brand, findings: list[Finding]
) -> list[str] | None:
    """Render every piece of wording with the sample details, reporting each one that
    fails or holds characters the brand fonts lack; the rendered texts when all pass."""
    variables = {
        "clinic": brand.template_values(),
        **SAMPLE.template_values(document.meta.language),
    }
    context = document.template_context(variables)
    problems: list[Finding] = []

    def add(loc: tuple[str | int, ...], problem: str) -> None:
        problems.append(
            Finding(ERROR, document.path, document.source.line_of(loc), format_loc(loc), problem)
        )

    def glyphs(loc: tuple[str | int, ...], text: str) -> None:
        if missing := brand.fonts.missing(text):
            add(loc, f"the brand fonts cannot print {describe_chars(missing)}")

    for field in ("title", "subtitle"):
        glyphs(("meta", field), getattr(document.meta, field))
    texts = []
    for loc, wording in document.wording.items():
        try:
            text = wording.render(context)
        except TemplateProblem as err:
            add(loc, str(err))
            continue
        glyphs(loc, text)
        texts.append(text)
    if not problems:
        # The build's own path, for anything it checks beyond the pieces above.
        try:
            document.render(variables, brand.fonts)
        except LeafletError as err:
            problems += from_error(err, document.path)
    findings += problems
    return None if problems else texts


def _plain_text(texts: list[str]) -> str:
    """Rendered wording as plain sentences; headings and list items end with a stop."""
    sentences = []
    for text in texts:
        text = " ".join(html.unescape(_TAG.sub("", text)).split())
        if text:
            sentences.append(text if text[-1] in ".!?:" else text + ".")
    return " ".join(sentences)


def reading_age(text: str) -> tuple[float, float]:
    """(Flesch-Kincaid grade, reading age in years) of plain English text."""
    import textstat  # loading its pronouncing dictionary takes a second: only when used

    grade = float(textstat.flesch_kincaid_grade(text))
    return grade, grade + GRADE_TO_AGE


def _check_reading_age(
    document: ContentDocument, texts: list[str], findings: list[Finding]
) -> None:
    text = _plain_text(texts)
    if not text:
        return
    loc = ("meta", "reading_age")

    def warn(problem: str) -> None:
        line = document.source.line_of(loc)
        findings.append(Finding(WARNING, document.path, line, format_loc(loc), problem))

    try:
        grade, age = reading_age(text)
    except Exception as err:  # a readability library problem must not stop the check
        warn(f"reading age not checked: {type(err).__name__}: {err}")
        return
    target = document.meta.reading_age
    if round(age) > target:
        warn(
            f"reading age about {round(age)} (Flesch-Kincaid grade {grade:.1f} + "
            f"{GRADE_TO_AGE}) is above the target {target}; use shorter sentences and "
            "shorter words"
        )
