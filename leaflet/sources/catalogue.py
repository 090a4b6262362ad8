"""What there is to build: the treatments of a content folder and the layouts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import LeafletError
from leaflet.sources import schema
from leaflet.sources.bundled import LAYOUTS_DIR
from leaflet.sources.content import Treatment, known_treatments, load_treatment
from leaflet.sources.languages import parse_language
from leaflet.sources.layout import known_layouts, load_layout
from leaflet.sources.yamlfile import read_yaml, validate


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


def _meta(treatment: Treatment, name: str, tag: str) -> schema.Meta:
    """A document's metadata alone: its wording need not be compiled to be listed."""
    source = read_yaml(treatment.languages[tag] / f"{name}.yaml")
    return validate(schema.Meta, source, source.data.get("meta") or {})


def _describe(treatment: Treatment, tag: str) -> str:
    """`pl Polish: info, consent, aftercare (translation of en-GB 2.0, not yet reviewed)`."""
    documents = treatment.available(tag)
    described = f"{tag} {parse_language(tag).name}: {', '.join(documents)}"
    try:
        first = _meta(treatment, documents[0], tag) if documents else None
    except LeafletError:  # `leaflet check` says what is wrong with it
        first = None
    if first is not None and (source := first.source_of_translation):
        unreviewed = "" if first.reviewer else ", not yet reviewed"
        described += f" (translation of {' '.join(source)}{unreviewed})"
    return described


def catalogue(content_dir: Path | str | None = None, layouts_dir: Path | None = None) -> Catalogue:
    """Every treatment in `content_dir` (default: the built-in content) and every layout
    in `layouts_dir` (default: the built-in layouts), each loaded and checked."""
    folder = Path(content_dir) if content_dir is not None else None
    layouts_dir = layouts_dir or LAYOUTS_DIR
    treatments = []
    for slug in known_treatments(folder):
        treatment = load_treatment(slug, folder)
        documents = tuple(treatment.available())
        languages = tuple(_describe(treatment, tag) for tag in sorted(treatment.languages))
        treatments.append(TreatmentEntry(slug, treatment.spec.summary, documents, languages))
    layouts = tuple(
        LayoutEntry(name, load_layout(name, layouts_dir).spec.description)
        for name in known_layouts(layouts_dir)
    )
    return Catalogue(tuple(treatments), layouts, layouts_dir)
