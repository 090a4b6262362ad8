"""Guards on the built-in wording: document facts, settings and words we never use."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from conftest import DOCUMENTS, LAYOUTS, REFERENCES, VERSION

import leaflet
from leaflet.sources.bundled import CONTENT_DIR

FOLDER = CONTENT_DIR / "microneedling" / "en-GB"  # the English wording


def wording(value) -> list[str]:
    """Every string in a YAML value, ids included."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in wording(item)]
    if isinstance(value, list):
        return [text for item in value for text in wording(item)]
    return [value] if isinstance(value, str) else []


@pytest.fixture(scope="module")
def treatment() -> leaflet.Treatment:
    return leaflet.load_treatment("microneedling")


def test_treatment_and_documents(treatment):
    assert leaflet.known_treatments() == ["microneedling"]
    assert treatment.available() == ["info", "consent", "aftercare"]
    assert treatment.spec.name == "Microneedling"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_meta(treatment, document):
    meta = treatment.document(document).meta
    assert meta.reference == REFERENCES[document]
    assert meta.version == VERSION
    assert isinstance(meta.published, dt.date)
    assert meta.review > meta.published
    assert meta.language == "en-GB"
    assert meta.approved_by
    assert meta.sources
    assert meta.kind == ("form" if document == "consent" else "leaflet")
    assert meta.reading_age <= 11


def test_references_are_unique(treatment):
    references = [treatment.document(name).meta.reference for name in DOCUMENTS]
    assert len(set(references)) == len(references)


def test_consent_points_to_the_information_leaflet(treatment):
    info = treatment.document("info").meta
    first = treatment.document("consent").source.data["blocks"][0]["paragraph"]
    assert f"({info.reference})" in first
    assert f"{info.title}: {info.subtitle}".lower() in first.lower()


def test_every_setting_used_exists_and_every_setting_is_used(treatment):
    settings = set(treatment.spec.settings)
    used: set[str] = set()
    for document in DOCUMENTS:
        text = (FOLDER / f"{document}.yaml").read_text(encoding="utf-8")
        used |= set(re.findall(r"settings\.([a-z0-9_]+)", text))
    assert sorted(used - settings) == []
    assert sorted(settings - used) == []


@pytest.mark.parametrize(("document", "layout"), [(d, lay) for lay in LAYOUTS for d in DOCUMENTS])
def test_every_document_renders_with_the_strict_environment(default_pdfs, document, layout):
    # default_pdfs renders through the strict, sandboxed environment: any undefined
    # variable would have raised while building it.
    assert default_pdfs[document, layout].rendered.page_count > 0


def source_texts() -> list[tuple[str, str]]:
    out = []
    for document in DOCUMENTS:
        data = yaml.safe_load((FOLDER / f"{document}.yaml").read_text(encoding="utf-8"))
        out += [(document, text) for text in wording(data["blocks"])]
    return out


def all_texts(default_pdfs) -> list[tuple[str, str]]:
    printed = [(f"{document} PDF", default_pdfs[document, "a4"].text) for document in DOCUMENTS]
    return source_texts() + printed


def test_no_percentages(default_pdfs):
    # Numbers are written as "1 in 100", which readers understand better than 1%.
    assert [(where, text) for where, text in all_texts(default_pdfs) if "%" in text] == []


def test_no_guarantees(default_pdfs):
    found = [
        (where, text)
        for where, text in all_texts(default_pdfs)
        if re.search(r"\bguarantee", text, re.IGNORECASE)
    ]
    assert found == []


def test_promises_are_only_ever_refused(default_pdfs):
    for where, text in all_texts(default_pdfs):
        for match in re.finditer(r"(\w+)\s+promise", text, re.IGNORECASE):
            assert match.group(1).lower() in {"cannot", "not", "can't"}, (where, text)
    assert "We cannot promise any result." in default_pdfs["consent", "a4"].text


def test_no_safe_and_effective(default_pdfs):
    found = [
        (where, text)
        for where, text in all_texts(default_pdfs)
        if "safe and effective" in text.lower()
    ]
    assert found == []


def test_no_frequency_without_a_source(default_pdfs):
    # No source in meta.sources gives a number for any risk, so none is printed: risks
    # are called rare or less common instead (see content/microneedling/CHANGES.md).
    found = [
        (where, text)
        for where, text in all_texts(default_pdfs)
        if re.search(r"\b\d[\d,]* in \d[\d,]*\b", text)
    ]
    assert found == []
    assert "Rare risks" in default_pdfs["info", "a4"].text
    assert "Scarring. This is rare." in default_pdfs["consent", "a4"].text


def test_ids_are_unique_within_each_document():
    for document in DOCUMENTS:
        data = yaml.safe_load((FOLDER / f"{document}.yaml").read_text(encoding="utf-8"))
        ids: list[str] = []

        def collect(value, ids=ids):
            if isinstance(value, dict):
                if "id" in value:
                    ids.append(value["id"])
                for key, item in value.items():
                    if key != "columns":  # a record table's column ids are its own
                        collect(item)
            elif isinstance(value, list):
                for item in value:
                    collect(item)

        collect(data["blocks"])
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        assert duplicates == [], document
