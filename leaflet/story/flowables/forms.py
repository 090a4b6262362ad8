"""Form pieces: rows of tick boxes, write-in lines, and labelled fields.

They draw their boxes and lines as vector shapes, and, in a fillable form, tell the
session's field recorder where each one is, so a form field sits exactly on it.
"""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from leaflet.errors import LayoutFitError
from leaflet.sources.personal import has_placeholder
from leaflet.story.flowables.boxes import CONTINUED, FULL_ENOUGH, ROUNDING_TOLERANCE
from leaflet.story.flowables.text import FittedValue, draw_value, fit_value, leave_slot
from leaflet.story.session import DrawingSession, ValueFit, WriteInArea


class WriteIn(Flowable):
    """Ruled lines to write on; a known value is printed on the first line, a little
    smaller or wrapped onto the next line when it is long (see `fit_value`): a long
    value gets a second line rather than climbing over the line above."""

    def __init__(
        self,
        lines: int,
        spacing: float,
        colour: Color,
        value: str | None = None,
        value_style: ParagraphStyle | None = None,
        name: str | None = None,
        session: DrawingSession | None = None,
        fit: ValueFit | None = None,
    ) -> None:
        super().__init__()
        self.lines = lines
        self.spacing = spacing
        self.colour = colour
        self.value = value  # paragraph markup
        self.value_style = value_style or ParagraphStyle("value")
        self.name = name  # of its form field, in a fillable form
        self.session = session or DrawingSession()
        self.fit = fit or ValueFit(self.value_style.fontSize, "this")
        self._fitted: FittedValue | None = None
        #: What a person reads for these lines (a fillable field's tooltip).
        self.label = ""

    def _slot(self) -> bool:
        return self.session.slots is not None and has_placeholder(self.value or "")

    @property
    def ruled(self) -> int:
        """How many lines are ruled: as asked for, or as many as the value takes."""
        return max(self.lines, self._fitted.lines if self._fitted else 1)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._fitted = None
        if self.value and not self._slot():
            self._fitted = fit_value(self.value, self.value_style, available_width, self.fit)
        return self.width, self.ruled * self.spacing

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.8)
        for index in range(self.ruled):
            canvas.line(0, index * self.spacing, self.width, index * self.spacing)
        top_line = (self.ruled - 1) * self.spacing
        slots, fields = self.session.slots, self.session.fields
        if self.name and fields is not None:  # a fillable form: the value fills the field
            value = Paragraph(self.value, self.value_style).getPlainText() if self.value else ""
            size = self._fitted.style.fontSize if self._fitted else self.value_style.fontSize
            area = WriteInArea(self.ruled, self.spacing, self.width, self.label, size, value)
            fields.write_in(canvas, self.name, area)
        elif self.value and slots is not None and self._slot():
            position = (0.0, top_line + 2, self.width)
            style, fit = self.value_style, self.fit
            leave_slot(canvas, self.value, style, position, fit, self.spacing, slots)
        elif self.value and self._fitted is not None:
            draw_value(canvas, self.value, self._fitted, 0, top_line + 2, self.width, self.spacing)


class TickRows(Flowable):
    """Rows of text with tick boxes: Yes/No questions (boxes at the right, under a header
    row) or statements to tick (one box at the left). Rows are striped and ruled.

    A page may break between rows, never leaving fewer than `MIN_ROWS` on either side,
    where the page would otherwise be left too empty (`FULL_ENOUGH`); the header row is
    repeated, its title marked "(continued)". Drawn directly rather
    than as a Table, which measures every cell several times.
    """

    MIN_ROWS = 2

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
        session: DrawingSession | None = None,
    ) -> None:
        super().__init__()
        self.texts = texts
        self.names = names  # of the rows' form fields, in a fillable form
        self.boxes = boxes  # 1: a box before the text; 2: Yes and No boxes after it
        self.box_column = box_column
        self.box_size = box_size
        self.colours = colours  # text, rule, stripe, header
        self.header = header  # [text column title, Yes, No]
        self.session = session or DrawingSession()
        self._heights: list[float] = []
        #: Rows before these on earlier pages: the stripes carry on where they left off.
        self.first_row = 0
        #: The height of a page, and what to call the table if a row is taller than that.
        self.page: tuple[float, str] | None = None
        #: Statements a signature block after them signs (`leaflet.story.grouping`).
        self.signed = False

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
        self._check_rows_fit()
        return self.width, self.height

    def _check_rows_fit(self) -> None:
        """A row (under the header) taller than a page is an error naming the table."""
        if self.page is None:
            return
        room, what = self.page
        head = 1 if self.header else 0
        tallest = sum(self._heights[:head]) + max(self._heights[head:], default=0)
        if tallest > room + ROUNDING_TOLERANCE:
            raise LayoutFitError(
                f"{what} has a row {tallest / mm:.0f} mm tall, but a page of this layout "
                f"holds {room / mm:.0f} mm; shorten its text"
            )

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        room = self.page[0] if self.page else 0
        if self.height <= room and available_height <= room * (1 - FULL_ENOUGH):
            return []  # the page is full enough: the table moves on whole
        head = 1 if self.header else 0
        header_height = sum(self._heights[:head])
        rows = self._heights[head:]
        least = self.MIN_ROWS if len(rows) >= 2 * self.MIN_ROWS else 1
        fits = [
            k
            for k in range(least, len(rows) - least + 1)
            if header_height + sum(rows[:k]) <= available_height
        ]
        if not fits:
            return []  # the frame moves the rows to the next page
        k = fits[-1]
        return [self._part(0, k, self.header), self._part(k, len(rows), self._continued())]

    def _part(self, start: int, end: int, header: list[Flowable] | None) -> TickRows:
        names = self.names[start:end] if self.names else None
        part = TickRows(
            self.texts[start:end],
            self.boxes,
            self.box_column,
            self.box_size,
            self.colours,
            header,
            names,
            self.session,
        )
        part.first_row = self.first_row + start
        part.page, part.signed = self.page, self.signed
        return part

    def _continued(self) -> list[Flowable] | None:
        """The header row again, its title saying the table goes on."""
        if not self.header:
            return None
        title, *labels = self.header
        assert isinstance(title, Paragraph)
        if title.text.endswith(CONTINUED):
            return self.header
        return [Paragraph(title.text + CONTINUED, title.style), *labels]

    def draw(self) -> None:
        canvas = self.canv
        right = self.width
        box_xs = (
            [self.box_column / 2]
            if self.boxes == 1
            else [right - 1.5 * self.box_column, right - 0.5 * self.box_column]
        )
        y = self.height
        head = 1 if self.header else 0
        for index, height in enumerate(self._heights):
            y -= height
            header = self.header is not None and index == 0
            row = index - head + self.first_row
            stripe = "header" if header else ("stripe" if row % 2 == 1 else None)
            if stripe:
                canvas.setFillColor(self.colours[stripe])
                canvas.rect(0, y, right, height, stroke=0, fill=1)
            if header and self.header is not None:
                cells = self.header
                cells[0].drawOn(canvas, self._text_x(), y + self.PAD_Y)
                for label, x in zip(cells[1:], box_xs, strict=True):
                    label.drawOn(canvas, x - self.box_column / 2 + self.PAD_X, y + self.PAD_Y)
            else:
                text = self.texts[index - head]
                text.drawOn(canvas, self._text_x(), y + self.PAD_Y)
                canvas.setStrokeColor(self.colours["text"])
                canvas.setLineWidth(1.2)
                box_y = y + (height - self.box_size) / 2
                for x in box_xs:
                    canvas.rect(x - self.box_size / 2, box_y, self.box_size, self.box_size)
                fields = self.session.fields
                if self.names and fields is not None:
                    name = self.names[index - head]
                    said = text.getPlainText() if isinstance(text, Paragraph) else name
                    fields.ticks(canvas, name, box_xs, box_y, self.box_size, said)
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
