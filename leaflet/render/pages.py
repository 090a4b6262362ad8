"""Laying a document out on single pages: the text frame, page furniture and fields.

Every page has the header band and footer (`furniture`); the story flows through one
frame per page. A fillable form records its fields while it draws and gets its
signature fields afterwards (`fillable`); a base for stamping leaves slots where the
personal values go (`stamp`). The pages are a tagged PDF (`tagged`), unless they are
only to be imposed.
"""

from __future__ import annotations

import io

from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate

from leaflet.render.canvas import canvas_maker
from leaflet.render.fillable import FormFields
from leaflet.render.footer import FRAME_GAP, plan_footer
from leaflet.render.furniture import PageFurniture
from leaflet.render.output import RenderedPdf
from leaflet.render.prepare import Build, document_properties, fill_in
from leaflet.render.provenance import FINGERPRINT_KEY, entries
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
    fields = FormFields() if fillable else None
    structure = StructureRecord() if tagged else None
    session = DrawingSession(base=base, fields=fields, structure=structure)
    rendered, styles = fill_in(build)
    provenance = entries(document, brand)
    furniture = _furniture(build, styles["header_name"].fontSize, provenance[FINGERPRINT_KEY])
    frame_height = _frame_height(build, furniture)
    frame = (layout.frame_width, frame_height)
    builder = StoryBuilder(
        brand, layout, styles, document.strings, build.overdue, frame, session=session
    )
    story = builder.build(rendered, build.personal, origin=build.origin)
    for _ in range(notes_pages):
        story += [PageBreak(), *builder.notes_page()]

    buffer = io.BytesIO()
    template = _page_template(build, buffer, furniture, frame_height)
    template.build(
        story,
        canvasmaker=canvas_maker(
            session,
            provenance=provenance,
            page_numbers=furniture.draw_page_number,
            on_start=furniture.set_boxes,
        ),
    )
    return RenderedPdf(buffer.getvalue(), session.page_count)


def _furniture(build: Build, name_size: float, fingerprint: str) -> PageFurniture:
    """The header band and footer of every page."""
    document, layout = build.document, build.layout
    footer = plan_footer(
        document.meta,
        build.brand,
        layout.spec.footer_size,
        layout.frame_width,
        document.strings,
        overdue=build.overdue,
        fingerprint=fingerprint,
    )
    return PageFurniture(build.brand, layout, footer, name_size, build.press, document.strings)


def _frame_height(build: Build, furniture: PageFurniture) -> float:
    """The text frame's height: the layout's, less what a footer taller than the layout
    keeps room for needs (a translation's "not yet reviewed" line in large print)."""
    layout = build.layout
    over = furniture.footer.height + FRAME_GAP - layout.footer_height
    return layout.frame_height - max(0.0, over)


def _page_template(
    build: Build, buffer: io.BytesIO, furniture: PageFurniture, frame_height: float
) -> BaseDocTemplate:
    """A doc template of pages with the layout's margins, one text frame `frame_height`
    tall above the footer, and furniture."""
    layout, offset = build.layout, build.press.offset
    above_footer = layout.frame_height - frame_height
    template = BaseDocTemplate(
        buffer,
        pagesize=build.press.media(layout.page_width, layout.page_height),
        leftMargin=offset + layout.margin_left,
        rightMargin=offset + layout.margin_right,
        topMargin=offset + layout.margin_top + layout.header_height + layout.header_gap,
        bottomMargin=offset + layout.margin_bottom + layout.footer_height + above_footer,
        **document_properties(build.document, build.brand),
    )
    frame = Frame(
        template.leftMargin,
        template.bottomMargin,
        layout.frame_width,
        frame_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template.addPageTemplates([PageTemplate(id="page", onPage=furniture.draw, frames=[frame])])
    return template
