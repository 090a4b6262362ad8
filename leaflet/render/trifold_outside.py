"""The outside of a tri-fold sheet: the back panel (A2) and the cover (A3).

The back panel holds the clinic's contact details and the About facts, standing on the
panel without the tinted boxes that set them apart in a page's flow (at 12 pt, the
boxes' padding costs the few lines that would not fit). Where they still run too long
(a translation, or the overdue notice), they give way a step at a time, each step
measured (`BACK_PANEL_SETTINGS`): the About facts set tight, the sources on request, a
shorter overdue notice, then the QR code and the contact block's opening words left out;
never text smaller than the layout's small print, and never a fact the leaflet standard
asks for. The cover holds a block in the brand colour (logo, clinic name, title and
subtitle; a title word too wide for the panel is set smaller, down to the subtitle's
size), the personal note, and a foot with the reference and review date. Both are
drawn with the outside page, before the panels the story flows into; a screen reader
reads the cover first and the back panel last, as the folded leaflet is read.
"""

from __future__ import annotations

import io
import itertools
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Spacer

from leaflet.errors import LayoutFitError
from leaflet.render.footer import RULE_GAP, plan_footer
from leaflet.render.logo import COVER_LOGO
from leaflet.render.prepare import Build
from leaflet.render.trifold_panels import Panel, panel_widths
from leaflet.sources import schema
from leaflet.sources.wording import plain
from leaflet.story import tags
from leaflet.story.builder import StoryBuilder
from leaflet.story.flowables.boxes import ROUNDING_TOLERANCE, Box
from leaflet.story.flowables.graphics import Logo
from leaflet.story.flowables.text import Para, tagged
from leaflet.story.spacing import LARGE, SMALL
from leaflet.story.tags import Tag

#: The sheet is printed on both sides and turned over left to right: for a landscape sheet,
#: a flip on its short edge (the print dialog's preset, as the booklet's). A right-to-left
#: sheet is the mirror image on both sides, so it turns over the same way.
DUPLEX = "DuplexFlipShortEdge"
#: The coloured block at the top of the cover takes at least this share of the panel.
COVER_BAND_SHARE = 0.5
COVER_PADDING = 6 * mm
#: Between the logo and the clinic's name, and (at least) between the name and the title.
BELOW_LOGO = 3 * mm
ABOVE_TITLE = 8 * mm
#: How far short of the cover's width a title scaled to fit it ends (`_word_scale`), in
#: points, as every width here: a hundredth of a point (0.0035 mm), finer than any print.
FIT_MARGIN = 0.01


@dataclass(frozen=True)
class BackPanelSetting:
    """One way to set the back panel: the About facts' settings (see
    `leaflets.about_facts`), and whether the contact details keep their QR code and
    the contact block's text before them."""

    tight: bool = False
    sources_on_request: bool = False
    short_overdue: bool = False
    qr: bool = True
    contact_text: bool = True


#: The back panel's settings, fullest first; the first that fits the panel is used. The
#: list of sources gives way before the overdue notice's date (which the facts give
#: too), that before the QR code (the website is printed under the phone number), and
#: that before the contact block's opening words (its heading says what it is for).
BACK_PANEL_SETTINGS = (
    BackPanelSetting(),
    BackPanelSetting(tight=True),
    BackPanelSetting(tight=True, sources_on_request=True),
    BackPanelSetting(tight=True, sources_on_request=True, short_overdue=True),
    BackPanelSetting(tight=True, sources_on_request=True, short_overdue=True, qr=False),
    BackPanelSetting(
        tight=True, sources_on_request=True, short_overdue=True, qr=False, contact_text=False
    ),
)


class SheetOutside:
    """Lays out and draws the back panel and the cover of one tri-fold build."""

    def __init__(
        self, build: Build, builder: StoryBuilder, document: schema.Document, outside: list[Panel]
    ) -> None:
        self.build, self.builder, self.meta = build, builder, document.meta
        self.back_panel, self.cover_panel = outside[1], outside[2]
        layout = build.layout
        self.footer = plan_footer(
            self.meta,
            build.brand,
            layout.spec.footer_size,
            self.cover_panel.text_width,
            build.document.strings,
            overdue=build.overdue,
            page_numbers=False,
            fonts=build.fonts,
            rtl=build.rtl,
        )
        self.foot_height = self.footer.lines_height + 2 * RULE_GAP
        self._measure = Canvas(io.BytesIO())  # flowables measure text on a canvas
        self.back, back_height = self._back(document)
        self.cover = self._cover()
        self._check_fits(
            back_height, self.back_panel, 0, "the contact and About boxes", "back panel"
        )
        self._check_fits(
            self._height(self.cover, self.cover_panel),
            self.cover_panel,
            self.foot_height,
            "the title and personal note",
            "cover",
        )

    def _back(self, document: schema.Document) -> tuple[list[Flowable], float]:
        """The contact details (the document's own `contact` block, if it has one) and
        the About facts, in the first of `BACK_PANEL_SETTINGS` that fits the panel (the
        last when none does: `_check_fits` then says so), and their height."""
        contacts = [
            schema.block_value(b) for b in document.blocks if schema.block_kind(b) == "contact"
        ]
        contact = contacts[0] if contacts else schema.Contact()
        panel = self.back_panel
        for setting in BACK_PANEL_SETTINGS:
            back = self._back_set(contact, setting)
            height = self._height(back, panel)
            if height <= panel.text_height + ROUNDING_TOLERANCE:
                break
        return back, height

    def _back_set(self, contact: schema.Contact, setting: BackPanelSetting) -> list[Flowable]:
        """The back panel's flowables in one setting."""
        contact = contact.model_copy(
            update={
                "qr": contact.qr and setting.qr,
                "text": contact.text if setting.contact_text else None,
            }
        )
        return [
            *self.builder.contact_details(contact, self.back_panel.text_width),
            Spacer(0, SMALL if setting.tight else LARGE),
            *self.builder.about_facts(
                self.meta,
                tight=setting.tight,
                sources_on_request=setting.sources_on_request,
                short_overdue=setting.short_overdue,
            ),
        ]

    def _cover(self) -> list[Flowable]:
        """A block in the brand colour holding the logo, clinic name, title and subtitle,
        then the personal note."""
        meta, brand, panel = self.meta, self.build.brand, self.cover_panel
        styles, on_primary = self.builder.styles, brand.colour("on_primary")
        name = styles.derive("header_name", "cover", textColor=on_primary, spaceAfter=0)
        title = styles.derive("title", "cover", textColor=on_primary)
        subtitle = styles.derive("subtitle", "cover", textColor=on_primary, spaceAfter=0)
        # Never below the subtitle's size (a longer word then breaks), nor larger than the
        # title's own where a layout sets the subtitle as large.
        least = min(1.0, subtitle.fontSize / title.fontSize)
        fits = _word_scale(Para(plain(meta.title), title), panel.text_width - 2 * COVER_PADDING)
        scale = max(fits, least)
        if scale < 1:
            title = styles.derive(
                "title",
                "cover",
                textColor=on_primary,
                fontSize=title.fontSize * scale,
                leading=title.leading * scale,
            )
        top: list[Flowable] = []
        logo = brand.logo_image(COVER_LOGO)
        if logo is not None:
            alt = brand.logo_description(self.build.document.strings)
            top += [Logo(logo, COVER_LOGO, alt), Spacer(0, BELOW_LOGO)]
        top.append(tagged(Para(plain(brand.clinic.name), name), Tag("P")))
        words = [
            tagged(Para(plain(meta.title), title), Tag.heading(1)),
            tagged(Para(plain(meta.subtitle), subtitle), Tag("P")),
        ]

        def band(gap: float) -> Box:
            content = [*top, Spacer(0, gap), *words]
            return Box(content, brand.colour("primary"), padding=COVER_PADDING)

        # Stretch the band to a set share of the panel, the title at its foot.
        natural = band(ABOVE_TITLE).wrapOn(self._measure, panel.text_width, panel.text_height)[1]
        wanted = (panel.text_height - self.foot_height) * COVER_BAND_SHARE
        out: list[Flowable] = [band(ABOVE_TITLE + max(0.0, wanted - natural))]
        personal = self.build.personal
        if meta.kind == "leaflet" and personal:
            note = self.builder.prepared_for(personal)
            out += [Spacer(0, LARGE), note]
        return out

    def _check_fits(
        self, height: float, panel: Panel, bottom: float, what: str, where: str
    ) -> None:
        """Raise if flowables `height` tall (`_height`) overflow `panel` above `bottom`."""
        room = panel.text_height - bottom
        if height > room + ROUNDING_TOLERANCE:
            raise LayoutFitError(
                f"{what} do not fit the {where} of the {self.build.layout.name} layout: they "
                f"are {height / mm:.0f} mm tall and the panel holds {room / mm:.0f} mm"
            )

    def _height(self, flowables: list[Flowable], panel: Panel) -> float:
        """The height `flowables` take stacked at `panel`'s text width."""
        return sum(flowable_height(f, self._measure, panel.text_width) for f in flowables)

    def draw_outside(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """onPage of the outside page: the back panel, the cover and the cover's foot.

        They are drawn before the flap's text; a screen reader reads the cover first and
        the back panel last, and the back panel's headings join the outline (bookmarks)
        at its end."""
        layout, press = self.build.layout, self.build.press
        press.set_boxes(canvas, layout.page_width, layout.page_height)
        canvas.setViewerPreference("Duplex", DUPLEX)
        self._marks(canvas, "outside")
        for flowables, panel, bottom, reading in (
            (self.cover, self.cover_panel, self.foot_height, tags.FIRST),
            (self.back, self.back_panel, 0.0, tags.LAST),
        ):
            remaining = list(flowables)
            with tags.reading_position(canvas, reading), self._outline(reading):
                panel.frame(bottom).addFromList(remaining, canvas)
            if remaining:  # measured in __init__, so this is a bug, not a user error
                raise AssertionError(f"{panel.name} left {len(remaining)} flowables over")
        with tags.artifact(canvas):  # like a page's footer
            canvas.saveState()
            panel = self.cover_panel
            self.footer.draw(
                canvas, panel.text_x, panel.text_width, panel.text_y, rule_over_text=False
            )
            canvas.restoreState()

    def _outline(self, reading: int) -> AbstractContextManager[None]:
        """Where headings drawn now join the outline: at its end for the back panel."""
        return self.builder.session.later() if reading == tags.LAST else nullcontext()

    def draw_inside(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """onPage of the inside page: crop and fold marks, if asked for."""
        self._marks(canvas, "inside")

    def _marks(self, canvas: Canvas, side: str) -> None:
        """Crop marks, and fold marks where the panels of `side` meet (mirrored with them)."""
        layout, press = self.build.layout, self.build.press
        press.draw_crop_marks(canvas, layout.page_width, layout.page_height)
        widths = panel_widths(layout, side, self.build.rtl)
        folds = list(itertools.accumulate(widths))[:-1]
        press.draw_fold_marks(canvas, layout.page_height, folds)


def flowable_height(flowable: Flowable, canvas: Canvas, width: float) -> float:
    """The height `flowable` takes at `width`, with the space above and below it."""
    _, height = flowable.wrapOn(canvas, width, 10_000 * mm)
    return flowable.getSpaceBefore() + height + flowable.getSpaceAfter()


def _word_scale(paragraph: Para, width: float) -> float:
    """How much smaller than its style `paragraph` must be set for its widest word to fit
    `width` (1 when it fits): a title on a narrow cover ("Micronodwyddo" on the US Letter
    tri-fold) is set smaller rather than broken inside a word. The word is measured as
    ReportLab breaks the lines (each run of letters in the font that prints it), and
    scaled to fit `FIT_MARGIN` short of `width`: scaled to fit exactly, float rounding
    leaves about one word in eight a hair too wide, broken before its last letter."""
    widest = paragraph.minWidth()
    return 1.0 if widest <= width else (width - FIT_MARGIN) / widest
