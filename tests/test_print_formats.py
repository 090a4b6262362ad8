"""Print formats: large print, A5 pages, the imposed A5 booklet, bleed and crop marks.

Sizes are read from the PDF's page boxes, font sizes from the characters as they are
drawn (text matrix times font size), and the booklet's page order from the page numbers
printed on each half of each sheet.
"""

from __future__ import annotations

import re

import pypdf
import pytest
from conftest import build, read_pdf

import leaflet
from leaflet.render.press import PressOptions

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
A5 = (148 * MM, 210 * MM)


def render(document: str, layout: str, press: PressOptions | None = None):
    treatment = leaflet.load_treatment("microneedling")
    return read_pdf(
        leaflet.render_pdf(
            treatment.document(document),
            leaflet.load_brand(),
            leaflet.load_layout(layout),
            press=press,
        ).data
    )


def box_size(box) -> tuple[float, float]:
    return float(box.width), float(box.height)


def drawn_text(page: pypdf.PageObject) -> list[tuple[str, float, float, float]]:
    """(text, x, y, size as drawn) for every text fragment on a page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y, size * scale))

    page.extract_text(visitor_text=visit)
    return found


# --- large print ----------------------------------------------------------------------


@pytest.mark.parametrize("document", ["info", "consent", "aftercare"])
def test_large_print_sizes_as_drawn(document):
    pdf = render(document, "large-print")
    assert box_size(pdf.reader.pages[0].mediabox) == pytest.approx(A4, abs=0.5)
    sizes = [size for page in pdf.reader.pages for *_, size in drawn_text(page)]
    assert min(sizes) >= 16 - 0.01, "every character, page numbers and labels included"
    assert max(sizes) > 18  # headings are larger than the 18 pt body


def test_large_print_says_what_it_is():
    text = render("info", "large-print").text
    assert "This is the large-print version of this leaflet." in text
    assert "You can ask us for this leaflet in large print" not in text


@pytest.mark.parametrize("layout", ["a4", "letter", "a5"])
def test_other_layouts_offer_large_print(layout):
    text = render("aftercare", layout).text
    assert "You can ask us for this leaflet in large print. Call us on 020 7946 0000." in text


# --- A5 and the booklet ---------------------------------------------------------------


def test_a5_pages():
    pdf = render("info", "a5")
    assert all(box_size(page.mediabox) == pytest.approx(A5, abs=0.5) for page in pdf.reader.pages)
    assert "Notes" not in pdf.text  # no padding when nothing is folded


def page_numbers_by_half(sheet_text: str) -> tuple[int, int]:
    """The printed page numbers on the left and right half of an imposed sheet: the left
    page is placed first, so its text comes first."""
    left, right = (int(n) for n in re.findall(r"Page (\d+) of \d+", sheet_text))
    return left, right


@pytest.mark.parametrize("document", ["info", "consent", "aftercare"])
def test_booklet_is_imposed_in_saddle_stitch_order(document):
    pdf = render(document, "a5-booklet")
    sides = len(pdf.reader.pages)
    pages = 2 * sides
    assert pages % 4 == 0
    assert pdf.rendered.page_count == sides
    for index, sheet in enumerate(pdf.reader.pages):
        assert box_size(sheet.mediabox) == pytest.approx((A4[1], A4[0]), abs=0.5)
        i = index // 2
        expected = (pages - 2 * i, 2 * i + 1) if index % 2 == 0 else (2 * i + 2, pages - 2 * i - 1)
        assert page_numbers_by_half(pdf.pages[index]) == expected
    assert f"Page 1 of {pages}" in pdf.text


def test_booklet_pads_with_notes_pages():
    unimposed = render("info", "a5").rendered.page_count
    padding = -unimposed % 4
    pdf = render("info", "a5-booklet")
    assert 2 * len(pdf.reader.pages) == unimposed + padding
    assert len(re.findall(r"\bNotes\b", pdf.text)) == padding


def test_booklet_keeps_metadata():
    pdf = render("consent", "a5-booklet")
    assert pdf.metadata["/Title"] == "Microneedling: Consent form"
    assert str(pdf.reader.trailer["/Root"]["/Lang"]) == "en-GB"


# --- print-shop files -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "bleed", "points"),
    [
        ("a4", "3mm", 3 * MM),
        ("letter", "0.125in", 9.0),
        ("large-print", "3mm", 3 * MM),
        ("a5", "3mm", 3 * MM),
    ],
)
def test_bleed_sets_trim_and_bleed_boxes(layout, bleed, points):
    press = PressOptions(PressOptions.parse_bleed(bleed))
    page = render("info", layout, press).reader.pages[0]
    trim = leaflet.load_layout(layout)
    assert box_size(page.trimbox) == pytest.approx((trim.page_width, trim.page_height), abs=0.5)
    assert box_size(page.bleedbox) == pytest.approx(
        (trim.page_width + 2 * points, trim.page_height + 2 * points), abs=0.5
    )
    assert box_size(page.mediabox) == pytest.approx(box_size(page.bleedbox), abs=0.5)


def test_crop_marks_sit_outside_the_bleed():
    press = PressOptions(3 * MM, crop_marks=True)
    page = render("aftercare", "a4", press).reader.pages[0]
    media, bleed, trim = (box_size(b) for b in (page.mediabox, page.bleedbox, page.trimbox))
    assert trim == pytest.approx((A4[0], A4[1]), abs=0.5)
    assert media[0] - bleed[0] == pytest.approx(2 * 8 * MM, abs=0.5)  # room for the marks


def test_office_printing_has_no_bleed_and_wide_margins():
    pdf = render("consent", "a4")
    page = pdf.reader.pages[0]
    assert "/TrimBox" not in page and "/BleedBox" not in page
    width, height = box_size(page.mediabox)
    for page in pdf.reader.pages:
        for text, x, y, _ in drawn_text(page):
            assert 10 * MM <= x <= width - 10 * MM, text
            assert 10 * MM <= y <= height - 10 * MM, text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5cm", "bleed: '5cm' is not valid; expected a length such as 3mm or 0.125in"),
        ("12mm", "bleed: '12mm' is more than 10 mm; print shops ask for 3 mm (0.125 in)"),
    ],
)
def test_bad_bleed(text, message):
    with pytest.raises(leaflet.LeafletError) as raised:
        PressOptions.parse_bleed(text)
    assert raised.value.message == message


def test_booklet_refuses_print_shop_options():
    treatment = leaflet.load_treatment("microneedling")
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.render_pdf(
            treatment.document("info"),
            leaflet.load_brand(),
            leaflet.load_layout("a5-booklet"),
            press=PressOptions(3 * MM),
        )
    assert raised.value.format_message() == (
        "a5-booklet is imposed for office printers; for a print shop use --layout a5 with "
        "--bleed and --crop-marks (print shops impose booklets themselves)"
    )
    assert raised.value.message == (
        "a5-booklet is imposed for office printers; for a print shop use load_layout('a5') "
        "with PressOptions(bleed=..., crop_marks=True) (print shops impose booklets "
        "themselves)"
    )


def test_consent_is_not_a_trifold():
    with pytest.raises(leaflet.LeafletError) as raised:
        build("consent", "dl-trifold")
    assert raised.value.message == (
        "the consent document cannot be laid out as dl-trifold; layouts for consent: a4, a5, "
        "a5-booklet, large-print, letter"
    )


@pytest.mark.parametrize("layout_name", ["a4", "letter", "large-print", "a5"])
@pytest.mark.parametrize("document", ["info", "consent"])
def test_footer_lines_fit_the_page(layout_name, document):
    """Large print sets the footer so big that a form's reference line takes two lines;
    on A5 a form's takes four; every layout keeps room for all of its lines."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from leaflet.render.footer import plan_footer
    from leaflet.render.provenance import FINGERPRINT_KEY, entries

    brand, layout = leaflet.load_brand(), leaflet.load_layout(layout_name)
    content = leaflet.load_treatment("microneedling").document(document)
    footer = plan_footer(
        content.meta,
        brand,
        layout.spec.footer_size,
        layout.frame_width,
        content.strings,
        fingerprint=entries(content, brand)[FINGERPRINT_KEY],
    )
    texts = [text for line in footer.lines for text in line if text]
    assert any("Review date 30 November 2028" in text for text in texts)
    for left, right in footer.lines:
        right = "Page 888 of 888" if right == "<page number>" else right
        width = stringWidth(left, brand.fonts.regular, layout.spec.footer_size) + stringWidth(
            right, brand.fonts.bold, layout.spec.footer_size
        )
        assert width <= layout.frame_width, (left, right)
    # Room for every line: the text frame ends above the footer as drawn
    # (tests/test_print_quality.py measures body text against the rule on every page).
    assert footer.room > footer.lines_height
