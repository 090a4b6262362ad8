"""Checking content: every document's schema, review date, wording and reading age, in
every language, and each translation against the version of its source."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from leaflet.check.findings import ERROR, NOTE, WARNING, Finding, from_error, plural
from leaflet.check.languages import check_strings, check_translated_version
from leaflet.check.readability import not_measured, reading_ages, sentence_reading_age
from leaflet.errors import LeafletError
from leaflet.sources import schema
from leaflet.sources.brand import Brand, load_brand
from leaflet.sources.content import (
    ContentDocument,
    Loc,
    Treatment,
    find_languages,
    known_treatments,
    load_treatment,
)
from leaflet.sources.dates import format_date
from leaflet.sources.fonts import describe_chars
from leaflet.sources.language_folders import documents_in
from leaflet.sources.personal import Personalisation
from leaflet.sources.wording import TemplateProblem
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
#: A sentence longer than this many words is hard to read, whatever its words.
LONG_SENTENCE_WORDS = 25
#: Sentences this long or longer are also judged by their own reading age; a shorter one
#: (a label, a question naming one medicine) swings too far on a single long word.
GRADED_SENTENCE_WORDS = 7
#: A sentence whose reading age is more than this many years above the target is hard,
#: and so is one above `HARD_SENTENCE_AGE` whatever the target: a single sentence is
#: judged against what no patient should meet, the document's average against its target.
HARD_SENTENCE_MARGIN = 4
HARD_SENTENCE_AGE = 15
#: A hard sentence is quoted up to this many characters.
QUOTE_CHARACTERS = 70

_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


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
        _check_treatment(treatment, render_brand, today, findings)
    check_strings(folder, findings)


def _check_treatment(
    treatment: Treatment, brand: Brand, today: dt.date, findings: list[Finding]
) -> None:
    """Every document in every language, the source language first: a translation whose
    source has errors is not checked against it (a note says so), so each error shows once."""
    source = treatment.source_language
    failed: set[str] = set()
    for language in sorted(treatment.languages, key=lambda tag: (tag != source, tag)):
        for name in treatment.available(language):
            path = treatment.languages[language] / f"{name}.yaml"
            if language != source and name in failed:
                why = f"not checked: the {source} {name} it translates has errors"
                findings.append(Finding(NOTE, path, None, None, why))
                continue
            try:
                document = treatment.document(name, language)
            except LeafletError as err:
                findings += from_error(err, path)
                failed.add(name)
                continue
            _check_review(document, today, findings)
            check_translated_version(document, findings)
            pieces = _check_wording(document, brand, findings)
            if pieces is None:
                failed.add(name)
            else:
                _check_reading_age(document, [text for _, text in pieces], findings)
                _check_sentences(document, pieces, findings)


def _check_documents_alone(folder: Path, findings: list[Finding]) -> None:
    """Without a usable treatment.yaml, wording cannot be rendered (no settings), but
    each document's own schema can still be checked."""
    try:
        folders = list(find_languages(folder).values())
    except LeafletError as err:
        findings += from_error(err, folder)
        return
    for language_folder in folders:
        for name in documents_in(language_folder):
            path = language_folder / f"{name}.yaml"
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
) -> list[tuple[Loc, str]] | None:
    """Render every piece of wording with the sample details, reporting each one that
    fails or holds characters the brand fonts lack; each piece's place and rendered text
    when all pass."""
    try:
        clinic = brand.template_values(document.meta.language)
    except LeafletError as err:
        findings += from_error(err, brand.path)
        return None
    variables = {"clinic": clinic, **SAMPLE.template_values(document.meta.language)}
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
    pieces: list[tuple[Loc, str]] = []
    for loc, wording in document.wording.items():
        try:
            text = wording.render(context)
        except TemplateProblem as err:
            add(loc, str(err))
            continue
        glyphs(loc, text)
        pieces.append((loc, text))
    if not problems:
        # The build's own path, for anything it checks beyond the pieces above.
        try:
            document.render(variables, brand.fonts)
        except LeafletError as err:
            problems += from_error(err, document.path)
    findings += problems
    return None if problems else pieces


def _plain(text: str) -> str:
    """Rendered wording as plain text: no markup, single spaces."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _plain_text(texts: list[str]) -> str:
    """Rendered wording as plain sentences; headings and list items end with a stop."""
    sentences = []
    for text in texts:
        if text := _plain(text):
            sentences.append(text if text[-1] in ".!?:" else text + ".")
    return " ".join(sentences)


def _check_reading_age(
    document: ContentDocument, texts: list[str], findings: list[Finding]
) -> None:
    """The whole document's reading age, by the formulas for its language (see
    `readability`: Flesch-Kincaid and SMOG for English), against its target: one
    warning when any is above it; a language without a formula gets a note."""
    text = _plain_text(texts)
    if not text:
        return
    loc = ("meta", "reading_age")

    def add(severity: str, problem: str) -> None:
        line = document.source.line_of(loc)
        findings.append(Finding(severity, document.path, line, format_loc(loc), problem))

    language = document.meta.language
    try:
        measured = reading_ages(text, language)
    except Exception as err:  # a readability library problem must not stop the check
        add(WARNING, f"reading age not checked: {type(err).__name__}: {err}")
        return
    if not measured:
        add(NOTE, not_measured(f"{document.language.name} ({language})"))
        return
    target = document.meta.reading_age
    if any(round(measure.age) > target for measure in measured):
        described = " and ".join(f"about {round(m.age)} by {m.method}" for m in measured)
        add(
            WARNING,
            f"reading age {described}, above the target {target}; use shorter sentences "
            "and shorter words",
        )


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE_END.split(text) if sentence]


def _check_sentences(
    document: ContentDocument, pieces: list[tuple[Loc, str]], findings: list[Finding]
) -> None:
    """Each piece of wording (a paragraph, a bullet, a question) whose hardest sentence
    is long, or well above the target reading age: a document's average hides them."""
    limit = max(document.meta.reading_age + HARD_SENTENCE_MARGIN, HARD_SENTENCE_AGE)
    for loc, text in pieces:
        hardest: tuple[int, str, list[str]] | None = None
        for sentence in _sentences(_plain(text)):
            words = len(sentence.split())
            reasons = []
            if words > LONG_SENTENCE_WORDS:
                reasons.append(f"{words} words")
            if words >= GRADED_SENTENCE_WORDS:
                try:
                    measured = sentence_reading_age(sentence, document.meta.language)
                except Exception:  # a readability library problem must not stop the check
                    measured = None
                age = measured.age if measured is not None else 0.0
                if round(age) > limit:
                    reasons.append(f"reading age about {round(age)}")
            if reasons and (hardest is None or len(reasons) > len(hardest[2])):
                hardest = (words, sentence, reasons)
        if hardest is not None:
            _, sentence, reasons = hardest
            quoted = (
                sentence
                if len(sentence) <= QUOTE_CHARACTERS
                else (sentence[: QUOTE_CHARACTERS - 3].rstrip() + "...")
            )
            findings.append(
                Finding(
                    WARNING,
                    document.path,
                    document.source.line_of(loc),
                    format_loc(loc),
                    f'hard to read: "{quoted}" ({", ".join(reasons)}); split the sentence '
                    "or use shorter words",
                )
            )
