"""Laying a document out on single pages: the text frame, page furniture and fields.

Every page has the header band and footer (`furniture`); the story flows through one
frame per page. A fillable form makes its fields while it draws (`fillable`); a base
for stamping leaves slots where the personal values go (`stamp`). The pages are a
tagged PDF (`tagged`), unless they are only to be imposed.
"""

from __future__ import annotations

import io
from typing import Any, Literal

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Spacer

from leaflet.render.canvas import canvas_maker
from leaflet.render.footer import Footer, plan_footer
from leaflet.render.furniture import PageFurniture
from leaflet.render.output import RenderedPdf
from leaflet.render.prepare import Build, document_properties, fill_in
from leaflet.render.provenance import FINGERPRINT_KEY, entries
from leaflet.sources import schema
from leaflet.sources.dates import document_time
from leaflet.sources.styles import StyleSet
from leaflet.story.builder import StoryBuilder
from leaflet.story.session import BaseRecord, DrawingSession
from leaflet.story.tags import StructureRecord


def render_pages(
    build: Build,
    *,
    notes_pages: int = 0,
    fillable: bool = False,
    base: BaseRecord | None = None,
    tagged: bool = True,
) -> RenderedPdf:
    """`build` laid out on single pages, then `notes_pages` Notes pages.

    `fillable` adds form fields over a form's boxes and lines; `base` collects where
    personal values go instead of drawing them; `tagged` False leaves out the structure
    a screen reader reads (pages to be imposed lose it anyway)."""
    document, brand, layout = build.document, build.brand, build.layout
    fields = None
    if fillable:  # the fields' module loads only for a fillable form
        from leaflet.render.fillable import FormFields

        fields = FormFields()
    structure = StructureRecord() if tagged else None
    session = DrawingSession(base=base, fields=fields, structure=structure)
    rendered, styles = fill_in(build)
    provenance = entries(document, brand)
    footer = _footer(build, styles, provenance)
    frame = _body_frame(build, footer)
    story = _story(build, rendered, styles, frame, session, notes_pages)
    furniture = PageFurniture(brand, layout, footer, styles, build.press, document.strings)
    buffer = io.BytesIO()
    template = _page_template(build, buffer, furniture, frame)
    template.build(
        story,
        canvasmaker=canvas_maker(
            session,
            provenance=provenance,
            page_numbers=furniture.draw_page_number,
            on_start=furniture.set_boxes,
            created=document_time(document.meta.published),
        ),
    )
    gaps = _footer_gaps(build, footer, frame, session.page_count)
    return RenderedPdf(buffer.getvalue(), session.page_count, footer_gaps=gaps)


def _story(
    build: Build,
    rendered: schema.Document,
    styles: StyleSet,
    frame: Frame,
    session: DrawingSession,
    notes_pages: int,
) -> list[Flowable]:
    """The document's story for the text frame, then `notes_pages` Notes pages."""
    builder = StoryBuilder(
        build.brand,
        build.layout,
        styles,
        build.document.strings,
        overdue=build.overdue,
        frame=(frame.width, frame.height),
        session=session,
    )
    story = builder.build(rendered, build.personal, origin=build.origin)
    for _ in range(notes_pages):
        story += [PageBreak(), *builder.notes_page()]
    return story


def _footer_gaps(
    build: Build, footer: Footer, frame: _MeasuredFrame, pages: int
) -> tuple[float, ...]:
    """How far each page's text stays above its footer rule, as laid out."""
    rule = build.press.offset + build.layout.margin_bottom + footer.rule_height
    top = frame.y1 + frame.height
    return tuple(frame.lowest.get(page, top) - rule for page in range(1, pages + 1))


def _footer(build: Build, styles: StyleSet, provenance: dict[str, str]) -> Footer:
    """The footer of every page; the initials label is as large as a field's label."""
    return plan_footer(
        build.document.meta,
        build.brand,
        build.layout.spec.footer_size,
        build.layout.frame_width,
        build.document.strings,
        label_size=styles["table_head"].fontSize,
        overdue=build.overdue,
        fingerprint=provenance[FINGERPRINT_KEY],
        fonts=build.fonts,
        rtl=build.rtl,
    )


class _MeasuredFrame(Frame):
    """The text frame, noting on each page how low what it placed reaches (`lowest`).

    The space between blocks is dropped at the top of a page and where it does not fit
    at the foot of one: a gap there separates nothing, and would push what follows
    (the About box, sized to the space left) onto a page of its own."""

    lowest: dict[int, float]

    def add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> Literal[0, 1]:
        if type(flowable) is Spacer and self._separates_nothing(flowable):
            return 1
        added = super().add(flowable, canv, trySplit)
        if added and not isinstance(flowable, Spacer):
            # The frame's cursor is below the space after the flowable: add it back.
            bottom: float = self._y + flowable.getSpaceAfter()  # type: ignore[attr-defined]
            page = canv.getPageNumber()
            self.lowest[page] = min(self.lowest.get(page, bottom), bottom)
        return added

    def _separates_nothing(self, gap: Spacer) -> bool:
        """Whether `gap` would start the page, or not fit at its foot."""
        frame: Any = self  # the frame's cursor, which ReportLab's stubs leave out
        return bool(frame._atTop) or gap.height > frame._y - frame._y1p


def _body_frame(build: Build, footer: Footer) -> _MeasuredFrame:
    """The text frame of every page: under the header band, and above the footer as it
    is drawn (at least the layout's `footer_height`), whatever lines it wrapped onto."""
    layout, offset = build.layout, build.press.offset
    bottom = layout.margin_bottom + max(layout.footer_height, footer.room)
    top = layout.page_height - layout.margin_top - layout.header_height - layout.header_gap
    frame = _MeasuredFrame(
        offset + layout.margin_left,
        offset + bottom,
        layout.frame_width,
        top - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    frame.lowest = {}
    return frame


def _page_template(
    build: Build, buffer: io.BytesIO, furniture: PageFurniture, frame: Frame
) -> BaseDocTemplate:
    """A doc template of pages with one text frame and the furniture."""
    layout = build.layout
    width, height = build.press.media(layout.page_width, layout.page_height)
    template = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        leftMargin=frame.x1,
        rightMargin=width - frame.x1 - frame.width,
        topMargin=height - frame.y1 - frame.height,
        bottomMargin=frame.y1,
        **document_properties(build.document, build.brand),
    )
    template.addPageTemplates([PageTemplate(id="page", onPage=furniture.draw, frames=[frame])])
    return template
