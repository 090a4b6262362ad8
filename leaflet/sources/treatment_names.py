"""Finding a treatment by any name it goes by: its folder, its display name, its aliases.

A booking system names a treatment as the clinic set it up there ("Microneedling",
"Dermapen", "Collagen induction therapy"); the content folder names it `microneedling`.
A name matches ignoring case, spaces and punctuation, against each treatment's folder
name, its `name` and its `aliases` (in `treatment.yaml`), and its name in each language
(`pl/treatment.yaml`). An unknown one is an error
listing every known name and suggesting the closest.
"""

from __future__ import annotations

from pathlib import Path

from leaflet.errors import LeafletError
from leaflet.sources import schema
from leaflet.sources.spelling import closest, fold
from leaflet.sources.yamlfile import read_yaml, validate

TREATMENT_FILE = "treatment.yaml"


def treatment_names(folder: Path) -> dict[str, list[str]]:
    """Every name each treatment in `folder` goes by, by folder name (a treatment file
    that does not load is left to `load_treatment` to report)."""
    names: dict[str, list[str]] = {}
    for path in sorted(folder.glob(f"*/{TREATMENT_FILE}")):
        slug = path.parent.name
        names[slug] = [slug]
        try:
            spec: schema.Treatment = validate("Treatment", read_yaml(path))
        except LeafletError:
            continue
        names[slug] += [spec.name, *spec.aliases, *_translated_names(path.parent)]
    return names


def _translated_names(folder: Path) -> list[str]:
    """The treatment's name in each language folder's own treatment file
    (`pl/treatment.yaml`: Mikroigłowanie), for a booking system set up in that language."""
    found = []
    for path in sorted(folder.glob(f"*/{TREATMENT_FILE}")):
        try:
            local: schema.TreatmentLanguage = validate("TreatmentLanguage", read_yaml(path))
        except LeafletError:
            continue  # reported when that language loads
        if local.name:
            found.append(local.name)
    return found


def resolve_treatment(name: str, folder: Path) -> str:
    """The folder name of the treatment `name` names in the content folder `folder`."""
    if name in (path.parent.name for path in folder.glob(f"*/{TREATMENT_FILE}")):
        return name  # the folder name: nothing to read
    known = treatment_names(folder)
    wanted = fold(name)
    for slug, spellings in known.items():
        if wanted and any(fold(spelling) == wanted for spelling in spellings):
            return slug
    suggestion = _suggestion(name, known)
    raise LeafletError(f"unknown treatment {name!r}{suggestion}; {_listed(known, folder)}")


def _suggestion(name: str, known: dict[str, list[str]]) -> str:
    by_fold = {fold(spelling): spelling for spellings in known.values() for spelling in spellings}
    close = closest(fold(name), by_fold)
    return f" (did you mean {by_fold[close]!r}?)" if close else ""


def _listed(known: dict[str, list[str]], folder: Path) -> str:
    if not known:
        return f"known treatments: none (no */{TREATMENT_FILE} in {folder})"
    described = []
    for slug, spellings in known.items():
        others = list(dict.fromkeys(s for s in spellings[1:] if fold(s) != fold(slug)))
        described.append(f"{slug} ({', '.join(others)})" if others else slug)
    return f"known treatments: {'; '.join(described)}"
