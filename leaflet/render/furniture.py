"""Page furniture: the header band and the footer every page of a document carries.

They are the same on every page, so they are drawn once into a form XObject that each
page shows: less work per page and a smaller file. Only the page number differs; it is
added when the document is saved (`leaflet.render.canvas`). A screen reader skips them
(they are artifacts), except the logo on the first page: the document's first figure,
with the brand's description of it.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate

from leaflet.render.footer import Footer
from leaflet.render.logo import HEADER_PAD_SHARE, header_logo_size
from leaflet.render.press import PressOptions
from leaflet.sources.brand import Brand
from leaflet.sources.layout import Layout
from leaflet.sources.strings import Strings
from leaflet.sources.styles import StyleSet
from leaflet.story import tags
from leaflet.story.lines import ShapedText
from leaflet.story.tags import Tag

#: The clinic's name sits this share of its size below the band's middle line.
NAME_DROP_SHARE = 0.35
#: Corner radius of the header band on office prints.
BAND_RADIUS = 3 * mm


class PageFurniture:
    """Draws the header band and footer of every page of one document."""

    FORM = "LeafletPageFurniture"
    LOGO_FORM = "LeafletLogo"

    def __init__(
        self,
        brand: Brand,
        layout: Layout,
        footer: Footer,
        styles: StyleSet,
        press: PressOptions,
        strings: Strings,
    ) -> None:
        self.brand, self.layout, self.footer, self.press = brand, layout, footer, press
        self.name_size = styles["header_name"].fontSize
        # The phone number is what a patient looks for first: as large as other small text.
        self.phone_size = styles["small"].fontSize
        self.logo_tag = Tag("Figure", alt=brand.logo_description(strings))

    def draw(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """A page template's onPage: the furniture, drawn into its forms on page 1."""
        layout = self.layout
        # Crop marks are drawn on the page itself: their registration colour is a page
        # resource, which ReportLab does not give a form.
        self.press.draw_crop_marks(canvas, layout.page_width, layout.page_height)
        first = canvas.getPageNumber() == 1
        if first:
            canvas.beginForm(self.FORM)
            canvas.translate(self.press.offset, self.press.offset)  # to trim coordinates
            self._header(canvas)
            self.footer.draw(canvas, layout.margin_left, layout.frame_width, layout.margin_bottom)
            canvas.endForm()
            self._logo_form(canvas)
        with tags.artifact(canvas):
            canvas.doForm(self.FORM)
        if self.brand.logo_data is not None:  # in a form of its own: see the module docstring
            with tags.content(canvas, self.logo_tag) if first else tags.artifact(canvas):
                canvas.doForm(self.LOGO_FORM)

    def set_boxes(self, canvas: Canvas) -> None:
        """Set the print-shop page boxes (when asked for) on every page of `canvas`."""
        self.press.set_boxes(canvas, self.layout.page_width, self.layout.page_height)

    def draw_page_number(self, canvas: Canvas, page: int, total: int) -> None:
        """ "Page X of Y" on page `page`, once the total is known."""
        canvas.saveState()
        canvas.translate(self.press.offset, self.press.offset)
        layout = self.layout
        self.footer.draw_page_number(
            canvas, layout.margin_left, layout.frame_width, layout.margin_bottom, page, total
        )
        canvas.restoreState()

    def _logo_form(self, canvas: Canvas) -> None:
        """The logo, where the header band leaves room for it, in a form of its own."""
        layout = self.layout
        size = header_logo_size(layout)
        logo = self.brand.logo_image(size)
        if logo is None:
            return
        pad = layout.header_height * HEADER_PAD_SHARE
        x = self.press.offset + layout.margin_left + pad * 1.5
        if self.footer.rtl:  # the logo at the start of the band: its right end
            x = self.press.offset + layout.margin_left + layout.frame_width - pad * 1.5 - size
        y = self.press.offset + layout.page_height - layout.margin_top - layout.header_height
        canvas.beginForm(self.LOGO_FORM)
        canvas.drawImage(
            logo, x, y + pad, size, size, mask="auto", preserveAspectRatio=True, anchor="w"
        )
        canvas.endForm()

    def _header(self, canvas: Canvas) -> None:
        layout, brand = self.layout, self.brand
        x, width, height = layout.margin_left, layout.frame_width, layout.header_height
        y = layout.page_height - layout.margin_top - height
        canvas.setFillColor(brand.colour("primary"))
        if bleed := self.press.bleed:
            # For the print shop the band runs off the top and sides of the page, into the
            # bleed, so no white edge shows wherever the guillotine falls.
            band_height = layout.page_height - y + bleed
            canvas.rect(-bleed, y, layout.page_width + 2 * bleed, band_height, stroke=0, fill=1)
        else:
            canvas.roundRect(x, y, width, height, BAND_RADIUS, stroke=0, fill=1)
        pad = height * HEADER_PAD_SHARE
        text_x = x + pad * 1.5
        if brand.logo_data is not None:  # drawn beside the band's form (_logo_form)
            text_x += header_logo_size(layout) + pad * 1.2
        canvas.setFillColor(brand.colour("on_primary"))
        baseline = y + height / 2 - self.name_size * NAME_DROP_SHARE
        if self.footer.rtl:  # mirrored: the name at the right after the logo, the phone left
            self._header_mirrored(canvas, x, width, baseline, (text_x - x, pad * 1.5))
            return
        canvas.setFont(brand.fonts.bold, self.name_size)
        canvas.drawString(text_x, baseline, brand.clinic.name)
        canvas.setFont(brand.fonts.regular, self.phone_size)
        canvas.drawRightString(x + width - pad * 1.5, baseline, brand.clinic.phone)

    def _header_mirrored(
        self, canvas: Canvas, x: float, width: float, baseline: float, room: tuple[float, float]
    ) -> None:
        """The clinic's name and phone in the header band, right to left: `room` is how
        far the name stays from the band's right end and the phone from its left end."""
        indent, edge = room
        brand, footer = self.brand, self.footer
        fonts, language = footer.fonts or brand.fonts, footer.strings.tag
        name = ShapedText.of(
            brand.clinic.name, fonts, self.name_size, bold=True, rtl=True, language=language
        )
        phone = ShapedText.of(brand.clinic.phone, fonts, self.phone_size, rtl=True)
        name.draw(canvas, x + width - indent, baseline, anchor="right")
        phone.draw(canvas, x + edge, baseline)
