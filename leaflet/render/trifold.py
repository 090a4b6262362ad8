"""Laying out a document as a roll-folded tri-fold: one landscape sheet of six panels.

Page 1 of the PDF is the outside of the sheet, left to right: A1 (the back of the inner
flap), A2 (the back panel) and A3 (the front cover). Page 2 is the inside: B1, B2 and B3
(the inner flap). Folded, A3 is the cover and A2 the back; opening the cover shows A1,
then the inside. So the cover and the back panel are drawn onto the outside page
(`trifold_outside`), and the document's blocks flow A1 -> B1 -> B2 -> B3, the order a
reader meets them. A right-to-left document's sheet is the mirror image (see
`trifold_panels`): A3, A2, A1 and B3, B2, B1 left to right, read in the same order.
Content that does not fit the four content panels is an error that says how much is
left over: a leaflet never silently grows a third page. A screen reader reads it in
folding order too: cover, inner flap, inside panels, back panel.
"""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, PageTemplate, Spacer
from reportlab.platypus.doctemplate import PageBegin

from leaflet.errors import LayoutFitError
from leaflet.render.canvas import canvas_maker
from leaflet.render.output import RenderedPdf
from leaflet.render.prepare import Build, document_properties, fill_in
from leaflet.render.provenance import entries
from leaflet.render.trifold_outside import SheetOutside, flowable_height
from leaflet.render.trifold_panels import Panel, panels
from leaflet.sources import schema
from leaflet.sources.dates import document_time
from leaflet.sources.styles import StyleSet
from leaflet.story.builder import StoryBuilder
from leaflet.story.session import DrawingSession
from leaflet.story.tags import StructureRecord


def render_trifold(build: Build) -> RenderedPdf:
    """Lay `build` out on the two sides of a tri-fold sheet and return the 2-page PDF.

    Print-shop options add bleed and crop marks around the sheet. Raises LayoutFitError
    when the blocks do not fit the four content panels (A1, B1, B2, B3), saying roughly
    how much is left over, or when the cover or back panel overflows.
    """
    document, brand, layout, press = build.document, build.brand, build.layout, build.press
    rendered, styles = fill_in(build)
    outside = panels(layout, "outside", press.offset, build.rtl)
    inside = panels(layout, "inside", press.offset, build.rtl)
    session = DrawingSession(structure=StructureRecord())
    story = _flowing_story(build, rendered, styles, [outside[0], *inside], session)
    builder = StoryBuilder(
        brand, layout, styles, document.strings, overdue=build.overdue, session=session
    )
    sheet = SheetOutside(build, builder, rendered, outside)
    buffer = io.BytesIO()
    template = _SheetTemplate(
        buffer,
        pagesize=press.media(layout.page_width, layout.page_height),
        **document_properties(document, brand),
    )
    template.addPageTemplates(
        [
            PageTemplate(
                id="outside",
                frames=[outside[0].frame()],
                onPage=sheet.draw_outside,
                autoNextPageTemplate="inside",
            ),
            PageTemplate(
                id="inside", frames=[panel.frame() for panel in inside], onPage=sheet.draw_inside
            ),
        ]
    )
    try:
        template.build(
            story,
            canvasmaker=canvas_maker(
                session,
                provenance=entries(document, brand),
                created=document_time(document.meta.published),
            ),
        )
    except _Overflow:
        # The build stops as a third page would begin; `story` holds what did not fit.
        raise _overflow_error(build, story, inside[-1], template) from None
    return RenderedPdf(buffer.getvalue(), page_count=2)


def _flowing_story(
    build: Build,
    rendered: schema.Document,
    styles: StyleSet,
    flow: list[Panel],
    session: DrawingSession,
) -> list[Flowable]:
    """The document's blocks (but the contact details, which go on the back panel), laid
    out for the narrowest of the panels they flow through."""
    narrowest = min(flow, key=lambda panel: panel.text_width)
    frame = (narrowest.text_width, narrowest.text_height)
    builder = StoryBuilder(
        build.brand, build.layout, styles, build.document.strings, frame=frame, session=session
    )
    story = builder.build(
        rendered,
        build.personal,
        build.origin,
        front_matter=False,
        about=False,
        leave_out={"contact"},
    )
    while story and isinstance(story[-1], Spacer):
        story.pop()  # room after the last block would only push it to another panel
    return story


def _overflow_error(
    build: Build, left: list[Flowable], last: Panel, template: BaseDocTemplate
) -> LayoutFitError:
    """How much of the story did not fit the panels, in mm and in panels."""
    left_over = sum(flowable_height(f, template.canv, last.text_width) for f in left)
    noun = "form" if build.document.meta.kind == "form" else "leaflet"
    return LayoutFitError(
        f"{build.origin}: the {build.document.name} {noun} does not fit the {build.layout.name} "
        f"panels: about {left_over / mm:.0f} mm of content is left over "
        f"({left_over / last.text_height:.1f} panels); shorten the wording or choose "
        "another layout"
    )


class _Overflow(Exception):
    """Raised inside the build as a third page would begin."""


class _SheetTemplate(BaseDocTemplate):
    """A doc template for the two sides of one sheet: it stops the build rather than
    start a third page, and always prints the inside, even when the content all fits on
    the back of the inner flap."""

    def handle_pageBegin(self) -> None:
        if self.page >= 2:
            raise _Overflow
        super().handle_pageBegin()

    # Overrides ReportLab's end of build, which its stubs leave out, as they do the queue of
    # page events (`_hanging`).
    def _endBuild(self) -> None:
        if self.page == 1:
            hanging: list[object] = self._hanging  # type: ignore[attr-defined]
            if not (hanging and hanging[-1] is PageBegin):
                self.handle_pageBreak()  # end the outside page...
            self.clean_hanging()  # ...and begin the inside one, which the base class ends
        super()._endBuild()  # type: ignore[misc]
