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
import tagged_pdf
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
def built(document: str, layout: str, variant: str = "blank", language: str | None = None) -> bytes:
    details = VARIANTS[variant]
    personal = leaflet.Personalisation.from_text(**details) if details else None
    return leaflet.build_document(
        document, layout=layout, personal=personal, language=language
    ).data


@functools.cache
def pages(
    document: str, layout: str, variant: str = "blank", language: str | None = None
) -> list[Page]:
    return measure(built(document, layout, variant, language), booklet=layout == "a5-booklet")


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
    """The body size in large print; elsewhere 90% of it, but never below 12 pt."""
    spec = leaflet.load_layout(layout).spec
    share = 1 if spec.large_print else 0.9
    return max(round(body_size(layout) * share, 1), spec.min_body_size)


# Long details everywhere; short ones where the issue saw them shrink most (tri-folds).
DETAILED = [(d, lay, "long") for d, lay in CASES] + [
    (d, lay, "short") for d, lay in CASES if lay in TRIFOLDS
]


@pytest.mark.parametrize(("document", "layout", "variant"), DETAILED)
def test_personal_details_keep_their_size(document, layout, variant):
    details = VARIANTS[variant]
    values = [details["patient_name"], details["practitioner"], "Tuesday, 1 December 2026"]
    if document == "consent":
        values = [details["patient_name"], details["practitioner"], "23 April 1985"]
    smallest = smallest_value_size(layout)
    seen = 0
    for page in pages(document, layout, variant):
        for value in values:
            for glyph in value_glyphs(page, value):
                seen += 1
                assert glyph.size >= smallest - 0.01, (page.number, value, glyph.size)
    words = [w for v in values for w in re.split(r"\s+|(?<=-)", v)]
    assert seen >= sum(len(w) for w in words if len(w) > 2 and not w.isdigit())
    # A value wrapped after a hyphen reads with a space after it.
    text = " ".join(page_texts(document, layout, variant)).replace("- ", "-")
    for value in values:
        assert value in text


def test_a_long_name_wraps_onto_a_second_line_on_a_trifold_cover():
    cover = pages("info", "dl-trifold", "long")[0]
    first, second = value_glyphs(cover, "Prepared"), value_glyphs(cover, "Wróblewska")
    assert first and second
    assert second[0].bottom > first[0].bottom + 5  # two lines, not a smaller size
    assert min(g.size for g in first + second) >= smallest_value_size("dl-trifold")


def test_a_value_too_long_for_two_lines_is_an_error_naming_it_and_the_layout():
    name = "Maria-Alexandra " * 8 + "Wróblewska"
    personal = leaflet.Personalisation.from_text(patient_name=name)
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.build_document("info", layout="dl-trifold", personal=personal)
    message = raised.value.message  # the value is at fault, so no content file is named
    assert message.startswith(f"'Prepared for {name}' does not fit the dl-trifold layout")
    assert "on 2 lines at 12 pt" in message


def test_an_email_address_too_long_for_two_lines_of_words_breaks_inside_it():
    """An address has no spaces to wrap at: it breaks where it must, at full size, rather
    than fail (a name never breaks inside a word)."""
    address = "maria.alexandra.konstantinopoulou@example.com"
    personal = leaflet.Personalisation.from_text(patient_name="Zoë Ng", email=address)
    first = measure(leaflet.build_document("consent", layout="a5", personal=personal).data)[0]
    assert "".join(first.text_of(first.glyphs).split()).count(address) == 1  # on two lines
    glyphs = value_glyphs(first, "u@example.com")
    assert glyphs and min(g.size for g in glyphs) >= smallest_value_size("a5") - 0.01


# --- 2. body text never runs into the footer -----------------------------------------


@pytest.mark.parametrize("variant", ["blank", "long"])
@pytest.mark.parametrize(("document", "layout"), PAGE_CASES)
def test_body_text_keeps_clear_of_the_footer_rule(document, layout, variant):
    for page in pages(document, layout, variant):
        assert page.rule is not None, page.number
        gap = gap_to_rule(page, frame_top(layout))
        assert gap is not None and gap >= 2 * mm, (page.number, gap and gap / mm)


@pytest.mark.parametrize("language", ["pl", "cy"])
@pytest.mark.parametrize("layout", ["a4", "large-print"])
@pytest.mark.parametrize("document", DOCUMENTS)
def test_translations_keep_clear_of_the_footer_and_keep_value_sizes(document, layout, language):
    """Polish and Welsh run longer than English, and their footers say the translation is
    not yet reviewed: the same rules hold, with long personal details."""
    treatment = leaflet.load_treatment("microneedling")
    personal = leaflet.Personalisation.from_text(**LONG)
    data = leaflet.render_pdf(
        treatment.document(document, language),
        leaflet.load_brand(),
        leaflet.load_layout(layout),
        personal,
    ).data
    smallest, seen = smallest_value_size(layout), 0
    for page in measure(data):
        gap = gap_to_rule(page, frame_top(layout))
        assert gap is not None and gap >= 2 * mm, (page.number, gap and gap / mm)
        for glyph in value_glyphs(page, "Konstantinopoulou-Wróblewska"):
            seen += 1
            assert glyph.size >= smallest - 0.01, (page.number, glyph.size)
    assert seen >= len("Konstantinopoulou-Wróblewska")


# --- 3. awkward breaks ----------------------------------------------------------------


@functools.cache  # several tests read the same file's text: pypdf's extraction is slow
def page_texts(document: str, layout: str, variant: str = "blank") -> tuple[str, ...]:
    reader = pypdf.PdfReader(io.BytesIO(built(document, layout, variant)))
    return tuple(normalise(page.extract_text()) for page in reader.pages)


@functools.cache
def list_items(document: str) -> list[list[str]]:
    """Every list of the document (bullets, a callout's bullets, a timeline's Do and
    Avoid), each item as its first words in plain text."""
    content = leaflet.load_treatment("microneedling").document(document)
    brand = leaflet.load_brand()
    variables = {
        "clinic": brand.template_values(),
        **leaflet.Personalisation().template_values("en-GB"),
    }
    rendered = content.render(variables, brand.fonts).model_dump()
    lists: list[list[str]] = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            if (
                key in {"bullets", "do", "avoid"}
                and value
                and all(isinstance(v, str) for v in value)
            ):
                lists.append(
                    [normalise(re.sub(r"<[^>]+>", "", v)).replace("&amp;", "&")[:28] for v in value]
                )
            else:
                for item in value:
                    walk(item, key)

    walk(rendered["blocks"])
    return lists


@pytest.mark.parametrize("variant", ["blank", "long"])
@pytest.mark.parametrize(("document", "layout"), [c for c in PAGE_CASES if c[1] != "a5-booklet"])
def test_no_list_leaves_an_item_alone_on_a_page(document, layout, variant):
    texts = page_texts(document, layout, variant)
    searched_from = 0
    for items in list_items(document):
        pages = []
        for item in items:
            page = next(i for i in range(searched_from, len(texts)) if item in texts[i])
            pages.append(page)
            searched_from = page
        counts = [pages.count(page) for page in sorted(set(pages))]
        if len(items) >= 2:
            assert min(counts) >= 2, (items[0], pages)


@pytest.mark.parametrize("layout", [lay for lay in PAGE_LAYOUTS if lay != "a5-booklet"])
def test_what_a_signature_block_signs_shares_its_page(layout):
    for page in page_texts("consent", layout, "long"):
        if "sign below" in page:  # the withdrawal statement
            assert "Withdrawal of consent" in page and "Signature" in page
        if "I still want to have this treatment" in page:  # the day-of-treatment declaration
            assert re.search(r"Patient Signature", page), page


# --- 4. no wasted pages ----------------------------------------------------------------


def fill(layout: str, page: Page) -> float:
    """How much of the text frame, from its top to the footer's clearance, is used."""
    top = frame_top(layout)
    rule = page.rule.top if page.rule is not None else page.height
    lowest = lowest_body(page, top, rule - 1)
    return 0.0 if lowest is None else (lowest - top) / (rule - 4 * mm - top)


def starts_a_section(layout: str, page: Page) -> bool:
    """Whether the page's first line is a section heading (h2)."""
    top = frame_top(layout)
    first = min((g for g in page.glyphs if g.top > top - 1), key=lambda g: g.top, default=None)
    size = leaflet.load_layout(layout).spec.styles["h2"].size
    return first is not None and first.bold and first.top < top + 30 and first.size == size


FILLED = [c for c in PAGE_CASES if c[1] != "a5-booklet"]


@pytest.mark.parametrize("variant", ["blank", "long"])
@pytest.mark.parametrize(("document", "layout"), FILLED)
def test_every_page_but_the_last_is_at_least_half_full(document, layout, variant):
    """Half full at least; a page before a new section may hold a little less (a third)
    when that section's first block cannot break to start on it."""
    found = pages(document, layout, variant)
    fills = [round(fill(layout, page), 2) for page in found]
    for page, share, after in zip(found, fills, found[1:], strict=False):
        least = 1 / 3 if starts_a_section(layout, after) else 0.5
        assert share >= least, (page.number, fills)


def free_below(layout: str, page: Page) -> float:
    """The height left in the text frame under the page's lowest body text."""
    rule = page.rule.top if page.rule is not None else page.height
    lowest = lowest_body(page, frame_top(layout), rule - 1) or frame_top(layout)
    return rule - 4 * mm - lowest


@pytest.mark.parametrize("variant", ["blank", "long"])
@pytest.mark.parametrize(("document", "layout"), FILLED)
def test_the_about_box_takes_no_page_of_its_own_where_it_fits_the_page_before(
    document, layout, variant
):
    *_, before, last = pages(document, layout, variant)
    about = value_glyphs(last, "About this")
    assert about, "the About box is on the last page"
    if any(frame_top(layout) < g.top < about[0].top - 5 for g in last.glyphs):
        return  # something shares the last page with it
    box = next(
        s for s in last.shapes if s.kind == "rect" and s.top < about[0].top < s.bottom
    )  # its tinted background
    assert box.bottom - box.top > free_below(layout, before), "it would fit the page before"


def details_height(document: str, layout: str) -> float:
    """How tall the personal details box is on page 1 (its first line to its last)."""
    first = pages(document, layout, "long")[0]
    found = [g for w in ("Preparedfor", "Papadopoulou-Richardson") for g in value_glyphs(first, w)]
    return max(g.bottom for g in found) - min(g.top for g in found)


@pytest.mark.parametrize(("document", "layout"), FILLED)
def test_personalising_adds_a_page_only_when_the_details_leave_no_room(document, layout):
    """A consent form has lines for the details either way; a leaflet gains a box on
    page 1, which may take one more page only when the blank one's last has no room."""
    blank, personal = pages(document, layout), pages(document, layout, "long")
    if document == "consent" or len(personal) == len(blank):
        assert len(personal) == len(blank)
    else:
        assert len(personal) == len(blank) + 1
        assert details_height(document, layout) > free_below(layout, blank[-1])


# --- 5. patient-facing text is large enough ------------------------------------------


@pytest.mark.parametrize(("document", "layout"), CASES)
def test_text_sizes(document, layout):
    """Every glyph is at least 12 pt but the footer's reference lines (at least 9 pt);
    large print is 16 pt or more throughout."""
    large_print = leaflet.load_layout(layout).spec.large_print
    for page in pages(document, layout, "long"):
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


# --- 6. tri-folds ---------------------------------------------------------------------

PRESS = leaflet.PressOptions(bleed=leaflet.PressOptions.parse_bleed("3mm"), crop_marks=True)


@functools.cache
def press_file(document: str, layout: str, language: str | None = None) -> bytes:
    return leaflet.build_document(document, layout=layout, press=PRESS, language=language).data


def folds(layout: str, side: int, language: str | None = None) -> list[float]:
    """Where the panels of `side` meet, from the sheet's left edge: the layout's widths
    run right to left on the mirrored sheet of a right-to-left language."""
    spec = leaflet.load_layout(layout)
    widths = (spec.panels_outside, spec.panels_inside)[side]
    if language == "ar":
        widths = widths[::-1]
    return [sum(widths[: i + 1]) for i in range(len(widths) - 1)]


@pytest.mark.parametrize("variant", ["blank", "long"])
@pytest.mark.parametrize("layout", TRIFOLDS)
@pytest.mark.parametrize("document", ["info", "aftercare"])
def test_trifold_text_keeps_10mm_from_the_paper_edge_and_clear_of_folds(document, layout, variant):
    for side, page in enumerate(pages(document, layout, variant)):
        side_folds = folds(layout, side)  # once per side: it loads the layout file
        for glyph in page.glyphs:
            where = (side, glyph.text, round(glyph.x0 / mm, 1), round(glyph.top / mm, 1))
            assert glyph.x0 >= 10 * mm - 0.1 and glyph.x1 <= page.width - 10 * mm + 0.1, where
            assert glyph.top >= 10 * mm - 0.1 and glyph.bottom <= page.height - 10 * mm + 0.1, where
            for fold in side_folds:
                assert glyph.x1 <= fold - 4.9 * mm or glyph.x0 >= fold + 4.9 * mm, where


@pytest.mark.parametrize("layout", TRIFOLDS)
@pytest.mark.parametrize("document", ["info", "aftercare"])
def test_mirrored_trifold_text_keeps_clear_of_its_folds_and_side_edges(document, layout):
    """The Arabic sheet's folds are where the mirrored panels meet: its text keeps clear
    of them, and 10 mm from the sheet's left and right edges. (Its Arabic glyph boxes,
    deeper than the Latin font's, reach below the 10 mm bottom margin in the cover's
    foot, mirrored or not: not checked here.)"""
    for side, page in enumerate(pages(document, layout, language="ar")):
        side_folds = folds(layout, side, "ar")
        assert side_folds != folds(layout, side)
        for glyph in page.glyphs:
            where = (side, glyph.text, round(glyph.x0 / mm, 1), round(glyph.top / mm, 1))
            assert glyph.x0 >= 10 * mm - 0.1 and glyph.x1 <= page.width - 10 * mm + 0.1, where
            for fold in side_folds:
                assert glyph.x1 <= fold - 4.9 * mm or glyph.x0 >= fold + 4.9 * mm, where


@pytest.mark.parametrize("language", [None, "ar"])
@pytest.mark.parametrize("layout", TRIFOLDS)
def test_trifold_print_files_have_fold_marks_outside_the_trim(layout, language):
    data = press_file("info", layout, language)
    offset = 3 * mm + 2 * mm + 6 * mm  # bleed, then the gap before the marks, and the marks
    for side, page in enumerate(measure(data)):
        marks = [
            s
            for s in page.shapes
            if s.kind == "line"
            and abs(s.x1 - s.x0) < 0.1
            and (s.bottom < offset or s.top > page.height - offset)
        ]
        xs = sorted({round(s.x0 - offset, 1) for s in marks})
        expected = [round(x, 1) for x in folds(layout, side, language)]
        assert [x for x in xs if 1 < x < max(expected) + 1] == expected  # besides the crop marks
        for mark in marks:  # outside the bleed: never on the printed sheet
            assert (
                mark.bottom <= offset - 5 * mm + 0.1
                or mark.top >= page.height - offset + 5 * mm - 0.1
            )


@pytest.mark.parametrize("layout", TRIFOLDS)
def test_trifold_asks_for_a_short_edge_duplex(layout):
    reader = pypdf.PdfReader(io.BytesIO(built("info", layout)))
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipShortEdge"


@pytest.mark.parametrize("layout", TRIFOLDS)
def test_trifold_bookmarks_read_the_back_panel_last(layout):
    reader = pypdf.PdfReader(io.BytesIO(built("aftercare", layout)))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[-2:] == ["How to contact us", "About this leaflet"]
    assert titles[0] == "Why aftercare matters"


@pytest.mark.parametrize("layout", TRIFOLDS)
def test_contact_labels_share_a_line_with_what_they_label(layout):
    back = pages("info", layout)[0]
    for label, value in (("Email:", "hello@example.com"), ("Website:", "www.example.com")):
        first, second = value_glyphs(back, label), value_glyphs(back, value)
        assert first and second
        assert abs(first[0].bottom - second[0].bottom) < 1, (label, value)


# --- 7. colour for press --------------------------------------------------------------


def colour_operators(data: bytes) -> tuple[set[str], list[str]]:
    """The colour operators of every page and form, and the colour spaces of images."""
    import pikepdf

    operators: set[str] = set()
    images: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:

        def walk(owner) -> None:
            for instruction in pikepdf.parse_content_stream(owner):
                operators.add(str(instruction.operator))
            for xobject in owner.get("/Resources", {}).get("/XObject", {}).values():
                if xobject.Subtype == "/Image":
                    images.append(str(xobject.ColorSpace))
                else:
                    walk(xobject)

        for page in pdf.pages:
            walk(page.obj)
    return operators, images


def separations(data: bytes) -> list[list[str]]:
    """Each page's Separation colour spaces: name, colorant and alternate space."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            [str(part) for part in space[:3]]
            for page in pdf.pages
            for space in page.obj.get("/Resources", {}).get("/ColorSpace", {}).values()
            if isinstance(space, pikepdf.Array) and space[0] == "/Separation"
        ]


RGB_OPERATORS = {"rg", "RG"}
CMYK_OPERATORS = {"k", "K"}


@pytest.mark.parametrize(
    ("document", "layout"), [("info", "a4"), ("consent", "a5"), ("aftercare", "dl-trifold")]
)
def test_print_shop_files_are_cmyk_with_black_text_and_registration_marks(document, layout):
    data = press_file(document, layout)
    operators, images = colour_operators(data)
    assert not operators & RGB_OPERATORS
    assert CMYK_OPERATORS <= operators
    assert images and set(images) == {"/DeviceCMYK"}
    assert ["/Separation", "/All", "/DeviceCMYK"] in separations(data)  # the marks' colour
    body = [g for page in measure(data) for g in page.glyphs if g.size >= 12 and not g.bold]
    black = [g for g in body if g.colour == (0, 0, 0, 1)]
    assert len(black) > 0.8 * len(body)
    info = pypdf.PdfReader(io.BytesIO(data))
    assert "/GTS_PDFXVersion" not in (info.metadata or {})  # no output intent: not PDF/X
    assert "/OutputIntents" not in info.trailer["/Root"]


@pytest.mark.parametrize("layout", ["a4", "dl-trifold"])
def test_office_files_stay_rgb(layout):
    operators, images = colour_operators(built("info", layout))
    assert RGB_OPERATORS & operators and not operators & CMYK_OPERATORS
    assert set(images) == {"/DeviceRGB"}


def test_the_brand_file_gives_exact_cmyk_values(tmp_path):
    from conftest import write_brand

    brand = write_brand(tmp_path, extra="cmyk:\n  primary: [100, 20, 30, 40]\n")
    data = leaflet.build_document("info", brand=brand, press=PRESS).data
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        operands = [
            [float(x) for x in instruction.operands]
            for page in pdf.pages
            for xobject in page.Resources.XObject.values()
            if xobject.Subtype == "/Form"
            for instruction in pikepdf.parse_content_stream(xobject)
            if str(instruction.operator) == "k"
        ]
    assert [1, 0.2, 0.3, 0.4] in operands  # the header band


# --- 8. text a preflight accepts -------------------------------------------------------

#: Every language on every layout that holds the document, but Polish and Welsh, which
#: run too long for a tri-fold's panels (the layout refuses them).
LANGUAGE_CASES = [
    (document, layout, language)
    for language in (None, "pl", "cy", "ar")
    for document, layout in CASES
    if language in (None, "ar") or layout not in TRIFOLDS
]


@pytest.mark.parametrize(("document", "layout", "language"), LANGUAGE_CASES)
def test_text_is_always_shown_in_a_font(document, layout, language):
    """A text operator with no font selected is invalid PDF: poppler says "No font in
    show/space", a print shop's preflight rejects the file. Every Arabic aftercare
    leaflet once had one, where a line started with a raised mark (a shadda)."""
    assert tagged_pdf.text_without_font(built(document, layout, language=language)) == []


# --- 9. dates ------------------------------------------------------------------------


@pytest.mark.parametrize(("document", "layout"), CASES)
def test_pdf_dates_are_the_publication_date(document, layout):
    published = leaflet.load_treatment("microneedling").document(document).meta.published
    expected = f"D:{published:%Y%m%d}000000+00'00'"
    info = pypdf.PdfReader(io.BytesIO(built(document, layout))).metadata
    assert info["/CreationDate"] == info["/ModDate"] == expected


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
