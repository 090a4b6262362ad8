"""Saddle-stitch imposition: sheet size, page order, folding, metadata and determinism.

The inputs are small synthetic PDFs drawn with a ReportLab canvas: each A5 page shows a
big "Page N", so the order on the sheets can be read back as text with its x position.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from reportlab.lib.pagesizes import A4, A5
from reportlab.pdfgen.canvas import Canvas

from leaflet.render.impose import impose_saddle_stitch, saddle_stitch_order

WIDTH, HEIGHT = A5
TOLERANCE = 0.5  # points: page boxes are floats written with limited precision
METADATA = {
    "/Title": "Microneedling: Information for patients",
    "/Author": "Example Skin Clinic",
    "/Subject": "Information for patients (MN-INF-01, version 3)",
    "/Keywords": "microneedling, MN-INF-01",
    "/Creator": "leaflet test",
}
COUNT_MESSAGE = (
    "a saddle-stitched booklet needs a multiple of 4 pages, got {}; "
    "pad the document with Notes pages first"
)


def make_pages(
    count: int, sizes: dict[int, tuple[float, float]] | None = None, links: bool = False
) -> bytes:
    """A PDF of `count` pages, each labelled "Page N"; `sizes` overrides single pages."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5, invariant=1, lang="en-GB")
    canvas.setTitle(METADATA["/Title"])
    canvas.setAuthor(METADATA["/Author"])
    canvas.setSubject(METADATA["/Subject"])
    canvas.setKeywords(METADATA["/Keywords"])
    canvas.setCreator(METADATA["/Creator"])
    canvas.setViewerPreference("DisplayDocTitle", "true")
    for number in range(1, count + 1):
        width, height = (sizes or {}).get(number, A5)
        canvas.setPageSize((width, height))
        canvas.bookmarkPage(f"p{number}")
        canvas.addOutlineEntry(f"Page {number}", f"p{number}")
        canvas.setFont("Helvetica-Bold", 48)
        canvas.drawCentredString(width / 2, height / 2, f"Page {number}")
        if links and number == 1:
            canvas.linkURL("https://example.org/", (50, 50, 150, 70), relative=0)
            canvas.linkRect("", "p2", (50, 100, 150, 120), relative=0)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def read(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def halves(page: pypdf.PageObject) -> tuple[int, int]:
    """The page numbers printed on the (left, right) halves of a sheet side."""
    found: list[tuple[int, float]] = []

    def visit(text, cm, tm, font, size):
        match = re.search(r"Page (\d+)", text)
        if match:
            # Text space to device space: the sheet places each page through the CTM.
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            found.append((int(match.group(1)), x))

    page.extract_text(visitor_text=visit)
    left = [number for number, x in found if x < WIDTH]
    right = [number for number, x in found if x >= WIDTH]
    assert len(left) == len(right) == 1, found
    return left[0], right[0]


@pytest.fixture(scope="module")
def eight() -> bytes:
    return impose_saddle_stitch(make_pages(8, links=True))


def test_sheet_count_and_size(eight):
    sheets = read(eight).pages
    assert len(sheets) == 4
    for sheet in sheets:
        assert float(sheet.mediabox.width) == pytest.approx(2 * WIDTH, abs=TOLERANCE)
        assert float(sheet.mediabox.height) == pytest.approx(HEIGHT, abs=TOLERANCE)
    # Two A5 pages (148 mm wide each) make 296 x 210 mm: A4 landscape less 1 mm, since
    # A5 is A4 halved and rounded down to whole millimetres.
    assert float(sheets[0].mediabox.width) == pytest.approx(A4[1] - 72 / 25.4, abs=TOLERANCE)
    assert float(sheets[0].mediabox.height) == pytest.approx(A4[0], abs=TOLERANCE)


def test_eight_page_order(eight):
    assert [halves(sheet) for sheet in read(eight).pages] == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_four_page_order():
    booklet = read(impose_saddle_stitch(make_pages(4)))
    assert [halves(sheet) for sheet in booklet.pages] == [(4, 1), (2, 3)]


def test_twelve_pages_fold_into_reading_order():
    count = 12
    sides = [halves(sheet) for sheet in read(impose_saddle_stitch(make_pages(count))).pages]
    assert len(sides) == count // 2
    expected = set()
    for i in range(count // 4):
        expected |= {(count - 2 * i, 2 * i + 1), (2 * i + 2, count - 2 * i - 1)}
    assert set(sides) == expected
    assert all(left + right == count + 1 for left, right in sides)
    # Fold the stack: the first half is read down the right of each front and the left of
    # each back, sheet by sheet inwards; the second half comes back out the other halves.
    fronts, backs = sides[0::2], sides[1::2]
    first = [
        page for front, back in zip(fronts, backs, strict=True) for page in (front[1], back[0])
    ]
    second = [
        page
        for front, back in reversed(list(zip(fronts, backs, strict=True)))
        for page in (back[1], front[0])
    ]
    assert first + second == list(range(1, count + 1))


def test_order_helper_matches_the_sheets(eight):
    assert saddle_stitch_order(8) == [halves(sheet) for sheet in read(eight).pages]


def test_metadata_language_and_title_display_kept(eight):
    source, booklet = read(make_pages(8)), read(eight)
    for key, value in METADATA.items():
        assert booklet.metadata[key] == value
    assert booklet.metadata["/Producer"] == source.metadata["/Producer"]
    catalog = booklet.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    preferences = catalog["/ViewerPreferences"]
    assert preferences["/DisplayDocTitle"].value is True
    assert preferences["/Duplex"] == "/DuplexFlipShortEdge"


def test_outline_dropped(eight):
    assert len(read(make_pages(8)).outline) == 8
    assert read(eight).outline == []


def test_web_link_moves_with_its_page_and_internal_link_dropped(eight):
    # Page 1 is the right half of the first sheet side, so its link shifts by one width.
    annots = [ref.get_object() for ref in read(eight).pages[0].get("/Annots", [])]
    assert [annot["/A"]["/URI"] for annot in annots] == ["https://example.org/"]
    rect = [float(value) for value in annots[0]["/Rect"]]
    assert rect == pytest.approx([50 + WIDTH, 50, 150 + WIDTH, 70], abs=TOLERANCE)


def test_pages_stay_vector(eight):
    for sheet in read(eight).pages:
        xobjects = sheet["/Resources"].get("/XObject", {})
        assert all(xobject.get_object()["/Subtype"] != "/Image" for xobject in xobjects.values())
        assert "/Helvetica-Bold" in {
            font.get_object()["/BaseFont"] for font in sheet["/Resources"]["/Font"].values()
        }


def test_content_streams_compressed(eight):
    for sheet in read(eight).pages:
        contents = sheet["/Contents"].get_object()
        assert not isinstance(contents, pypdf.generic.ArrayObject)
        assert contents["/Filter"] == "/FlateDecode"


def test_same_input_gives_same_bytes(eight):
    again = impose_saddle_stitch(make_pages(8, links=True))
    assert again == eight
    identifier = read(eight).trailer["/ID"]
    assert identifier[0] == identifier[1] and len(identifier[0]) == 16


def test_different_input_gives_different_identifier(eight):
    other = impose_saddle_stitch(make_pages(8))
    assert read(other).trailer["/ID"][0] != read(eight).trailer["/ID"][0]


@pytest.mark.parametrize("count", [1, 2, 3, 5, 6, 7, 10])
def test_page_count_not_multiple_of_four(count):
    with pytest.raises(ValueError) as raised:
        impose_saddle_stitch(make_pages(count))
    assert str(raised.value) == COUNT_MESSAGE.format(count)


def test_pages_of_different_sizes():
    with pytest.raises(ValueError) as raised:
        impose_saddle_stitch(make_pages(4, sizes={3: A4}))
    assert str(raised.value) == (
        "all booklet pages must be the same size: page 1 is "
        "419.53 x 595.28 pt, page 3 is 595.28 x 841.89 pt"
    )
