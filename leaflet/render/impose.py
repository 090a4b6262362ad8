"""Imposing finished pages into a saddle-stitched booklet, two pages to a sheet side.

A booklet layout is rendered as ordinary single pages (A5, say); this module then places
them two-up on sheets twice as wide (A4 landscape) in the order that, printed duplex and
folded in the middle, reads front to back. It works on PDF bytes, after rendering, so the
layout code never needs to know about sheets, and pages stay vector content throughout.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    NameObject,
)

# Metadata entries carried over from the pages' document to the booklet.
KEPT_METADATA = (
    "/Title",
    "/Author",
    "/Subject",
    "/Keywords",
    "/Creator",
    "/Producer",
    "/CreationDate",
    "/ModDate",
)

# Page sizes are read from floats in the file; ReportLab writes A5 as 419.5276 x 595.2756
# and other writers round differently, so pages within half a point count as the same size.
SIZE_TOLERANCE = 0.5


def impose_saddle_stitch(pdf: bytes, sheet: tuple[float, float] | None = None) -> bytes:
    """Impose `pdf`'s pages (a multiple of 4, all W x H) as a saddle-stitched booklet.

    Returns a PDF of n/2 sheet sides, each `sheet` (default 2W x H) with the pair of pages
    centred on it (two A5 pages are 296 mm wide, A4 landscape 297 mm), two pages side by
    side: front of sheet i (0-based) has pages n-2i | 2i+1, its back has
    2i+2 | n-2i-1, so 8 pages give [8|1], [2|7], [6|3], [4|5]. Print it duplex with "flip
    on short edge" (the file asks for that through /ViewerPreferences /Duplex) and fold
    the stack in the middle. Pages stay vector; link annotations move with their page.
    The document metadata, /Lang and DisplayDocTitle are kept, but the outline is dropped,
    because bookmarks would point at single pages that no longer exist. The same input
    bytes always give the same output bytes. Raises ValueError if the page count is not a
    positive multiple of 4 (the caller pads with Notes pages) or the pages differ in size.
    A right-to-left document (/ViewerPreferences /Direction /R2L) is bound on the right:
    each side's two pages change places, [1|8] on the first sheet's front.
    """
    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    count = len(pages)
    if count == 0 or count % 4:
        raise ValueError(
            f"a saddle-stitched booklet needs a multiple of 4 pages, got {count}; "
            "pad the document with Notes pages first"
        )
    for page in pages:
        if page.rotation:
            # A rotated page shows its media box turned; bake the turn into the content
            # so the media box is the page as seen and the translation below is simple.
            page.transfer_rotation_to_content()
        _drop_internal_links(page)
    width, height = _common_size(pages)
    writer = PdfWriter()
    right_to_left = _reads_right_to_left(reader)
    _place_pages(writer, pages, (width, height), sheet or (2 * width, height), right_to_left)
    _copy_document_properties(reader, writer, right_to_left)
    # pypdf writes no /ID unless asked, and its own generator is random. A file identifier
    # is expected by PDF 2.0 and PDF/A, so derive one from the input: the same pages give
    # the same booklet, byte for byte. pypdf has no public setter, hence the private field.
    digest = ByteStringObject(hashlib.sha256(b"leaflet booklet\n" + pdf).digest()[:16])
    writer._ID = ArrayObject([digest, digest])

    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _place_pages(
    writer: PdfWriter,
    pages: list[PageObject],
    size: tuple[float, float],
    sheet: tuple[float, float],
    right_to_left: bool = False,
) -> None:
    """Add a sheet side to `writer` for each pair of pages, in saddle-stitch order; the
    mirror image for a booklet bound on the right (`right_to_left`)."""
    (width, height), (sheet_width, sheet_height) = size, sheet
    # /TrimBox and /BleedBox are ignored: booklets go to office printers, which print the
    # media box as it is; the merge clips each page to its own media box.
    x0, y0 = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
    for left, right in saddle_stitch_order(len(pages)):
        if right_to_left:
            left, right = right, left
        side = writer.add_page(PageObject.create_blank_page(width=sheet_width, height=sheet_height))
        for number, x in ((left, x0), (right, x0 + width)):
            page = pages[number - 1]
            box = page.mediabox
            side.merge_transformed_page(
                page, Transformation().translate(x - float(box.left), y0 - float(box.bottom))
            )
        side.compress_content_streams()


def saddle_stitch_order(count: int) -> list[tuple[int, int]]:
    """The (left, right) 1-based page numbers on each sheet side, in printing order.

    Sides alternate front and back of each sheet: front of sheet i is (count-2i, 2i+1), its
    back (2i+2, count-2i-1). Pages on one side always add up to count+1, which is what
    makes the folded stack read in order.
    """
    sides = []
    for i in range(count // 4):
        sides.append((count - 2 * i, 2 * i + 1))
        sides.append((2 * i + 2, count - 2 * i - 1))
    return sides


def _common_size(pages: list[PageObject]) -> tuple[float, float]:
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    for number, page in enumerate(pages, start=1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        if abs(w - width) > SIZE_TOLERANCE or abs(h - height) > SIZE_TOLERANCE:
            raise ValueError(
                f"all booklet pages must be the same size: page 1 is "
                f"{width:.2f} x {height:.2f} pt, page {number} is "
                f"{w:.2f} x {h:.2f} pt"
            )
    return width, height


def _drop_internal_links(page: PageObject) -> None:
    """Remove links to other pages of the document; web, mail and phone links stay.

    Their targets are single pages that the booklet no longer has, and copying one would
    drag the whole source page (and its page tree) into the output.
    """
    annots = page.get("/Annots")
    if annots is None:
        return
    kept = ArrayObject()
    for ref in annots.get_object():
        annot = ref.get_object()
        action = annot.get("/A")
        goes_to_page = "/Dest" in annot or (
            action is not None and action.get_object().get("/S") == "/GoTo"
        )
        if not goes_to_page:
            kept.append(ref)
    page[NameObject("/Annots")] = kept


def _reads_right_to_left(reader: PdfReader) -> bool:
    """Whether the pages ask for right-to-left reading (a right-to-left language's
    /ViewerPreferences /Direction /R2L): such a booklet opens on the right."""
    preferences = reader.root_object.get("/ViewerPreferences")
    return preferences is not None and preferences.get_object().get("/Direction") == "/R2L"


def _copy_document_properties(
    reader: PdfReader, writer: PdfWriter, right_to_left: bool = False
) -> None:
    info: Mapping[str, Any] = reader.metadata or {}
    # Replace pypdf's own Producer entry: the booklet keeps the source's document info.
    # Custom entries (leaflet's provenance) are kept as they are.
    writer.metadata = {
        key: info[key] for key in info if key in KEPT_METADATA or key.startswith("/Leaflet")
    }
    catalog = reader.root_object
    if "/Lang" in catalog:
        writer.root_object[NameObject("/Lang")] = catalog["/Lang"].get_object()
    writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {
            NameObject("/DisplayDocTitle"): BooleanObject(True),
            # Presets the print dialog; back sides are laid out upright for a short-edge flip.
            NameObject("/Duplex"): NameObject("/DuplexFlipShortEdge"),
            **({NameObject("/Direction"): NameObject("/R2L")} if right_to_left else {}),
        }
    )
    # /Lang and DisplayDocTitle need PDF 1.4, /Duplex 1.7; pypdf would otherwise say 1.3.
    writer.pdf_header = "%PDF-1.7"
