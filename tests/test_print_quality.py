"""Pages a print shop and a designer accept, measured from the PDFs (issue 12).

Every document on every layout that holds it is built blank, for a patient with short
details and for one with long ones, and measured with pdfplumber (`pdfmeasure`): the
size of every glyph, how close body text comes to the footer rule, how full each page
is, where lists break.
"""

from __future__ import annotations

import functools
import io
import re

import pypdf
import pytest
from conftest import DOCUMENTS, normalise
from pdfmeasure import Page, gap_to_rule, lowest_body, measure, value_glyphs
from reportlab.lib.units import mm

import leaflet
from leaflet.sources.layout import known_layouts

LAYOUTS = tuple(known_layouts())
PAGE_LAYOUTS = ("a4", "letter", "large-print", "a5", "a5-booklet")
TRIFOLDS = ("dl-trifold", "letter-trifold")
SHORT = {
    "patient_name": "Zoë Ng",
    "date_of_birth": "1985-04-23",
    "appointment": "2026-12-01T10:30",
    "practitioner": "Sam Lee",
}
LONG = {
    "patient_name": "Maria-Alexandra Konstantinopoulou-Wróblewska",
    "date_of_birth": "1985-04-23",
    "appointment": "2026-12-01T10:30",
    "practitioner": "Dr Alexandra Papadopoulou-Richardson",
}
VARIANTS = {"blank": None, "short": SHORT, "long": LONG}


def holds(document: str, layout: str) -> bool:
    return not (document == "consent" and layout in TRIFOLDS)


CASES = [(d, lay) for d in DOCUMENTS for lay in LAYOUTS if holds(d, lay)]
PAGE_CASES = [(d, lay) for d, lay in CASES if lay in PAGE_LAYOUTS]


@functools.cache
def built(document: str, layout: str, variant: str = "blank") -> bytes:
    details = VARIANTS[variant]
    personal = leaflet.Personalisation.from_text(**details) if details else None
    return leaflet.build_document(document, layout=layout, personal=personal).data


@functools.cache
def pages(document: str, layout: str, variant: str = "blank") -> list[Page]:
    return measure(built(document, layout, variant), booklet=layout == "a5-booklet")


def reading_order(document: str, layout: str, variant: str = "blank") -> list[Page]:
    """The pages as a reader meets them (a booklet's halves put back in order)."""
    found = pages(document, layout, variant)
    if layout != "a5-booklet":
        return found
    order = []
    count = len(found)
    for index in range(count // 4):
        order += [(count - 2 * index, 2 * index + 1), (2 * index + 2, count - 2 * index - 1)]
    numbers = [number for pair in order for number in pair]
    return [page for _, page in sorted(zip(numbers, found, strict=True), key=lambda p: p[0])]


@functools.cache
def frame_top(layout: str) -> float:
    """Where the text frame starts, from the top of the page (points)."""
    spec = leaflet.load_layout(layout)
    return spec.margin_top + spec.header_height + spec.header_gap


def body_size(layout: str) -> float:
    styles = leaflet.load_layout(layout).spec.styles
    return styles["body"].size or 0


# --- 1. personal details never shrink below the layout's smallest size ---------------


def smallest_value_size(layout: str) -> float:
    spec = leaflet.load_layout(layout).spec
    return body_size(layout) if spec.large_print else round(body_size(layout) * 0.9, 1)


@pytest.mark.parametrize("variant", ["short", "long"])
@pytest.mark.parametrize(("document", "layout"), CASES)
def test_personal_details_keep_their_size(document, layout, variant):
    details = VARIANTS[variant]
    values = [details["patient_name"], details["practitioner"], "Tuesday 1 December 2026"]
    if document == "consent":
        values = [details["patient_name"], details["practitioner"], "23 April 1985"]
    smallest = smallest_value_size(layout)
    seen = 0
    for page in pages(document, layout, variant):
        for value in values:
            for glyph in value_glyphs(page, value):
                seen += 1
                assert glyph.size >= smallest - 0.01, (page.number, value, glyph.size)
    assert seen >= sum(len(w) for v in values for w in v.split() if len(w) > 2)
    text = normalise(
        " ".join(
            p.extract_text()
            for p in pypdf.PdfReader(io.BytesIO(built(document, layout, variant))).pages
        )
    )
    for value in values:
        assert value in text


def test_a_long_name_wraps_onto_a_second_line_on_a_trifold_cover():
    cover = pages("info", "dl-trifold", "long")[0]
    words = value_glyphs(cover, LONG["patient_name"])
    assert len({round(g.bottom) for g in words}) == 2  # two lines, not a smaller size
    assert min(g.size for g in words) >= smallest_value_size("dl-trifold")


def test_a_value_too_long_for_two_lines_is_an_error_naming_it_and_the_layout():
    name = "Maria-Alexandra " * 8 + "Wróblewska"
    personal = leaflet.Personalisation.from_text(patient_name=name)
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.build_document("info", layout="dl-trifold", personal=personal)
    message = raised.value.message
    assert message.startswith(f"'Prepared for {name}' does not fit the dl-trifold layout")
    assert "on 2 lines at 10.8 pt" in message


# --- 2. body text never runs into the footer -----------------------------------------


@pytest.mark.parametrize("variant", ["blank", "long"])
@pytest.mark.parametrize(("document", "layout"), PAGE_CASES)
def test_body_text_keeps_clear_of_the_footer_rule(document, layout, variant):
    for page in pages(document, layout, variant):
        assert page.rule is not None, page.number
        gap = gap_to_rule(page, frame_top(layout))
        assert gap is not None and gap >= 2 * mm, (page.number, gap and gap / mm)


# --- 5. patient-facing text is large enough ------------------------------------------


@pytest.mark.parametrize(("document", "layout"), CASES)
def test_text_sizes(document, layout):
    """Every glyph is at least 12 pt but the footer's reference lines (at least 9 pt);
    large print is 16 pt or more throughout."""
    large_print = leaflet.load_layout(layout).spec.large_print
    for page in pages(document, layout, "short"):
        rule = page.rule.top if page.rule is not None else page.height
        for glyph in page.glyphs:
            if large_print:
                assert glyph.size >= 16, (page.number, glyph)
            elif glyph.top > rule and "initials" not in page.text_of([glyph]):
                assert glyph.size >= 9, (page.number, glyph)
            else:
                assert glyph.size >= 12 - 0.01, (page.number, glyph.text, glyph.size)


@pytest.mark.parametrize("layout", PAGE_LAYOUTS)
def test_phone_number_and_initials_label_are_patient_sized(layout):
    for page in pages("consent", layout):
        for words in ("0207946", "Patientinitials"):
            glyphs = value_glyphs(page, words)
            assert glyphs, (page.number, words)
            assert min(g.size for g in glyphs) >= (16 if layout == "large-print" else 12)


# --- 8. dates ------------------------------------------------------------------------


@pytest.mark.parametrize(("document", "layout"), CASES)
def test_pdf_dates_are_the_publication_date(document, layout):
    info = pypdf.PdfReader(io.BytesIO(built(document, layout))).metadata
    assert info["/CreationDate"] == "D:20261101000000+00'00'"
    assert info["/ModDate"] == "D:20261101000000+00'00'"


def test_source_date_epoch_wins_and_output_stays_deterministic(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 1 December 2025
    first = leaflet.build_document("aftercare", layout="a5-booklet").data
    assert first == leaflet.build_document("aftercare", layout="a5-booklet").data
    info = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20251201000000+00'00'"


def test_a_bad_source_date_epoch_is_named(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.build_document("info")
    assert raised.value.message == (
        "SOURCE_DATE_EPOCH: 'yesterday' is not valid; expected whole seconds since "
        "1970-01-01, e.g. 1764547200"
    )


def _unused() -> None:  # keep imports used while the file grows
    _ = (re, lowest_body)
