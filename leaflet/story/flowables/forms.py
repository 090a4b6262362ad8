"""Form pieces: rows of tick boxes, write-in lines, and labelled fields.

They draw their boxes and lines as vector shapes, and, in a fillable form, tell the
session's field recorder where each one is, so a form field sits exactly on it.
"""

from __future__ import annotations

import html
import re

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from leaflet.story.flowables.text import draw_line
from leaflet.story.session import DrawingSession


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
        session: DrawingSession | None = None,
    ) -> None:
        super().__init__()
        self.lines = lines
        self.spacing = spacing
        self.colour = colour
        self.value = value  # paragraph markup
        self.value_style = value_style
        self.name = name  # of its form field, in a fillable form
        self.session = session or DrawingSession()

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
            style = self.value_style or ParagraphStyle("value")
            slots = self.session.slots
            draw_line(canvas, self.value, style, 0, top_line + 2, self.width, slots)
        elif self.name and self.session.fields is not None:
            self.session.fields.write_in(canvas, self.name, self.lines, self.spacing, self.width)


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
            if header and self.header is not None:
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
                fields = self.session.fields
                if self.names and fields is not None:
                    name = self.names[index - first_row]
                    fields.ticks(canvas, name, box_xs, box_y, self.box_size)
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


class RecordRows(Flowable):
    """A record table: a header row over ruled rows of write-in cells, one row per
    occasion (each session of a course), with an optional label ("Session 3") first.

    Unlike a checklist it may break between rows: the part on the next page repeats the
    header row, and its rows keep their numbers (and their form fields' names).
    """

    PAD_Y = 2.2 * mm  # above and below the text of the header
    PAD_X = 6  # points either side of a cell's text
    CELL_INSET = 3  # points between a cell's write-in lines and its sides

    def __init__(
        self,
        header: list[Flowable],
        widths: list[float],
        row_lines: int,
        spacing: float,
        colours: dict[str, Color],
        *,
        labels: list[Flowable] | None = None,
        label_width: float = 0,
        names: list[list[str]] | None = None,
        rows: range | None = None,
        session: DrawingSession | None = None,
    ) -> None:
        super().__init__()
        self.header = header  # one paragraph per column
        self.widths = widths  # relative, one per column
        self.row_lines = row_lines
        self.spacing = spacing
        self.colours = colours  # text, rule, stripe, header, write_in
        self.labels = labels  # one paragraph per row of the whole table, or None
        self.label_width = label_width  # of the labels' column, padding included
        self.names = names  # [row][column] field names of the whole table, or None
        count = len(labels) if labels is not None else len(names or [])
        self.rows = rows if rows is not None else range(count)  # the rows this part draws
        self.session = session or DrawingSession()

    def _part(self, rows: range) -> RecordRows:
        return RecordRows(
            self.header,
            self.widths,
            self.row_lines,
            self.spacing,
            self.colours,
            labels=self.labels,
            label_width=self.label_width,
            names=self.names,
            rows=rows,
            session=self.session,
        )

    def _columns(self, width: float) -> list[tuple[float, float]]:
        """(x, width) of the label column, if any, then of each column."""
        label = min(self.label_width, width * 0.3) if self.labels is not None else 0.0
        share = (width - label) / sum(self.widths)
        widths = [weight * share for weight in self.widths]
        # No heading breaks inside a word: a narrow column takes room from the widest.
        for index, cell in enumerate(self.header):
            least = _longest_word_width(cell) + 2 * self.PAD_X
            widest = max(range(len(widths)), key=widths.__getitem__)
            if widths[index] < least and widest != index:
                widths[widest] -= least - widths[index]
                widths[index] = least
        out = [(0.0, label)] if self.labels is not None else []
        x = label
        for column in widths:
            out.append((x, column))
            x += column
        return out

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._cells = self._columns(available_width)
        written = self._cells[1:] if self.labels is not None else self._cells
        heights = [
            cell.wrapOn(self.canv, width - 2 * self.PAD_X, available_height)[1]
            for cell, (_, width) in zip(self.header, written, strict=True)
        ]
        self._header_height = max(heights) + 2 * self.PAD_Y
        self._row_height = self.row_lines * self.spacing + self.PAD_Y
        self.height = self._header_height + len(self.rows) * self._row_height
        return self.width, self.height

    def first_rows_height(self) -> float:
        """The least of the table a page must hold: its header and one row."""
        return self._header_height + self._row_height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        fit = int((available_height - self._header_height) // self._row_height)
        if len(self.rows) - fit == 1 and fit > 2:
            fit -= 1  # no row alone under a repeated header
        if fit == 1 and len(self.rows) > 3:
            fit = 0  # nor one alone under the first header: start on the next page
        if fit < 1 or fit >= len(self.rows):
            return []  # not even one row fits here: the frame moves the table on
        first, rest = self.rows[:fit], self.rows[fit:]
        return [self._part(first), self._part(rest)]

    def draw(self) -> None:
        canvas = self.canv
        written = self._cells[1:] if self.labels is not None else self._cells
        y = self.height - self._header_height
        canvas.setFillColor(self.colours["header"])
        canvas.rect(0, y, self.width, self._header_height, stroke=0, fill=1)
        for cell, (x, _) in zip(self.header, written, strict=True):
            cell.drawOn(canvas, x + self.PAD_X, y + self.PAD_Y)
        for position, row in enumerate(self.rows):
            y -= self._row_height
            if position % 2 == 1:
                canvas.setFillColor(self.colours["stripe"])
                canvas.rect(0, y, self.width, self._row_height, stroke=0, fill=1)
            if self.labels is not None:
                label = self.labels[row]
                label.wrapOn(canvas, self._cells[0][1] - 2 * self.PAD_X, self._row_height)
                top = y + self._row_height - self.PAD_Y / 2 - label.height
                label.drawOn(canvas, self.PAD_X, top)
            self._draw_cells(canvas, row, y, written)
            canvas.setStrokeColor(self.colours["rule"])
            canvas.setLineWidth(0.6)
            canvas.line(0, y, self.width, y)
        canvas.setStrokeColor(self.colours["rule"])
        canvas.setLineWidth(0.6)
        for x, _ in written[1:]:  # column rules below the header
            canvas.line(x, 0, x, self.height - self._header_height)
        if self.labels is not None:
            canvas.line(written[0][0], 0, written[0][0], self.height - self._header_height)

    def _draw_cells(
        self, canvas: Canvas, row: int, y: float, written: list[tuple[float, float]]
    ) -> None:
        """The write-in lines of one row's cells, and their form fields if fillable."""
        bottom = y + self.PAD_Y / 2
        canvas.setStrokeColor(self.colours["write_in"])
        canvas.setLineWidth(0.5)
        for x, width in written:
            left, right = x + self.CELL_INSET, x + width - self.CELL_INSET
            for index in range(self.row_lines - 1):  # guide lines; the row rule is the last
                line_y = bottom + (index + 1) * self.spacing
                canvas.line(left, line_y, right, line_y)
        fields = self.session.fields
        if self.names is None or fields is None:
            return
        for (x, width), name in zip(written, self.names[row], strict=True):
            canvas.saveState()
            canvas.translate(x + self.CELL_INSET, bottom)
            fields.write_in(canvas, name, self.row_lines, self.spacing, width - 2 * self.CELL_INSET)
            canvas.restoreState()


def _longest_word_width(paragraph: Flowable) -> float:
    """The width of a paragraph's longest word in its own font and size."""
    style = paragraph.style  # type: ignore[attr-defined]
    words = _plain_words(paragraph.text)  # type: ignore[attr-defined]
    return max((stringWidth(word, style.fontName, style.fontSize) for word in words), default=0)


def _plain_words(markup: str) -> list[str]:
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).split()
