"""A treatment's content given as data: its settings and documents as mappings or text.

A multi-clinic service keeps each clinic's wording in its own database, not in a content
folder: `treatment_from_data("microneedling", {"name": ..., "summary": ..., "settings":
{...}}, {"consent": consent_yaml_text, "aftercare": {...}})`. Each document is YAML text
(problems then name its lines) or a mapping already parsed, and is checked and compiled
as a file's would be; documents in several languages are given by language tag
(`{"en-GB": {"consent": ...}, "pl": {"consent": ...}}`). The result is a `Treatment` like
any other, for `render_pdf` or a batch (`BatchSettings.treatments`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from leaflet.errors import LeafletError, SourceError
from leaflet.sources.content import DOCUMENTS, TREATMENT, Treatment, rebuild_treatment
from leaflet.sources.languages import is_tag, parse_language
from leaflet.sources.spelling import closest, fold
from leaflet.sources.yamlfile import YamlSource, parse_yaml, source_from_data


def treatment_from_data(
    slug: str,
    treatment: Mapping[str, Any] | str,
    documents: Mapping[str, Mapping[str, Any] | str],
) -> Treatment:
    """A treatment from data: `treatment` is what `treatment.yaml` holds; `documents`
    maps `info`, `consent` and `aftercare` (any of them) to each document's YAML text or
    parsed mapping, each in the language its `meta.language` says, or maps language tags
    (`en-GB`, `pl`) to such a mapping each, which may also give that language's
    `treatment` (what `<language>/treatment.yaml` holds: the name in its words). `slug`
    names it (as a content folder's sub-folder would)."""
    if not isinstance(slug, str) or not slug or not all(c.isalnum() or c == "-" for c in slug):
        raise LeafletError(
            f"treatment name {slug!r} is not valid; expected lowercase letters, digits and "
            "hyphens, e.g. microneedling"
        )
    label = Path(f"<{slug} data>")
    by_language = any(name not in DOCUMENTS and is_tag(name) for name in documents)
    given: dict[tuple[str, str], YamlSource] = {}
    for key, value in documents.items():
        if by_language and isinstance(value, Mapping):
            tag = parse_language(key).tag
            for name, document in value.items():
                if name != TREATMENT:
                    _check_name(name, label)
                given[name, tag] = _source(document, label / tag / f"{name}.yaml")
        else:
            source = _source(value, label / f"{_check_name(key, label)}.yaml")
            given[key, _language_of(source)] = source
    if not given:
        raise LeafletError(f"{label}: no documents; give at least one of {', '.join(DOCUMENTS)}")
    return rebuild_treatment(slug, _source(treatment, label / "treatment.yaml"), given)


def _check_name(name: str, label: Path) -> str:
    if name not in DOCUMENTS:
        raise LeafletError(
            f"{label}: {name!r} is not a document; documents: {', '.join(DOCUMENTS)}"
        )
    return name


def _language_of(source: YamlSource) -> str:
    """The language a document says it is in (checked in full when it loads)."""
    meta = source.data.get("meta") if isinstance(source.data, dict) else None
    said = meta.get("language") if isinstance(meta, dict) else None
    if not isinstance(said, str) or not is_tag(said):
        raise SourceError(source.path, "meta.language: expected a language tag, e.g. en-GB")
    return parse_language(said).tag


def _source(value: Mapping[str, Any] | str, label: Path) -> YamlSource:
    if isinstance(value, str):
        return parse_yaml(value, label)
    if isinstance(value, Mapping):
        return source_from_data(value, label)
    raise LeafletError(f"{label}: expected YAML text or a mapping, not {type(value).__name__}")


def find_treatment(name: str, treatments: Sequence[Treatment]) -> Treatment:
    """The treatment among `treatments` that `name` names: its slug, its name or an
    alias, ignoring case, spaces and punctuation (as `load_treatment` matches)."""
    wanted = fold(name)
    for treatment in treatments:
        spellings = (treatment.slug, treatment.spec.name, *treatment.spec.aliases)
        if wanted and any(fold(spelling) == wanted for spelling in spellings):
            return treatment
    known = "; ".join(treatment.slug for treatment in treatments) or "none"
    hint = closest(wanted, [fold(t.slug) for t in treatments])
    suggestion = f" (did you mean {hint!r}?)" if hint else ""
    raise LeafletError(f"unknown treatment {name!r}{suggestion}; known treatments: {known}")
