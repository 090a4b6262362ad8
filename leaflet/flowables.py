"""The drawing pieces leaflets are made of, beyond ReportLab's own paragraphs and tables.

Tick boxes and write-in lines are drawn as vector shapes, so they never depend on a font
having a box glyph; `Unsplittable` keeps a checklist, declaration list or signature block
on one page and refuses, with a clear error, one that is taller than a page.
"""

from __future__ import annotations

import functools
import itertools

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Table,
    TableStyle,
)

from leaflet.errors import LayoutFitError


class TickBox(Flowable):
    """An empty square to tick by hand, centred in its cell."""

    def __init__(self, size: float, colour: Color, line_width: float = 1.2) -> None:
        super().__init__()
        self.size = size
        self.colour = colour
        self.line_width = line_width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = max(available_width, self.size)
        return self.width, self.size

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(self.line_width)
        canvas.rect((self.width - self.size) / 2, 0, self.size, self.size, stroke=1, fill=0)


class WriteIn(Flowable):
    """Ruled lines to write on; a known value is printed on the first line."""

    def __init__(self, lines: int, spacing: float, colour: Color,
                 value: Paragraph | None = None) -> None:
        super().__init__()
        self.lines = lines
        self.spacing = spacing
        self.colour = colour
        self.value = value

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        if self.value is not None:
            _, self._value_height = self.value.wrap(available_width, available_height)
        return self.width, self.lines * self.spacing

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.8)
        for index in range(self.lines):
            y = index * self.spacing
            canvas.line(0, y, self.width, y)
        if self.value is not None:
            top_line = (self.lines - 1) * self.spacing
            self.value.drawOn(canvas, 0, top_line + 2)


class Unsplittable(KeepTogether):
    """Content kept on one page; taller than a whole page is an error that names it."""

    def __init__(self, flowables: list[Flowable], what: str, page_room: float) -> None:
        super().__init__(flowables)
        self.what = what
        self.page_room = page_room

    def with_first(self, flowable: Flowable) -> Unsplittable:
        """The same block with `flowable` (a heading) kept at its top."""
        return Unsplittable([flowable, *self._content], self.what, self.page_room)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        result = super().wrap(available_width, available_height)
        if self._H > self.page_room + 0.5:  # half a point of rounding tolerance
            raise LayoutFitError(
                f"{self.what} is {self._H / mm:.0f} mm tall, but a page of this layout holds "
                f"{self.page_room / mm:.0f} mm and it must not be split; divide it into "
                "smaller blocks")
        return result


class StartPageUnlessFits(CondPageBreak):
    """Starts a new page when a group that would fit on a fresh page does not fit here.

    Placed before a group of unsplittable parts (the parties of a signature block), it
    keeps the whole group on one page whenever it can; a group taller than a page still
    breaks, but only between its parts.
    """

    def __init__(self, group: list[Flowable], page_room: float) -> None:
        super().__init__(0)
        self.group = group
        self.page_room = page_room

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        total = 0.0
        for flowable in self.group:
            _, height = flowable.wrapOn(self.canv, available_width, available_height)
            if isinstance(flowable, KeepTogether):
                height = flowable._H  # KeepTogether reports a huge height to force a split
            total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        self.height = total if total <= self.page_room else 0
        return super().wrap(available_width, available_height)


class QrCode(Flowable):
    """A vector QR code, `size` points square, drawn as one filled path.

    ReportLab's QrCodeWidget draws one shape per run of dark squares and measures itself
    by drawing twice; a single path is many times faster and the same on paper.
    """

    QUIET_ZONE = 2  # modules of white border each side

    def __init__(self, value: str, size: float, colour: Color) -> None:
        super().__init__()
        self.size = size
        self.colour = colour
        self.runs, self.modules = _qr_runs(value)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        module = self.size / (self.modules + 2 * self.QUIET_ZONE)
        path = self.canv.beginPath()
        for row, column, length in self.runs:
            path.rect((column + self.QUIET_ZONE) * module,
                      self.size - (row + 1 + self.QUIET_ZONE) * module,
                      length * module, module)
        self.canv.setFillColor(self.colour)
        self.canv.drawPath(path, stroke=0, fill=1)


@functools.lru_cache(maxsize=64)
def _qr_runs(value: str) -> tuple[tuple[tuple[int, int, int], ...], int]:
    """The dark runs (row, first column, length) of the QR code for `value`."""
    code = QrCodeWidget(value, barLevel="M").qr
    code.make()
    runs = []
    for row, cells in enumerate(code.modules):
        column = 0
        for dark, group in itertools.groupby(bool(cell) for cell in cells):
            length = len(list(group))
            if dark:
                runs.append((row, column, length))
            column += length
    return tuple(runs), code.getModuleCount()


def table(rows: list[list], widths: list[float], font: str, commands: list[tuple] = (),
          **options) -> Table:
    """A Table whose cells use `font`.

    ReportLab's tables otherwise select Helvetica in every cell, even cells holding only
    paragraphs, which puts an unembedded standard font into the PDF.
    """
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *commands])
    return Table(rows, colWidths=widths, style=style, **options)


def boxed(content: list[Flowable], width: float, font: str, background: Color,
          bar: Color | None = None, padding: float = 4 * mm) -> Table:
    """Flowables in a tinted box, with a coloured bar down the left side if `bar` is given."""
    commands = [
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("LEFTPADDING", (0, 0), (-1, -1), padding + (1.5 * mm if bar else 0)),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if bar is not None:
        commands.append(("LINEBEFORE", (0, 0), (0, -1), 1.5 * mm, bar))
    return table([[content]], [width], font, commands)
