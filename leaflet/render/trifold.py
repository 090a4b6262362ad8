"""Laying out a document as a roll-folded tri-fold: one landscape sheet of six panels.

Page 1 of the PDF is the outside of the sheet, left to right: A1 (the back of the inner
flap), A2 (the back panel) and A3 (the front cover). Page 2 is the inside: B1, B2 and B3
(the inner flap). Folded, A3 is the cover and A2 the back; opening the cover shows A1,
then the inside. So the cover and the back panel are drawn onto the outside page, and the
document's blocks flow A1 -> B1 -> B2 -> B3, the order a reader meets them.

Panel widths come from the layout (`panels_outside`, `panels_inside`); text keeps the
layout's margins from the sheet edges and `FOLD_CLEARANCE` from every fold line. Content
that does not fit the four content panels is an error that says how much is left over:
a leaflet never silently grows a third page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Spacer,
)
from reportlab.platypus.doctemplate import PageBegin

from leaflet.errors import LayoutFitError, display_path
from leaflet.render.document import SEPARATOR, RenderedPdf, document_properties, fill_in
from leaflet.render.press import PressOptions
from leaflet.render.provenance import ProvenanceInfo, entries
from leaflet.sources import schema
from leaflet.sources.brand import Brand
from leaflet.sources.content import ContentDocument
from leaflet.sources.dates import format_date
from leaflet.sources.layout import Layout
from leaflet.sources.personal import Personalisation
from leaflet.sources.templating import plain
from leaflet.story.builder import StoryBuilder
from leaflet.story.flowables import Box, KeepGroup, Para

#: Text keeps this far from a fold line. Print shops ask for at least 3 mm; folding by
#: hand or on an office folder is less exact, and 6 mm still reads as one page when open.
FOLD_CLEARANCE = 6 * mm
#: The coloured block at the top of the cover takes at least this share of the panel.
COVER_BAND_SHARE = 0.5
COVER_LOGO = 20 * mm
#: The padding of the contact and About boxes (flowables.Box's default): on the back panel
#: their contents stand without the box, so they are built this much wider each side.
BOX_PADDING = 4 * mm


@dataclass(frozen=True)
class Panel:
    """One panel of one side of the sheet, and the text area inside it (points)."""

    name: str
    left: float  # the panel's left edge on the sheet
    width: float
    text_x: float  # the text area: clear of the sheet edge and the folds
    text_width: float
    text_y: float
    text_height: float

    def frame(self, bottom: float = 0.0) -> Frame:
        """A frame over the text area, without padding; `bottom` raises its foot."""
        return Frame(
            self.text_x,
            self.text_y + bottom,
            self.text_width,
            self.text_height - bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=self.name,
        )


def panels(layout: Layout, side: str, offset: float = 0.0) -> list[Panel]:
    """The three panels of the `side` ("outside" or "inside") of the sheet, left to right.

    `offset` is where the sheet's trimmed area starts on the PDF page (bleed and crop
    marks for a print shop)."""
    names = {"outside": ("A1", "A2", "A3"), "inside": ("B1", "B2", "B3")}[side]
    widths = getattr(layout, f"panels_{side}")
    out, left = [], offset
    for index, (name, width) in enumerate(zip(names, widths, strict=True)):
        inset_left = layout.margin_left if index == 0 else FOLD_CLEARANCE
        inset_right = layout.margin_right if index == len(widths) - 1 else FOLD_CLEARANCE
        out.append(
            Panel(
                name,
                left,
                width,
                left + inset_left,
                width - inset_left - inset_right,
                offset + layout.margin_bottom,
                layout.page_height - layout.margin_top - layout.margin_bottom,
            )
        )
        left += width
    return out


def render_trifold(
    document: ContentDocument,
    brand: Brand,
    layout: Layout,
    personal: Personalisation,
    press: PressOptions | None = None,
    *,
    overdue: bool = False,
) -> RenderedPdf:
    """Lay out `document` on the two sides of a tri-fold sheet and return the 2-page PDF.

    `press` adds bleed and crop marks around the sheet for a print shop. Raises
    LayoutFitError when the blocks do not fit the four content panels (A1, B1, B2, B3),
    saying roughly how much is left over, or when the cover or back panel overflows.
    """
    meta = document.meta
    origin = display_path(document.path)
    rendered, styles = fill_in(document, brand, layout, personal)
    press = press or PressOptions()
    outside = panels(layout, "outside", press.offset)
    inside = panels(layout, "inside", press.offset)
    flow = [outside[0], *inside]

    narrowest = min(flow, key=lambda panel: panel.text_width)
    story = StoryBuilder(
        brand, layout, styles, frame=(narrowest.text_width, narrowest.text_height)
    ).build(rendered, personal, origin, front_matter=False, about=False, leave_out={"contact"})
    while story and isinstance(story[-1], Spacer):
        story.pop()  # room after the last block would only push it to another panel

    sheet = _Sheet(brand, layout, styles, rendered, personal, origin, outside, press, overdue)
    buffer = io.BytesIO()
    template = _SheetTemplate(
        buffer,
        pagesize=press.media(layout.page_width, layout.page_height),
        **document_properties(meta, brand),
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
        template.build(story, canvasmaker=_provenance_canvas(entries(document, brand)))
    except _Overflow:
        # The build stops as a third page would begin; `story` holds what did not fit.
        last = flow[-1]
        left_over = sum(_height(flowable, template.canv, last.text_width) for flowable in story)
        noun = "form" if meta.kind == "form" else "leaflet"
        raise LayoutFitError(
            f"{origin}: the {document.name} {noun} does not fit the {layout.name} panels: "
            f"about {left_over / mm:.0f} mm of content is left over "
            f"({left_over / last.text_height:.1f} panels); shorten the wording or choose "
            "another layout"
        ) from None
    return RenderedPdf(buffer.getvalue(), page_count=2)


def _provenance_canvas(provenance: dict[str, str]) -> type[Canvas]:
    """A canvas class whose PDF records `provenance` in its Info dictionary."""

    class ProvenanceCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._doc.info = ProvenanceInfo(provenance)

    return ProvenanceCanvas


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

    def _endBuild(self) -> None:
        if self.page == 1:
            if not (self._hanging and self._hanging[-1] is PageBegin):
                self.handle_pageBreak()  # end the outside page...
            self.clean_hanging()  # ...and begin the inside one, which the base class ends
        super()._endBuild()


def _height(flowable: Flowable, canvas: Canvas, width: float) -> float:
    _, height = flowable.wrapOn(canvas, width, 10_000 * mm)
    return flowable.getSpaceBefore() + height + flowable.getSpaceAfter()


class _Sheet:
    """Draws the back panel (A2) and the cover (A3) onto the outside page."""

    def __init__(
        self,
        brand: Brand,
        layout: Layout,
        styles: dict[str, ParagraphStyle],
        document: schema.Document,
        personal: Personalisation,
        origin: str,
        outside: list[Panel],
        press: PressOptions,
        overdue: bool = False,
    ) -> None:
        self.brand, self.layout, self.styles, self.press = brand, layout, styles, press
        self.overdue = overdue
        self.meta = document.meta
        self.back_panel, self.cover_panel = outside[1], outside[2]
        self.footer_size = layout.spec.footer_size
        self.foot_height = 2 * self.footer_size * 1.35 + 3 * mm
        self._measure = Canvas(io.BytesIO())  # flowables measure text on a canvas
        self.back = self._back(document, origin)
        self.cover = self._cover(personal)
        self._check_fits(self.back, self.back_panel, 0, "the contact and About boxes", "back panel")
        self._check_fits(
            self.cover, self.cover_panel, self.foot_height, "the title and personal note", "cover"
        )

    def _back(self, document: schema.Document, origin: str) -> list[Flowable]:
        """The contact details (the document's own `contact` block, if it has one) and
        the About facts.

        The whole panel is contact details and facts, so they stand on it without the
        tinted boxes that set them apart in a page's flow: at 12 pt, the boxes' padding
        costs the few lines that would not fit. The builder is told the panel is a box's
        padding wider each side, so the columns inside come out at the panel's width."""
        panel = self.back_panel
        builder = StoryBuilder(
            self.brand,
            self.layout,
            self.styles,
            overdue=self.overdue,
            frame=(panel.text_width + 2 * BOX_PADDING, panel.text_height),
        )
        contact, where = schema.Contact(), "back panel: contact"
        for index, block in enumerate(document.blocks):
            if getattr(block, "contact", None) is not None:
                contact, where = block.contact, f"{origin}: blocks[{index}].contact"
                break
        return [
            *_box_content(builder.contact_box(contact, where)[0]),
            Spacer(0, 6 * mm),
            *_box_content(builder.about_box(self.meta)),
        ]

    def _cover(self, personal: Personalisation) -> list[Flowable]:
        """A block in the brand colour holding the logo, clinic name, title and subtitle,
        then the personal note."""
        meta, styles, brand = self.meta, self.styles, self.brand
        panel = self.cover_panel
        on_primary = brand.colour("on_primary")
        name = ParagraphStyle(
            "cover-name", parent=styles["header_name"], textColor=on_primary, spaceAfter=0
        )
        title = ParagraphStyle("cover-title", parent=styles["title"], textColor=on_primary)
        subtitle = ParagraphStyle(
            "cover-subtitle", parent=styles["subtitle"], textColor=on_primary, spaceAfter=0
        )
        top: list[Flowable] = []
        logo = brand.logo_image(COVER_LOGO)
        if logo is not None:
            top += [_Logo(logo, COVER_LOGO), Spacer(0, 3 * mm)]
        top.append(Para(plain(brand.clinic.name), name))
        words = [Para(plain(meta.title), title), Para(plain(meta.subtitle), subtitle)]

        def band(gap: float) -> Box:
            return Box([*top, Spacer(0, gap), *words], brand.colour("primary"), padding=6 * mm)

        # Stretch the band to a set share of the panel, the title at its foot.
        natural = band(8 * mm).wrapOn(self._measure, panel.text_width, panel.text_height)[1]
        wanted = (panel.text_height - self.foot_height) * COVER_BAND_SHARE
        out: list[Flowable] = [band(8 * mm + max(0.0, wanted - natural))]
        if meta.kind == "leaflet" and personal:
            out += [
                Spacer(0, 6 * mm),
                StoryBuilder(self.brand, self.layout, self.styles).prepared_for(
                    personal, meta.language
                ),
            ]
        return out

    def _check_fits(
        self, flowables: list[Flowable], panel: Panel, bottom: float, what: str, where: str
    ) -> None:
        height = sum(_height(flowable, self._measure, panel.text_width) for flowable in flowables)
        room = panel.text_height - bottom
        if height > room + 0.5:  # half a point of rounding
            raise LayoutFitError(
                f"{what} do not fit the {where} of the {self.layout.name} layout: they are "
                f"{height / mm:.0f} mm tall and the panel holds {room / mm:.0f} mm"
            )

    def draw_outside(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """onPage of the outside page: the back panel, the cover and the cover's foot."""
        self.press.set_boxes(canvas, self.layout.page_width, self.layout.page_height)
        self.draw_inside(canvas, doc)
        for flowables, panel, bottom in (
            (self.back, self.back_panel, 0.0),
            (self.cover, self.cover_panel, self.foot_height),
        ):
            remaining = list(flowables)
            panel.frame(bottom).addFromList(remaining, canvas)
            if remaining:  # measured in __init__, so this is a bug, not a user error
                raise AssertionError(f"{panel.name} left {len(remaining)} flowables over")
        self._cover_foot(canvas)

    def draw_inside(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """onPage of the inside page (and the outside): crop marks, if asked for."""
        self.press.draw_crop_marks(canvas, self.layout.page_width, self.layout.page_height)

    def _cover_foot(self, canvas: Canvas) -> None:
        """Reference and version, then the review date, at the foot of the cover."""
        meta, panel, size = self.meta, self.cover_panel, self.footer_size
        lines = [
            SEPARATOR.join([meta.reference, f"Version {meta.version}"]),
            f"Review date {format_date(meta.review, meta.language)}",
        ]
        canvas.saveState()
        canvas.setStrokeColor(self.brand.colour("muted"))
        canvas.setLineWidth(0.5)
        rule_y = panel.text_y + len(lines) * size * 1.35 + 1.5 * mm
        canvas.line(panel.text_x, rule_y, panel.text_x + panel.text_width, rule_y)
        canvas.setFillColor(self.brand.colour("muted"))
        canvas.setFont(self.brand.fonts.regular, size)
        for index, line in enumerate(lines):
            canvas.drawString(
                panel.text_x, panel.text_y + 1 * mm + (len(lines) - 1 - index) * size * 1.35, line
            )
        canvas.restoreState()


def _box_content(group: Flowable) -> list[Flowable]:
    """What the tinted box of a block holds, without the box and the space above it."""
    box = next(
        part for part in group.content if isinstance(part, Box) and not isinstance(part, KeepGroup)
    )
    if box.padding != BOX_PADDING:
        raise AssertionError(f"the box is padded {box.padding} pt, not {BOX_PADDING} pt")
    return list(box.content)


class _Logo(Flowable):
    """The brand logo, `size` points wide and at most that tall, at the left."""

    def __init__(self, image, size: float) -> None:
        super().__init__()
        self.image, self.size = image, size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.drawImage(
            self.image,
            0,
            0,
            self.size,
            self.size,
            mask="auto",
            preserveAspectRatio=True,
            anchor="sw",
        )
