"""Stamped copies: drawn in the base's fonts, written over its empty forms, kept in a BaseCache."""

from __future__ import annotations

import io
import sys
from concurrent.futures import ThreadPoolExecutor

import pikepdf
import pytest
from conftest import read_pdf
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

import leaflet
from leaflet.render import revision
from leaflet.render.stamp import BaseCache, Placeholders, glyphs_for, lay_out_base, stamp
from leaflet.story.flowables.text import OneOff
from leaflet.story.flowables.values import SLOT_DEPTH, FittedValue, draw_value, fit_value
from leaflet.story.session import ValueFit


@pytest.fixture(scope="module")
def loaded():
    treatment = leaflet.load_treatment("microneedling")
    return treatment, leaflet.load_brand(), leaflet.load_layout("a4")


def personal(name: str) -> leaflet.Personalisation:
    return leaflet.Personalisation.from_text(name, "1985-04-23", "2026-12-01T10:30", "Dr Ødegård")


def fonts_of(data: bytes) -> set[tuple[int, int]]:
    """Every font object a PDF's pages and forms can reach, by object number."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found = set()
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                found.add(obj.objgen)
            if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == "/Font":
                found.add(obj.objgen)
        return found


def test_a_stamped_copy_embeds_no_fonts_of_its_own(loaded):
    treatment, brand, layout = loaded
    document, who = treatment.document("consent"), personal("Łukasz Wróbel")
    base = lay_out_base(
        document, brand, layout, Placeholders.shape_of(who), glyphs=glyphs_for(who, "en-GB")
    )
    copy = stamp(base, who, "en-GB").data
    assert copy.count(b"%%EOF") == 1  # the forms replaced in place: one revision
    assert fonts_of(copy) == fonts_of(base.data)
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        assert pdf.check_pdf_syntax() == []  # cross-reference offsets, lengths, streams
        names = {str(font.BaseFont) for font in pdf.pages[0].Resources.Font.values()}
    assert names == {"/AAAAAA+NotoSans-Regular", "/AAAAAA+NotoSans-Bold"}
    text = read_pdf(copy)
    assert "Full name Łukasz Wróbel" in text.pages[0]
    assert text.text.count("Dr Ødegård") >= 1


def test_a_stamped_copy_is_no_bigger_than_a_full_build_plus_5_percent(loaded):
    treatment, brand, layout = loaded
    cache = BaseCache()
    for document in leaflet.DOCUMENTS:
        content, who = treatment.document(document), personal("Zoë Ng")
        copy = cache.render(content, brand, layout, who)
        full = leaflet.render_pdf(content, brand, layout, who)
        assert len(copy.data) <= len(full.data) * 1.05, document


def test_a_base_refuses_characters_it_did_not_reserve(loaded):
    treatment, brand, layout = loaded
    document, who = treatment.document("info"), personal("Zoë Ng")
    base = lay_out_base(document, brand, layout, Placeholders.shape_of(who))  # ASCII only
    with pytest.raises(Exception, match="frozen"):
        stamp(base, who, "en-GB")


def test_the_cache_keeps_one_base_per_set_of_characters_and_forgets_the_oldest(loaded):
    treatment, brand, layout = loaded
    document = treatment.document("info")
    cache = BaseCache(size=2)
    for name in ("Sam Lee", "Ann Patel", "Zoë Ng", "Zoë Smith"):
        copy = cache.render(document, brand, layout, personal(name))
        full = leaflet.render_pdf(document, brand, layout, personal(name))
        assert sorted(read_pdf(copy.data).text.split()) == sorted(read_pdf(full.data).text.split())
    assert len(cache) == 2  # the practitioner's "Øå", with and without the "ë" of Zoë
    cache.render(document, brand, layout, personal("Łukasz Wróbel"))
    assert len(cache) == 2  # the least recently used went


def test_the_cache_lays_out_in_full_what_cannot_be_stamped(loaded):
    treatment, brand, _ = loaded
    document, who = treatment.document("info"), personal("Zoë Ng")
    trifold = leaflet.load_layout("dl-trifold")
    copy = BaseCache().render(document, brand, trifold, who)
    assert copy.data == leaflet.render_pdf(document, brand, trifold, who).data


def test_a_copy_is_one_revision_that_reads_as_one_file(loaded):
    treatment, brand, layout = loaded
    who = personal("Sam Lee")
    shape, needed = Placeholders.shape_of(who), glyphs_for(who, "en-GB")
    base = lay_out_base(treatment.document("info"), brand, layout, shape, glyphs=needed)
    copy = stamp(base, who, "en-GB").data
    assert copy.count(b"startxref") == 1 and copy.count(b"%%EOF") == 1
    with pikepdf.open(io.BytesIO(copy)) as pdf, pikepdf.open(io.BytesIO(base.data)) as original:
        assert pdf.check_pdf_syntax() == []
        assert len(pdf.pages) == base.page_count
        assert pdf.trailer.ID[0] == original.trailer.ID[0]  # the same document...
        assert pdf.trailer.ID[1] != original.trailer.ID[1]  # ...changed
    assert "Prepared for Sam Lee" in read_pdf(copy).pages[0]


def test_only_a_file_leaflet_wrote_compactly_can_be_revised(loaded):
    treatment, brand, layout = loaded
    who = personal("Sam Lee")
    base = lay_out_base(treatment.document("info"), brand, layout, Placeholders.shape_of(who))
    rewritten = io.BytesIO()
    with pikepdf.open(io.BytesIO(base.data)) as pdf:
        pdf.save(rewritten, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    forms = [(slot.page, slot.form) for slot in base.slots]
    with pytest.raises(ValueError, match=r"not a PDF that leaflet\.render\.compact wrote"):
        revision.revisable(rewritten.getvalue(), forms)


@pytest.mark.parametrize(
    "markup",
    [
        "Zoë Ng",
        "Your appointment: <b>1 Dec 2026 at 09:00</b>",
        "For <b>Siân O&#39;Brien-Smythe</b>",
    ],
)
def test_a_value_fits_and_draws_as_measured_at_its_natural_width(markup):
    # fit_value sets a value at its slot's width first and keeps a line with room to
    # spare as it is: right at the edge it must decide, and draw, as measuring it at its
    # natural width and setting it afresh do.
    style = ParagraphStyle("value", fontName="Helvetica", fontSize=10, leading=12)
    measured = OneOff(markup, style)
    measured.wrap(1e6, 1e6)
    natural = max(measured.getActualLineWidths0())
    for width in [natural + step for step in (-1, -1e-9, 0, 1e-9, 1e-7, 2e-6, 1e-3, 40)]:
        fitted = fit_value(markup, style, width, ValueFit(min_size=4, layout="test"))
        assert (fitted.style is style) == (natural <= width)
        afresh = FittedValue(fitted.style, fitted.lines)  # drawn from a new paragraph
        assert drawn(markup, fitted, width) == drawn(markup, afresh, width)


def drawn(markup: str, fitted: FittedValue, width: float) -> list[str]:
    canvas = Canvas(io.BytesIO())
    draw_value(canvas, markup, fitted, 0, SLOT_DEPTH, width, 12)
    return canvas._code


def test_threads_sharing_a_base_cache_stamp_what_one_thread_does(loaded):
    # A base's scratch canvas and drawn texts are shared by the threads stamping it.
    treatment, brand, layout = loaded
    document = treatment.document("info")
    times = [f"2026-12-01T{9 + minute // 60:02d}:{minute % 60:02d}" for minute in range(0, 96, 3)]
    people = [leaflet.Personalisation.from_text("Zoë Ng", "1985-04-23", t, "") for t in times]
    alone = BaseCache()
    expected = [alone.render(document, brand, layout, who).data for who in people]
    shared = BaseCache()
    shared.render(document, brand, layout, people[0])  # the base, laid out once
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        with ThreadPoolExecutor(4) as pool:
            copies = list(pool.map(lambda who: shared.render(document, brand, layout, who), people))
    finally:
        sys.setswitchinterval(interval)
    assert [copy.data for copy in copies] == expected
