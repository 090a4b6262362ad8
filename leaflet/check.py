"""`leaflet check`: validate all content, the brand and every layout in one run.

Unlike a build, which stops at the first problem, a check reports every problem it can
find (house style: validate everything, report every problem, then stop). Content
problems are errors; cosmetic ones (a review date coming up, wording above its target
reading age, a logo below print resolution) are warnings, which `strict` makes errors.
Each finding says where: file, line and field, as far as they are known.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image
from reportlab.lib.units import mm

from leaflet.errors import LeafletError, SourceError, display_path
from leaflet.mail.messages import EMAIL_FOLDER, EmailTemplates, Pack, PackFile
from leaflet.packs.appointments import Appointment
from leaflet.render.document import header_logo_size
from leaflet.render.trifold import COVER_LOGO
from leaflet.sources import schema
from leaflet.sources.brand import LOGO_DPI, Brand, inspect_brand, load_brand
from leaflet.sources.bundled import CONTENT_DIR, EXAMPLE_BRAND, LAYOUTS_DIR
from leaflet.sources.content import DOCUMENTS, ContentDocument, known_treatments, load_treatment
from leaflet.sources.dates import format_date
from leaflet.sources.fonts import describe_chars
from leaflet.sources.layout import Layout, known_layouts, load_layout
from leaflet.sources.personal import Personalisation
from leaflet.sources.templating import Namespace, TemplateProblem
from leaflet.sources.yamlfile import format_loc, read_yaml, validate

ERROR, WARNING = "error", "warning"
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


@dataclass(frozen=True)
class Finding:
    """One problem: how bad, where (file, line, field) and what is wrong."""

    severity: str  # "error" or "warning"
    path: Path | None
    line: int | None
    field: str | None
    message: str

    @property
    def where(self) -> str:
        if self.path is None:
            return ""
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return where

    def sort_key(self) -> tuple[str, int]:
        return (display_path(self.path) if self.path else "", self.line or 0)

    def __str__(self) -> str:
        where = self.where
        return (
            f"{self.severity}: {where}: {self.message}"
            if where
            else f"{self.severity}: {self.message}"
        )


def check_all(
    content_dir: Path | str | None = None,
    brand_path: Path | str | None = None,
    strict: bool = False,
    today: dt.date | None = None,
) -> list[Finding]:
    """Every problem in the content folder, the brand and the layouts, sorted by file
    and line. With `strict`, warnings are reported as errors."""
    today = today or dt.date.today()
    findings: list[Finding] = []
    brand = _check_brand(Path(brand_path) if brand_path is not None else EXAMPLE_BRAND, findings)
    layouts = _check_layouts(findings)
    if brand is not None:
        _check_logo(brand, layouts, findings)
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    _check_content(folder, brand, today, findings)
    _check_email(folder, brand or load_brand(), findings)
    if strict:
        findings = [replace(f, severity=ERROR) for f in findings]
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=Finding.sort_key)


def summary(findings: list[Finding], content_dir: Path | str | None = None) -> str:
    """`2 errors, 1 warning`, or what was checked when nothing was found."""
    if not findings:
        documents = count_documents(content_dir)
        layouts = len(known_layouts(LAYOUTS_DIR))
        return (
            f"no problems found in {_plural(documents, 'document')}, 1 brand and "
            f"{_plural(layouts, 'layout')}"
        )
    errors = sum(f.severity == ERROR for f in findings)
    return f"{_plural(errors, 'error')}, {_plural(len(findings) - errors, 'warning')}"


def count_documents(content_dir: Path | str | None = None) -> int:
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    return sum(
        (folder / slug / f"{name}.yaml").is_file()
        for slug in known_treatments(folder)
        for name in DOCUMENTS
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- turning exceptions into findings -----------------------------------------------------


def _from_error(err: LeafletError, path: Path | None, severity: str = ERROR) -> list[Finding]:
    """Findings for a loader's error; a multi-problem validation error gives one each."""
    if isinstance(err, SourceError):
        return [Finding(severity, err.path, err.line, err.field, err.problem)]
    lines = [line for line in err.message.splitlines() if line.strip()]
    if path is None:
        return [Finding(severity, None, None, None, line) for line in lines]
    # validate() joins SourceError messages: "<path>[:<line>][: <field>]: <problem>"
    pattern = re.compile(
        re.escape(display_path(path))
        + r"(?::(\d+))?: (?:([A-Za-z_][\w-]*(?:\[\d+\]|\.[\w-]+)*): )?(.*)"
    )
    out = []
    for line in lines:
        if match := pattern.fullmatch(line):
            number, field, problem = match.groups()
            out.append(Finding(severity, path, int(number) if number else None, field, problem))
        else:
            out.append(Finding(severity, path, None, None, line))
    return out


# --- brand ----------------------------------------------------------------------------


def _check_brand(path: Path, findings: list[Finding]) -> Brand | None:
    """Load the brand, reporting every problem in it rather than the first."""
    try:
        brand, problems = inspect_brand(path)
    except LeafletError as err:
        findings += _from_error(err, path)
        return None
    for problem in problems:
        findings += _from_error(problem, path)
    return brand


def _check_logo(brand: Brand, layouts: list[Layout], findings: list[Finding]) -> None:
    """A warning for each layout that prints the logo below LOGO_DPI."""
    if brand.logo is None:
        return
    with Image.open(brand.logo) as image:
        width, height = image.size
    source = read_yaml(brand.path)
    for layout in layouts:
        # A tri-fold prints the logo on its cover; other formats in the header band.
        size = COVER_LOGO if layout.spec.format == "trifold" else header_logo_size(layout)
        # The logo is fitted into a size x size square, so its longer side sets the scale.
        dpi = max(width, height) / (size / 72)
        if dpi < LOGO_DPI:
            needed = math.ceil(size / 72 * LOGO_DPI)
            findings.append(
                Finding(
                    WARNING,
                    brand.path,
                    source.line_of(("logo",)),
                    "logo",
                    f"the logo ({width}x{height} pixels) prints at about {dpi:.0f} dpi in the "
                    f"{layout.name} layout ({size / mm:.1f} mm); print needs {LOGO_DPI} dpi: "
                    f"{needed} pixels or more on its longer side",
                )
            )


# --- layouts --------------------------------------------------------------------------


def _check_layouts(findings: list[Finding]) -> list[Layout]:
    loaded = []
    for name in known_layouts(LAYOUTS_DIR):
        try:
            loaded.append(load_layout(name, LAYOUTS_DIR))
        except LeafletError as err:
            findings += _from_error(err, LAYOUTS_DIR / f"{name}.yaml")
    return loaded


# --- content --------------------------------------------------------------------------


def _check_content(
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
            findings += _from_error(err, folder / slug / "treatment.yaml")
            _check_documents_alone(folder / slug, findings)
            continue
        for name in treatment.available():
            try:
                document = treatment.document(name)
            except LeafletError as err:
                findings += _from_error(err, treatment.folder / f"{name}.yaml")
                continue
            _check_review(document, today, findings)
            texts = _check_wording(document, render_brand, findings)
            if texts is not None:
                _check_reading_age(document, texts, findings)


def _check_email(folder: Path, brand: Brand, findings: list[Finding]) -> None:
    """The email templates, rendered for a made-up patient under both password policies,
    so a mistake shows here rather than when a day's emails go out. (A content folder
    without `email/` uses the built-in templates.)"""
    if not (folder / EMAIL_FOLDER).is_dir():
        return
    personal = Personalisation.from_text("Sam Sample", "1990-01-01", "2026-12-01T10:30", "Dr Lee")
    files = tuple(PackFile(name, Path(f"{name}.pdf"), personal=True) for name in DOCUMENTS)
    sample = Pack(Appointment("CHECK", personal, "sample", email="sam@example.com"), files)
    try:
        templates = EmailTemplates(brand, folder)
        for policy in schema.PASSWORD_POLICIES:
            templates.render(sample, policy)
    except LeafletError as err:
        findings += _from_error(err, None)


def _check_documents_alone(folder: Path, findings: list[Finding]) -> None:
    """Without a usable treatment.yaml, wording cannot be rendered (no settings), but
    each document's own schema can still be checked."""
    for name in DOCUMENTS:
        path = folder / f"{name}.yaml"
        if path.is_file():
            try:
                validate(schema.Document, read_yaml(path))
            except LeafletError as err:
                findings += _from_error(err, path)


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
        due = "today" if days == 0 else f"in {_plural(days, 'day')}"
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
    context = {name: Namespace(name, values) for name, values in variables.items()}
    context["settings"] = Namespace("settings", document.treatment.spec.settings)
    context["treatment"] = Namespace("treatment", {"name": document.treatment.spec.name})
    context["document"] = Namespace(
        "document", {"reference": document.meta.reference, "version": document.meta.version}
    )
    problems: list[Finding] = []

    def add(loc: tuple, problem: str) -> None:
        problems.append(
            Finding(ERROR, document.path, document.source.line_of(loc), format_loc(loc), problem)
        )

    def glyphs(loc: tuple, text: str) -> None:
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
            problems += _from_error(err, document.path)
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
    line = document.source.line_of(loc)
    try:
        grade, age = reading_age(text)
    except Exception as err:  # a readability library problem must not stop the check
        findings.append(
            Finding(
                WARNING,
                document.path,
                line,
                format_loc(loc),
                f"reading age not checked: {type(err).__name__}: {err}",
            )
        )
        return
    target = document.meta.reading_age
    if round(age) > target:
        findings.append(
            Finding(
                WARNING,
                document.path,
                line,
                format_loc(loc),
                f"reading age about {round(age)} (Flesch-Kincaid grade {grade:.1f} + "
                f"{GRADE_TO_AGE}) is above the target {target}; use shorter sentences and "
                "shorter words",
            )
        )
