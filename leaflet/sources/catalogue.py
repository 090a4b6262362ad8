"""What there is to build: the treatments of a content folder and the layouts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leaflet.sources.bundled import LAYOUTS_DIR
from leaflet.sources.content import known_treatments, load_treatment
from leaflet.sources.layout import known_layouts, load_layout


@dataclass(frozen=True)
class TreatmentEntry:
    """A treatment: its folder name, one-sentence summary and documents."""

    slug: str
    summary: str
    documents: tuple[str, ...]


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


def catalogue(content_dir: Path | str | None = None, layouts_dir: Path | None = None) -> Catalogue:
    """Every treatment in `content_dir` (default: the built-in content) and every layout
    in `layouts_dir` (default: the built-in layouts), each loaded and checked."""
    folder = Path(content_dir) if content_dir is not None else None
    layouts_dir = layouts_dir or LAYOUTS_DIR
    treatments = []
    for slug in known_treatments(folder):
        treatment = load_treatment(slug, folder)
        documents = tuple(treatment.available())
        treatments.append(TreatmentEntry(slug, treatment.spec.summary, documents))
    layouts = tuple(
        LayoutEntry(name, load_layout(name, layouts_dir).spec.description)
        for name in known_layouts(layouts_dir)
    )
    return Catalogue(tuple(treatments), layouts, layouts_dir)
