"""Laying out a document into PDF bytes: page frames, header band, footer and metadata.

`render_pdf` is the library's main entry point: content document + brand + layout (+
optional personal details) in, a `RenderedPdf` out. Output is deterministic (ReportLab's
invariant mode), so the same inputs give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate

from leaflet.errors import LeafletError, display_path
from leaflet.render.fillable import add_signature_fields, check_fillable, form_canvas
from leaflet.render.impose import impose_saddle_stitch
from leaflet.render.output import write_atomically
from leaflet.render.press import PressOptions
from leaflet.render.provenance import FINGERPRINT_KEY, SHORT, ProvenanceInfo, entries
from leaflet.sources import schema
from leaflet.sources.brand import Brand
from leaflet.sources.content import ContentDocument
from leaflet.sources.dates import format_date
from leaflet.sources.layout import Layout, known_layouts, load_layout
from leaflet.sources.personal import Personalisation
from leaflet.story.builder import StoryBuilder
from leaflet.story.flowables import Slot
from leaflet.version import __version__

# Binary streams rather than ASCII85 text: a quarter smaller, and personalised copies
# (leaflet.stamp) copy a base's streams as they are instead of decoding them again.
rl_config.useA85 = 0

SEPARATOR = "  \u00b7  "
PAGE_NUMBER = "<page number>"  # placeholders in the footer plan
INITIALS = "Patient initials: ____________"


@dataclass(frozen=True)
class RenderedPdf:
    """A finished PDF: its bytes and how many pages it has."""

    data: bytes
    page_count: int

    def write(self, target: Path | str | BinaryIO) -> None:
        """Write to a path (atomically, via a temporary file) or to a binary stream."""
        if isinstance(target, (str, Path)):
            write_atomically(target, self.data)
        else:
            target.write(self.data)


def render_pdf(
    document: ContentDocument,
    brand: Brand,
    layout: Layout,
    personal: Personalisation | None = None,
    press: PressOptions | None = None,
    *,
    allow_expired: bool = False,
    today: dt.date | None = None,
    fillable: bool = False,
    slots: list[Slot] | None = None,
) -> RenderedPdf:
    """Lay out `document` for `brand` on `layout` pages and return the PDF.

    `press` asks for print-shop files: bleed and crop marks around every page. Wording
    past its review date is refused unless `allow_expired`, and then the PDF says so.
    `fillable` adds form fields over a form's boxes and lines (see `leaflet.fillable`).
    `slots` collects where personal values go instead of drawing them (`leaflet.stamp`
    lays out a base once and fills the slots in per patient); page formats only."""
    personal = personal or Personalisation()
    press = press or PressOptions()
    if fillable:
        check_fillable(document.meta.kind, document.name, layout.spec.format)
    _check_layout_holds(layout, document)
    overdue = check_review_date(document, allow_expired, today or dt.date.today())
    personal.check_printable(brand.fonts)
    if layout.spec.format == "trifold":
        from leaflet.render.trifold import render_trifold

        return render_trifold(document, brand, layout, personal, press, overdue=overdue)
    if layout.spec.format == "booklet":
        return _render_booklet(document, brand, layout, personal, press, overdue)
    return _render_pages(
        document, brand, layout, personal, press, overdue=overdue, fillable=fillable, slots=slots
    )


def _render_booklet(
    document: ContentDocument,
    brand: Brand,
    layout: Layout,
    personal: Personalisation,
    press: PressOptions,
    overdue: bool,
) -> RenderedPdf:
    """The pages, padded with Notes pages to a multiple of 4, imposed for saddle stitching.

    The page count is known only after a first layout, so a document that needs padding
    is laid out twice."""
    if press.bleed or press.crop_marks:
        raise LeafletError(
            f"{layout.name} is imposed for office printers; for a print shop "
            "use --layout a5 with --bleed and --crop-marks (print shops "
            "impose booklets themselves)"
        )
    pages = _render_pages(document, brand, layout, personal, press, overdue=overdue)
    if padding := -pages.page_count % 4:
        pages = _render_pages(
            document, brand, layout, personal, press, overdue=overdue, notes_pages=padding
        )
    data = impose_saddle_stitch(pages.data, layout.sheet)
    return RenderedPdf(data, pages.page_count // 2)


def check_review_date(document: ContentDocument, allow_expired: bool, today: dt.date) -> bool:
    """Whether the wording is past its review date; an error unless that is allowed."""
    review = document.meta.review
    if review < today and not allow_expired:
        raise LeafletError(
            f"{display_path(document.path)}: the wording was due for review on "
            f"{format_date(review, document.meta.language)}; review it and update "
            "meta.review, or build anyway with --allow-expired (the PDF then says the "
            "wording is past its review date)"
        )
    return review < today


def _check_layout_holds(layout: Layout, document: ContentDocument) -> None:
    allowed = layout.spec.documents
    if allowed is None or document.name in allowed:
        return
    fitting = [
        name
        for name in known_layouts(layout.path.parent)
        if (spec := load_layout(name, layout.path.parent).spec).documents is None
        or document.name in spec.documents
    ]
    raise LeafletError(
        f"the {document.name} document cannot be laid out as {layout.name}; "
        f"layouts for {document.name}: {', '.join(fitting)}"
    )


#: Space above and below the logo in the header band, as a share of the band's height.
HEADER_PAD_SHARE = 0.18


def header_logo_size(layout: Layout) -> float:
    """The side of the square the logo prints in, in the header band of `layout`."""
    return layout.header_height * (1 - 2 * HEADER_PAD_SHARE)


def fill_in(
    document: ContentDocument, brand: Brand, layout: Layout, personal: Personalisation
) -> tuple[schema.Document, dict[str, ParagraphStyle]]:
    """The document's wording filled in for this clinic and patient, and the layout's
    text styles in the brand's fonts and colours: what every format lays out."""
    variables = {
        "clinic": brand.template_values(),
        **personal.template_values(document.meta.language),
    }
    styles = layout.styles(brand.fonts.regular, brand.fonts.bold, brand.colour)
    return document.render(variables, brand.fonts), styles


def document_properties(meta: schema.Meta, brand: Brand) -> dict[str, object]:
    """Doc-template settings every format shares: PDF metadata (never personal details),
    the brand font as the initial font, and deterministic output."""
    return {
        "title": f"{meta.title}: {meta.subtitle}",
        "author": brand.clinic.name,
        "subject": f"{meta.subtitle} ({meta.reference}, version {meta.version})",
        "keywords": [*meta.keywords, meta.reference],
        "creator": f"leaflet {__version__}",
        "lang": meta.language,
        "displayDocTitle": 1,
        "invariant": 1,
        "initialFontName": brand.fonts.regular,
    }


def _render_pages(
    document: ContentDocument,
    brand: Brand,
    layout: Layout,
    personal: Personalisation,
    press: PressOptions,
    *,
    overdue: bool = False,
    notes_pages: int = 0,
    fillable: bool = False,
    slots: list[Slot] | None = None,
) -> RenderedPdf:
    meta = document.meta
    rendered, styles = fill_in(document, brand, layout, personal)
    builder = StoryBuilder(brand, layout, styles, overdue=overdue)
    story = builder.build(rendered, personal, origin=display_path(document.path))
    for _ in range(notes_pages):
        story += [PageBreak(), *builder.notes_page()]

    buffer = io.BytesIO()
    offset = press.offset
    template = BaseDocTemplate(
        buffer,
        pagesize=press.media(layout.page_width, layout.page_height),
        leftMargin=offset + layout.margin_left,
        rightMargin=offset + layout.margin_right,
        topMargin=offset + layout.margin_top + layout.header_height + layout.header_gap,
        bottomMargin=offset + layout.margin_bottom + layout.footer_height,
        **document_properties(meta, brand),
    )
    provenance = entries(document, brand)
    decorations = _PageDecorations(
        brand,
        layout,
        document,
        styles["header_name"].fontSize,
        press,
        provenance[FINGERPRINT_KEY],
        overdue,
    )
    template.addPageTemplates(
        [
            PageTemplate(
                id="page",
                onPage=decorations.draw,
                frames=[
                    Frame(
                        template.leftMargin,
                        template.bottomMargin,
                        layout.frame_width,
                        layout.frame_height,
                        leftPadding=0,
                        rightPadding=0,
                        topPadding=0,
                        bottomPadding=0,
                        id="body",
                    )
                ],
            )
        ]
    )
    canvas_class = _numbered_canvas(decorations.draw_page_number, decorations.set_boxes, provenance)
    if fillable:
        canvas_class = form_canvas(canvas_class)
    canvas_class.leaflet_slots = slots
    template.build(story, canvasmaker=canvas_class)
    if fillable:
        return RenderedPdf(
            add_signature_fields(buffer.getvalue(), canvas_class.signatures),
            canvas_class.page_count,
        )
    return RenderedPdf(buffer.getvalue(), canvas_class.page_count)


class _PageDecorations:
    """Draws the header band and footer on every page.

    They are the same on every page, so they are drawn once into a form XObject that each
    page shows: less work per page and a smaller file. Only the page number differs.
    """

    FORM = "LeafletPageFurniture"

    def __init__(
        self,
        brand: Brand,
        layout: Layout,
        document: ContentDocument,
        name_size: float,
        press: PressOptions,
        fingerprint: str,
        overdue: bool,
    ) -> None:
        self.brand, self.layout, self.meta, self.press = brand, layout, document.meta, press
        self.fingerprint, self.overdue = fingerprint, overdue
        self.name_size = name_size
        self.footer_size = layout.spec.footer_size
        self.footer_lines = self._plan_footer()

    def _plan_footer(self) -> list[tuple[str, str]]:
        """The footer's lines, top to bottom, each a (left, right) pair of texts.

        The reference shares a line with the page number, and on forms the clinic shares
        one with the box for initials, when they fit side by side; in large print they
        take a line each (the clinic then shows only in the header band). There are
        always at least two lines, so footers line up across a pack of documents."""
        meta, clinic = self.meta, self.brand.clinic
        parts = [meta.reference, f"Version {meta.version}"]
        if meta.kind == "form":  # which exact wording was signed
            parts.append(f"Wording {self.fingerprint[:SHORT]}")
        parts.append(
            f"Review date {format_date(meta.review, meta.language)}"
            + (" (overdue)" if self.overdue else "")
        )
        rows = [(parts, PAGE_NUMBER)]
        if meta.kind == "form":
            rows.append(([clinic.name, clinic.phone], INITIALS))
        lines: list[tuple[str, str]] = []
        for left_parts, right in rows:
            left = SEPARATOR.join(left_parts)
            if self._fits(left, right):
                lines.append((left, right))
            elif right == INITIALS:
                lines.append(("", right))
            else:
                lines += [(text, "") for text in self._wrap(left_parts)] + [("", right)]
        return lines + [("", "")] * (2 - len(lines))

    def _wrap(self, parts: list[str]) -> list[str]:
        """The parts joined into as few lines as fit the frame (large print needs two)."""
        lines = [parts[0]]
        for part in parts[1:]:
            joined = lines[-1] + SEPARATOR + part
            if self._fits(joined, ""):
                lines[-1] = joined
            else:
                lines.append(part)
        return lines

    def _fits(self, left: str, right: str) -> bool:
        widest = "Page 888 of 888" if right == PAGE_NUMBER else right
        width = sum(
            stringWidth(text, self.brand.fonts.bold, self.footer_size) for text in (left, widest)
        )
        return width + 6 * mm <= self.layout.frame_width

    def draw(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if canvas.getPageNumber() == 1:
            canvas.beginForm(self.FORM)
            self.press.draw_crop_marks(canvas, self.layout.page_width, self.layout.page_height)
            canvas.translate(self.press.offset, self.press.offset)  # to trim coordinates
            self._header(canvas)
            self._footer(canvas)
            canvas.endForm()
        canvas.doForm(self.FORM)

    def set_boxes(self, canvas: Canvas) -> None:
        self.press.set_boxes(canvas, self.layout.page_width, self.layout.page_height)

    def _header(self, canvas: Canvas) -> None:
        layout, brand = self.layout, self.brand
        x, width, height = layout.margin_left, layout.frame_width, layout.header_height
        y = layout.page_height - layout.margin_top - height
        canvas.setFillColor(brand.colour("primary"))
        if bleed := self.press.bleed:
            # For the print shop the band runs off the top and sides of the page, into the
            # bleed, so no white edge shows wherever the guillotine falls.
            canvas.rect(
                -bleed,
                y,
                layout.page_width + 2 * bleed,
                layout.page_height - y + bleed,
                stroke=0,
                fill=1,
            )
        else:
            canvas.roundRect(x, y, width, height, 3 * mm, stroke=0, fill=1)
        pad = height * HEADER_PAD_SHARE
        text_x = x + pad * 1.5
        size = header_logo_size(layout)
        logo = brand.logo_image(size)
        if logo is not None:
            canvas.drawImage(
                logo, text_x, y + pad, size, size, mask="auto", preserveAspectRatio=True, anchor="w"
            )
            text_x += size + pad * 1.2
        canvas.setFillColor(brand.colour("on_primary"))
        canvas.setFont(brand.fonts.bold, self.name_size)
        baseline = y + height / 2 - self.name_size * 0.35
        canvas.drawString(text_x, baseline, brand.clinic.name)
        canvas.setFont(brand.fonts.regular, self.footer_size + 1)
        canvas.drawRightString(x + width - pad * 1.5, baseline, brand.clinic.phone)

    def _footer(self, canvas: Canvas) -> None:
        layout, brand = self.layout, self.brand
        x, right = layout.margin_left, layout.page_width - layout.margin_right
        rule_y = self._footer_line(0) + self.footer_size + 1.5 * mm
        canvas.setStrokeColor(brand.colour("muted"))
        canvas.setLineWidth(0.5)
        canvas.line(x, rule_y, right, rule_y)
        canvas.setFillColor(brand.colour("muted"))
        canvas.setFont(brand.fonts.regular, self.footer_size)
        for index, (left_text, right_text) in enumerate(self.footer_lines):
            canvas.drawString(x, self._footer_line(index), left_text)
            if right_text != PAGE_NUMBER:  # page numbers come later, in their own forms
                canvas.drawRightString(right, self._footer_line(index), right_text)

    def _footer_line(self, index: int) -> float:
        """Baseline of footer line `index`, counted from the top."""
        below = len(self.footer_lines) - 1 - index
        return self.layout.margin_bottom + 1 * mm + below * self.footer_size * 1.35

    def draw_page_number(self, canvas: Canvas, page: int, total: int) -> None:
        line = next(
            index for index, (_, right) in enumerate(self.footer_lines) if right == PAGE_NUMBER
        )
        canvas.saveState()
        canvas.translate(self.press.offset, self.press.offset)
        canvas.setFillColor(self.brand.colour("muted"))
        canvas.setFont(self.brand.fonts.bold, self.footer_size)
        canvas.drawRightString(
            self.layout.page_width - self.layout.margin_right,
            self._footer_line(line),
            f"Page {page} of {total}",
        )
        canvas.restoreState()


def _numbered_canvas(draw_page_number, set_boxes, provenance: dict[str, str]):
    """A canvas class that prints 'Page X of Y' once the total is known.

    Pages are emitted as they are finished (so links and bookmarks point at the right
    page) and, when the document is saved, each page's number is added to the end of its
    content stream: one layout pass, and no extra objects in the file.
    """

    class NumberedCanvas(Canvas):
        page_count = 0

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._doc.info = ProvenanceInfo(provenance)
            set_boxes(self)

        def save(self) -> None:
            pages = self._doc.Pages.pages
            type(self).page_count = total = len(pages)
            for number, page in enumerate(pages, start=1):
                self._code = []  # collect the operators for this page's number
                draw_page_number(self, number, total)
                page.stream += "\n".join(self._code) + "\n"
            self._code = []  # nothing left over to become an extra page
            super().save()

    return NumberedCanvas
