"""What there is to build: the treatments of a content folder and the layouts.

A listing, not a check: it reads only the fields it shows (a treatment's summary, a
document's `meta.translates` and `meta.reviewer`, a layout's `description`) as every
source is read (`read_yaml`: size cap, no aliases, bounded nesting), without validating
them against the schema, which would load pydantic and build the models for a command
that should answer at once. `leaflet check` is the validator; a file the listing cannot
read shows `UNREADABLE` in place of what it would have shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leaflet.errors import LeafletError
from leaflet.sources.bundled import CONTENT_DIR, LAYOUTS_DIR
from leaflet.sources.language_folders import (
    TREATMENT_FILE,
    documents_in,
    find_languages,
    first_meta,
    known_treatments,
)
from leaflet.sources.languages import original_language, parse_language
from leaflet.sources.layout_files import known_layouts, read_layout_data
from leaflet.sources.yamlfile import read_yaml

#: Shown in place of a summary, description or translation note that cannot be read.
UNREADABLE = "(cannot be read: run leaflet check)"


@dataclass(frozen=True)
class TreatmentEntry:
    """A treatment: its folder name, one-sentence summary, documents and languages (each
    described: `pl Polish: info, consent, aftercare (translation of en-GB 2.0)`)."""

    slug: str
    summary: str
    documents: tuple[str, ...]
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayoutEntry:
    """A layout: its name and one-line description."""

    name: str
    description: str


@dataclass(frozen=True)
class Catalogue:
    """The treatments and layouts, and the folder the layouts come from."""

    treatments: tuple[TreatmentEntry, ...]
    layouts: tuple[LayoutEntry, ...]
    layouts_dir: Path


def _text(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else UNREADABLE


def _describe(tag: str, folder: Path, meta: dict[str, Any] | None) -> str:
    """`pl Polish: info, consent, aftercare (translation of en-GB 2.0, not yet reviewed)`;
    `meta` is that of the language's first document (None: it cannot be read)."""
    described = f"{tag} {parse_language(tag).name}: {', '.join(documents_in(folder))}"
    if meta is None:
        return f"{described} {UNREADABLE}"
    if isinstance(source := meta.get("translates"), str) and source:
        unreviewed = "" if meta.get("reviewer") else ", not yet reviewed"
        described += f" (translation of {source}{unreviewed})"
    return described


def _treatment(folder: Path) -> TreatmentEntry:
    """A treatment's entry, from its treatment file and each language's first document."""
    try:
        summary = _text(read_yaml(folder / TREATMENT_FILE, only="summary").data, "summary")
        languages = find_languages(folder)
    except LeafletError:
        return TreatmentEntry(folder.name, UNREADABLE, ())
    metas: dict[str, dict[str, Any] | None] = {}
    for tag, language_folder in languages.items():
        try:
            metas[tag] = first_meta(language_folder)
        except LeafletError:
            metas[tag] = None
    source = original_language(languages, lambda tag: bool((metas[tag] or {}).get("translates")))
    return TreatmentEntry(
        folder.name,
        summary,
        tuple(documents_in(languages[source])),
        tuple(_describe(tag, languages[tag], metas[tag]) for tag in sorted(languages)),
    )


def _layout(name: str, layouts_dir: Path, known: list[str]) -> LayoutEntry:
    try:
        data = read_yaml(layouts_dir / f"{name}.yaml", only="description").data
        if "description" not in data:  # then it is the one of the layout it extends
            data = read_layout_data(name, layouts_dir, known)[1]
        return LayoutEntry(name, _text(data, "description"))
    except LeafletError:
        return LayoutEntry(name, UNREADABLE)


def catalogue(content_dir: Path | str | None = None, layouts_dir: Path | None = None) -> Catalogue:
    """Every treatment in `content_dir` (default: the built-in content) and every layout
    in `layouts_dir` (default: the built-in layouts), listed without being validated."""
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    layouts_dir = layouts_dir or LAYOUTS_DIR
    known = known_layouts(layouts_dir)
    return Catalogue(
        tuple(_treatment(folder / slug) for slug in known_treatments(folder)),
        tuple(_layout(name, layouts_dir, known) for name in known),
        layouts_dir,
    )
