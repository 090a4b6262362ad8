"""Print-shop geometry: bleed, crop and fold marks and the page boxes that describe them.

Office printers get the trim size with margins of at least 10 mm and no marks, in RGB.
A print shop gets each page on a larger sheet: the trim area, a bleed around it into
which background colour runs (so no white edge shows after cutting), crop (and, on a
tri-fold, fold) marks outside that in registration colour, and /TrimBox and /BleedBox
saying where the cut goes; its colours are CMYK (`Brand.for_press`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.lib.colors import CMYKColorSep
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from leaflet.errors import LeafletError
from leaflet.story import tags

#: Room outside the bleed for crop marks: a gap so marks do not touch the bleed, then the mark.
MARK_GAP = 2 * mm
MARK_LENGTH = 6 * mm
#: Printer's marks print on every plate: the registration colour (Separation "All").
REGISTRATION = CMYKColorSep(1, 1, 1, 1, spotName="All")
_BLEED = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(mm|in)\s*")


@dataclass(frozen=True)
class PressOptions:
    """Bleed (in points) and crop marks for print-shop files; the default is neither."""

    bleed: float = 0.0
    crop_marks: bool = False

    @property
    def print_shop(self) -> bool:
        """Whether this is a print-shop file (bleed or crop marks): then its colours are
        CMYK, text black ink alone, and its marks in registration colour."""
        return bool(self.bleed or self.crop_marks)

    @classmethod
    def parse_bleed(cls, text: str | None, label: str = "bleed") -> float:
        """`3mm` or `0.125in` -> points; empty -> 0. At most 10 mm."""
        if not text:
            return 0.0
        match = _BLEED.fullmatch(text)
        if not match:
            raise LeafletError(
                f"{label}: {text!r} is not valid; expected a length such as 3mm or 0.125in"
            )
        value = float(match.group(1)) * (mm if match.group(2) == "mm" else inch)
        if value > 10 * mm:
            raise LeafletError(
                f"{label}: {text!r} is more than 10 mm; print shops ask for 3 mm (0.125 in)"
            )
        return value

    @property
    def offset(self) -> float:
        """How far the trim area sits from the edge of the PDF page."""
        return self.bleed + (MARK_GAP + MARK_LENGTH if self.crop_marks else 0)

    def media(self, trim_width: float, trim_height: float) -> tuple[float, float]:
        """The PDF page size for a trim size."""
        return trim_width + 2 * self.offset, trim_height + 2 * self.offset

    def set_boxes(self, canvas: Canvas, trim_width: float, trim_height: float) -> None:
        """Set /TrimBox and /BleedBox on this and every later page of `canvas`."""
        if not (self.bleed or self.crop_marks):
            return
        o, b = self.offset, self.bleed
        canvas.setTrimBox((o, o, o + trim_width, o + trim_height))
        canvas.setBleedBox((o - b, o - b, o + trim_width + b, o + trim_height + b))

    def draw_fold_marks(self, canvas: Canvas, trim_height: float, folds: list[float]) -> None:
        """Short dashed marks above and below the trim (outside the bleed, level with the
        crop marks) at each fold, `folds` being distances from the trim's left edge."""
        if not self.crop_marks:
            return
        o = self.offset
        start, end = self.bleed + MARK_GAP, self.bleed + MARK_GAP + MARK_LENGTH
        with tags.artifact(canvas):  # printer's marks: nothing a screen reader reads
            canvas.saveState()
            canvas.setStrokeColor(REGISTRATION)
            canvas.setLineWidth(0.25)
            canvas.setDash(1.5, 1)
            for x in folds:
                for y, direction in ((o, -1), (o + trim_height, 1)):
                    canvas.line(o + x, y + direction * start, o + x, y + direction * end)
            canvas.restoreState()

    def draw_crop_marks(self, canvas: Canvas, trim_width: float, trim_height: float) -> None:
        """Hairline marks at the four corners of the trim, outside the bleed."""
        if not self.crop_marks:
            return
        o = self.offset
        start, end = self.bleed + MARK_GAP, self.bleed + MARK_GAP + MARK_LENGTH
        with tags.artifact(canvas):
            canvas.saveState()
            canvas.setStrokeColor(REGISTRATION)
            canvas.setLineWidth(0.25)
            for x in (o, o + trim_width):
                for y, direction in ((o, -1), (o + trim_height, 1)):
                    canvas.line(x, y + direction * start, x, y + direction * end)
            for y in (o, o + trim_height):
                for x, direction in ((o, -1), (o + trim_width, 1)):
                    canvas.line(x + direction * start, y, x + direction * end, y)
            canvas.restoreState()
