"""Booklets: a document's pages padded with Notes pages and imposed for saddle stitching."""

from __future__ import annotations

from leaflet.errors import Argument, LeafletError
from leaflet.render.impose import impose_saddle_stitch
from leaflet.render.output import RenderedPdf
from leaflet.render.pages import render_pages
from leaflet.render.prepare import Build


def render_booklet(build: Build) -> RenderedPdf:
    """The pages, padded with Notes pages to a multiple of 4, imposed two to a sheet side.

    The page count is known only after a first layout, so a document that needs padding
    is laid out twice. Print-shop options are refused: print shops impose booklets
    themselves, from single pages with bleed."""
    layout, press = build.layout, build.press
    if press.bleed or press.crop_marks:
        raise LeafletError(
            f"{layout.name} is imposed for office printers; for a print shop use ",
            Argument(
                "load_layout('a5') with PressOptions(bleed=..., crop_marks=True)",
                "--layout a5 with --bleed and --crop-marks",
            ),
            " (print shops impose booklets themselves)",
        )
    # Imposing merges pages into sheets, which keeps no structure tree: a booklet is a
    # print file, not a tagged PDF, so its pages are laid out untagged.
    pages = render_pages(build, tagged=False)
    if padding := -pages.page_count % 4:
        pages = render_pages(build, notes_pages=padding, tagged=False)
    data = impose_saddle_stitch(pages.data, layout.sheet)
    return RenderedPdf(data, pages.page_count // 2)
