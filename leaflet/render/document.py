"""Rendering a document: the library's main entry point.

`render_pdf` takes a content document, a brand and a layout (and optional personal
details and print-shop options), checks them, and hands the build to the layout's
format: single pages (`pages`), a booklet (`booklet`) or a tri-fold sheet (`trifold`).
Output is deterministic (ReportLab's invariant mode), so the same inputs give
byte-identical files. `build_document` does the same from names and paths, as the
command line does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from reportlab.platypus.doctemplate import LayoutError

from leaflet.errors import LayoutFitError, PersonalValueFitError, display_path
from leaflet.render.logo import warn_low_resolution
from leaflet.render.output import RenderedPdf
from leaflet.render.pages import render_pages
from leaflet.render.prepare import Build, check_layout_holds
from leaflet.render.press import PressOptions
from leaflet.sources import dates
from leaflet.sources.brand import Brand, load_brand
from leaflet.sources.content import ContentDocument, load_treatment
from leaflet.sources.layout import Layout, load_layout
from leaflet.sources.personal import Personalisation, PersonalValues
from leaflet.sources.review import check_review_date
from leaflet.story.session import BaseRecord


def render_pdf(
    document: ContentDocument,
    brand: Brand,
    layout: Layout,
    personal: PersonalValues | None = None,
    press: PressOptions | None = None,
    *,
    allow_expired: bool = False,
    today: dt.date | None = None,
    fillable: bool = False,
    base: BaseRecord | None = None,
) -> RenderedPdf:
    """Lay out `document` for `brand` on `layout` pages and return the PDF.

    `press` asks for print-shop files: bleed and crop marks around every page, colours
    in CMYK (the brand's exact values where it gives them). Wording
    past its review date (on `today`, by default the real date) is refused unless
    `allow_expired`, and then the PDF says so. `fillable` adds form fields over a form's
    boxes and lines (see `leaflet.render.fillable`). `base` collects where personal
    values go instead of drawing them (`leaflet.render.stamp` lays out a base once and
    fills the slots in per patient); page formats only."""
    personal = personal if personal is not None else Personalisation()
    if fillable:  # the fields' module loads only for a fillable form
        from leaflet.render.fillable import check_fillable

        check_fillable(document.meta.kind, document.name, layout.spec.format)
    check_layout_holds(layout, document)
    overdue = check_review_date(document, allow_expired, today or dates.today())
    personal.check_printable(brand.fonts)
    press = press or PressOptions()
    if press.print_shop:  # CMYK throughout, text in black ink alone
        brand = brand.for_press()
    build = Build(document, brand, layout, personal, press, overdue)
    try:
        pdf = _render(build, fillable, base)
    except (LayoutError, LayoutFitError) as err:
        raise _located(err, document, layout) from err
    return replace(pdf, personal=bool(personal))  # written readable by its owner only


def _render(build: Build, fillable: bool, base: BaseRecord | None) -> RenderedPdf:
    """`build` in its layout's format. Each format's module is loaded when a layout of
    that format is first used."""
    if build.layout.spec.format == "trifold":
        from leaflet.render.trifold import render_trifold

        return render_trifold(build)
    if build.layout.spec.format == "booklet":
        from leaflet.render.booklet import render_booklet

        return render_booklet(build)
    return render_pages(build, fillable=fillable, base=base)


def _located(
    err: LayoutError | LayoutFitError, document: ContentDocument, layout: Layout
) -> LayoutFitError:
    """A layout problem as one error naming the document's file: ReportLab's own (what
    our checks did not catch first) or ours raised where the file is not known."""
    if isinstance(err, PersonalValueFitError):  # the value is at fault, not the file
        return err
    path = display_path(document.path)
    if isinstance(err, LayoutFitError):
        return err if err.message.startswith(path) else LayoutFitError(f"{path}: {err.message}")
    page = re.search(r"too large on page (\d+)", str(err))
    where = f" (page {page[1]})" if page else ""
    return LayoutFitError(
        f"{path}: part of the {document.name} document is taller than a page of the "
        f"{layout.name} layout holds{where}; shorten its headings and labels, or divide "
        "it into smaller blocks"
    )


def build_document(
    name: str,
    *,
    treatment: str = "microneedling",
    brand: Brand | Path | str | Mapping[str, Any] | None = None,
    layout: str = "a4",
    content_dir: Path | str | None = None,
    personal: Personalisation | None = None,
    press: PressOptions | None = None,
    allow_expired: bool = False,
    fillable: bool = False,
    today: dt.date | None = None,
    language: str | None = None,
) -> RenderedPdf:
    """Load a treatment's document, a brand file and a layout by name, and render them:
    what `leaflet info`, `leaflet consent` and `leaflet aftercare` do. `brand` is as
    `load_brand` takes it (None: the built-in example clinic); `content_dir` None is the
    built-in content. A logo short of print resolution is a `LeafletWarning`.

    `language` (a tag) None is the clinic's language (the brand's), or English when the
    treatment lacks it: the PDF's `warnings` then say so."""
    loaded = load_treatment(treatment, content_dir)
    brand_, page_layout = load_brand(brand), load_layout(layout)
    warn_low_resolution(brand_, [page_layout])
    tag, warning = loaded.choose_language(language, brand_.spec.language)
    document = loaded.document(name, tag)
    pdf = render_pdf(
        document,
        brand_,
        page_layout,
        personal,
        press,
        allow_expired=allow_expired,
        fillable=fillable,
        today=today,
    )
    return replace(pdf, warnings=(warning,)) if warning else pdf
