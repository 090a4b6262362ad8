"""The drawing pieces leaflets are made of, beyond ReportLab's own paragraphs and tables.

Tick boxes and write-in lines are drawn as vector shapes, so they never depend on a font
having a box glyph; `Unsplittable` keeps a checklist, declaration list or signature block
on one page and refuses, with a clear error, one that is taller than a page.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
)

from leaflet.errors import LayoutFitError
from leaflet.sources.personal import has_placeholder


class Para(Paragraph):
    """A Paragraph that keeps its line breaks for the width it was last wrapped at.

    Platypus wraps a paragraph several times at the same width (to keep blocks together,
    to keep headings with what follows, then to place it); breaking lines again each time
    is most of the cost of a build.
    """

    _wrapped_at: tuple | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        cached = self._wrapped_at
        if cached is not None and cached[0] == available_width:
            _, self._wrapWidths, self.blPara, self.width, self.height = cached
            return self.width, self.height
        result = super().wrap(available_width, available_height)
        self._wrapped_at = (available_width, self._wrapWidths, self.blPara, self.width, self.height)
        return result


#: Room below a slot's text inside its form, so descenders are never clipped.
SLOT_DEPTH = 20


@dataclass(frozen=True)
class Slot:
    """A piece of text holding personal values, left as an empty form on a laid-out page
    and drawn into that form for each patient (`leaflet.stamp`)."""

    page: int  # 0-based
    form: str  # the form XObject's name, as ReportLab names it in the PDF
    width: float
    style: ParagraphStyle
    markup: str  # with placeholders for the personal values


def draw_line(canvas, markup: str, style: ParagraphStyle, x: float, y: float, width: float) -> None:
    """Draw paragraph markup on one line with its bottom at (x, y), in a smaller size if
    it would not fit `width`: a name never wraps across the line above.

    When the canvas collects slots (a base laid out for `leaflet.stamp`), text holding
    placeholders is not drawn: an empty form takes its place in the page's content, so
    the text filled in later reads in the right order (copying, screen readers).
    """
    slots = getattr(canvas, "leaflet_slots", None)
    if slots is not None and has_placeholder(markup):
        name = f"LeafletSlot{len(slots)}"
        canvas.beginForm(name)
        canvas.endForm()
        canvas.saveState()
        canvas.translate(x, y - SLOT_DEPTH)
        canvas.doForm(name)
        canvas.restoreState()
        slots.append(
            Slot(
                canvas.getPageNumber() - 1,
                "/" + canvas._doc.getXObjectName(name),
                width,
                style,
                markup,
            )
        )
        return
    paragraph = Para(markup, style)
    paragraph.wrap(1e6, 1e6)
    natural = max(paragraph.getActualLineWidths0(), default=0)
    if natural > width:  # same leading, so the line keeps its place in the box
        paragraph = Para(
            markup,
            ParagraphStyle(
                style.name + "-fitted", parent=style, fontSize=style.fontSize * width / natural
            ),
        )
    paragraph.wrap(width, 1e6)
    paragraph.drawOn(canvas, x, y)


class FittedLine(Flowable):
    """One line of text that shrinks rather than wraps: the box it sits in keeps its height
    whatever the personal values it holds, so a base can be laid out once for everyone."""

    def __init__(self, markup: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.markup = markup
        self.style = style

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.style.leading

    def draw(self) -> None:
        draw_line(self.canv, self.markup, self.style, 0, 0, self.width)


class WriteIn(Flowable):
    """Ruled lines to write on; a known value is printed on the first line, in a smaller
    size if it is too long (never across the line above)."""

    def __init__(
        self,
        lines: int,
        spacing: float,
        colour: Color,
        value: str | None = None,
        value_style: ParagraphStyle | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__()
        self.lines = lines
        self.spacing = spacing
        self.colour = colour
        self.value = value  # paragraph markup
        self.value_style = value_style
        self.name = name  # of its form field, in a fillable form

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return self.width, self.lines * self.spacing

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.8)
        for index in range(self.lines):
            y = index * self.spacing
            canvas.line(0, y, self.width, y)
        if self.value:
            top_line = (self.lines - 1) * self.spacing
            draw_line(canvas, self.value, self.value_style, 0, top_line + 2, self.width)
        elif self.name and (form := getattr(canvas, "leaflet_form", None)):
            form.write_in(self.name, self.lines, self.spacing, self.width)


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
            path.rect(
                (column + self.QUIET_ZONE) * module,
                self.size - (row + 1 + self.QUIET_ZONE) * module,
                length * module,
                module,
            )
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


class TickRows(Flowable):
    """Rows of text with tick boxes: Yes/No questions (boxes at the right, under a header
    row) or statements to tick (one box at the left). Rows are striped and ruled.

    Drawn directly rather than as a Table, which measures every cell several times.
    """

    PAD_Y = 2.2 * mm  # above and below the text of a row
    PAD_X = 6  # points either side of the text

    def __init__(
        self,
        texts: list[Flowable],
        boxes: int,
        box_column: float,
        box_size: float,
        colours: dict[str, Color],
        header: list[Flowable] | None = None,
        names: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.texts = texts
        self.names = names  # of the rows' form fields, in a fillable form
        self.boxes = boxes  # 1: a box before the text; 2: Yes and No boxes after it
        self.box_column = box_column
        self.box_size = box_size
        self.colours = colours  # text, rule, stripe, header
        self.header = header  # [text column title, Yes, No]

    def _text_x(self) -> float:
        return (self.box_column if self.boxes == 1 else 0) + self.PAD_X

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        text_width = available_width - self.boxes * self.box_column - 2 * self.PAD_X
        rows = ([self.header] if self.header else []) + [[text] for text in self.texts]
        self._heights = []
        for row in rows:
            height = row[0].wrapOn(self.canv, text_width, available_height)[1]
            for label in row[1:]:
                label.wrapOn(self.canv, self.box_column - 2 * self.PAD_X, available_height)
            self._heights.append(height + 2 * self.PAD_Y)
        self.height = sum(self._heights)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        right = self.width
        box_xs = (
            [self.box_column / 2]
            if self.boxes == 1
            else [right - 1.5 * self.box_column, right - 0.5 * self.box_column]
        )
        y = self.height
        first_row = 1 if self.header else 0
        for index, height in enumerate(self._heights):
            y -= height
            header = self.header is not None and index == 0
            stripe = "header" if header else ("stripe" if (index - first_row) % 2 == 1 else None)
            if stripe:
                canvas.setFillColor(self.colours[stripe])
                canvas.rect(0, y, right, height, stroke=0, fill=1)
            if header:
                cells = self.header
                cells[0].drawOn(canvas, self._text_x(), y + self.PAD_Y)
                for label, x in zip(cells[1:], box_xs, strict=True):
                    label.drawOn(canvas, x - self.box_column / 2 + self.PAD_X, y + self.PAD_Y)
            else:
                text = self.texts[index - first_row]
                text.drawOn(canvas, self._text_x(), y + self.PAD_Y)
                canvas.setStrokeColor(self.colours["text"])
                canvas.setLineWidth(1.2)
                box_y = y + (height - self.box_size) / 2
                for x in box_xs:
                    canvas.rect(x - self.box_size / 2, box_y, self.box_size, self.box_size)
                if self.names and (form := getattr(canvas, "leaflet_form", None)):
                    form.ticks(self.names[index - first_row], box_xs, box_y, self.box_size)
            canvas.setStrokeColor(self.colours["rule"])
            canvas.setLineWidth(0.6)
            canvas.line(0, y, right, y)
        canvas.line(0, self.height, right, self.height)


class FieldRow(Flowable):
    """A form field: its label beside the write-in lines, or above them when
    `label_width` is None. Never split, so a label never ends a page alone."""

    GAP = 3 * mm  # between a label and its line
    BELOW = 2  # points under the last line

    def __init__(
        self, label: Flowable, lines: WriteIn, label_width: float | None, spacing: float
    ) -> None:
        super().__init__()
        self.label = label
        self.lines = lines
        self.label_width = label_width
        self.spacing = spacing

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        if self.label_width is not None:
            _, self._label_height = self.label.wrapOn(
                self.canv, self.label_width - self.GAP, available_height
            )
            _, self._lines_height = self.lines.wrapOn(
                self.canv, available_width - self.label_width, available_height
            )
            above = 1.5 * mm
            self.height = above + max(self._label_height, self._lines_height) + self.BELOW
        else:
            _, self._label_height = self.label.wrapOn(self.canv, available_width, available_height)
            _, self._lines_height = self.lines.wrapOn(self.canv, available_width, available_height)
            self.height = (
                self.spacing * 0.4
                + self._label_height
                + self.spacing * 0.6
                + self._lines_height
                + self.BELOW
            )
        return self.width, self.height

    def draw(self) -> None:
        if self.label_width is not None:  # both bottom-aligned, like text on a line
            self.label.drawOn(self.canv, 0, self.BELOW)
            self.lines.drawOn(self.canv, self.label_width, self.BELOW)
        else:
            self.lines.drawOn(self.canv, 0, self.BELOW)
            self.label.drawOn(self.canv, 0, self.BELOW + self._lines_height + self.spacing * 0.6)


class Box(Flowable):
    """Flowables stacked in a padded box, on a background, with an optional bar at the left.

    Lighter than a one-cell Table (which measures its content several times) and never
    split: boxes sit inside `Unsplittable` blocks or are small.
    """

    def __init__(
        self,
        content: list[Flowable],
        background: Color | None = None,
        bar: Color | None = None,
        padding: float = 4 * mm,
        bar_width: float = 1.5 * mm,
    ) -> None:
        super().__init__()
        self.content = content
        self.background = background
        self.bar = bar
        self.bar_width = bar_width if bar is not None else 0
        self.padding = padding

    def _inner_left(self) -> float:
        return self.padding + self.bar_width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # The content's height depends only on the width: measure once per width.
        if getattr(self, "_wrapped_width", None) == available_width:
            return self.width, self.height
        self._wrapped_width = available_width
        inner_width = available_width - self._inner_left() - self.padding
        self._placed = []
        total = 0.0
        for index, flowable in enumerate(self.content):
            _, height = flowable.wrapOn(self.canv, inner_width, available_height)
            before = flowable.getSpaceBefore() if index else 0
            after = flowable.getSpaceAfter() if index < len(self.content) - 1 else 0
            self._placed.append((flowable, before, height, after))
            total += before + height + after
        self.width = available_width
        self.height = total + self.padding * 1.8  # a little less above than below the text
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        if self.background is not None:
            canvas.setFillColor(self.background)
            canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if self.bar is not None:
            canvas.setFillColor(self.bar)
            canvas.rect(0, 0, self.bar_width, self.height, stroke=0, fill=1)
        canvas.restoreState()
        y = self.height - self.padding * 0.8
        for flowable, before, height, after in self._placed:
            y -= before + height
            flowable.drawOn(canvas, self._inner_left(), y)
            y -= after


class Columns(Flowable):
    """Stacks of flowables side by side, top-aligned: `columns` is a list of
    (width, flowables); the last column takes what width is left."""

    def __init__(self, columns: list[tuple[float, list[Flowable]]], gap: float = 0) -> None:
        super().__init__()
        self.columns = columns
        self.gap = gap

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        fixed = sum(width for width, _ in self.columns[:-1])
        widths = [width for width, _ in self.columns[:-1]]
        widths.append(available_width - fixed - self.gap * (len(self.columns) - 1))
        self._stacks = [Box(stack, padding=0) for _, stack in self.columns]
        heights = [
            stack.wrapOn(self.canv, width, available_height)[1]
            for stack, width in zip(self._stacks, widths, strict=True)
        ]
        self._widths = widths
        self.height = max(heights)
        return self.width, self.height

    def getSpaceAfter(self) -> float:
        return max((stack[-1].getSpaceAfter() for _, stack in self.columns if stack), default=0)

    def draw(self) -> None:
        x = 0.0
        for stack, width in zip(self._stacks, self._widths, strict=True):
            stack.drawOn(self.canv, x, self.height - stack.height)
            x += width + self.gap


class KeepGroup(Box):
    """Flowables that go to the next page together when they do not fit in the space left
    (a heading and what follows it). A group taller than a page splits as usual.

    Lighter than ReportLab's KeepTogether, which copies the frame on every measurement.
    """

    def __init__(self, flowables: list[Flowable], page_room: float) -> None:
        super().__init__(flowables, padding=0)
        self.page_room = page_room

    def with_first(self, flowable: Flowable) -> KeepGroup:
        """The same group with `flowable` (a heading) kept at its top."""
        return self._like([flowable, *self.content])

    def _like(self, content: list[Flowable]) -> KeepGroup:
        return KeepGroup(content, self.page_room)

    def getSpaceBefore(self) -> float:
        return self.content[0].getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.content[-1].getSpaceAfter()

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if self.height <= self.page_room:
            return []  # the frame moves the whole group to the next page
        return list(self.content)


class Unsplittable(KeepGroup):
    """Content kept on one page; taller than a whole page is an error that names it."""

    def __init__(self, flowables: list[Flowable], what: str, page_room: float) -> None:
        super().__init__(flowables, page_room)
        self.what = what

    def _like(self, content: list[Flowable]) -> Unsplittable:
        return Unsplittable(content, self.what, self.page_room)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        result = super().wrap(available_width, available_height)
        if self.height > self.page_room + 0.5:  # half a point of rounding tolerance
            raise LayoutFitError(
                f"{self.what} is {self.height / mm:.0f} mm tall, but a page of this layout "
                f"holds {self.page_room / mm:.0f} mm and it must not be split; divide it into "
                "smaller blocks"
            )
        return result

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []  # never split: the frame moves the whole block to the next page
