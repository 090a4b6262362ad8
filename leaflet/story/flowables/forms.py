"""Rows of tick boxes: Yes/No questions and statements to tick.

They draw their boxes and lines as vector shapes, and, in a fillable form, tell the
session's field recorder where each one is, so a form field sits exactly on it. Each
declares the structure a screen reader meets (`leaflet.story.tags`): Yes/No questions
are a table, statements to tick a list, with a `Form` element for each form field;
stripes and rules are decoration. Write-in lines and labelled fields are in `fields`.
"""

from __future__ import annotations

from contextlib import nullcontext

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from leaflet.errors import LayoutFitError
from leaflet.story import tags
from leaflet.story.flowables.boxes import ROUNDING_TOLERANCE, last_break, moves_whole
from leaflet.story.flowables.text import plain_text
from leaflet.story.lines import flows_rtl
from leaflet.story.session import DrawingSession
from leaflet.story.tags import Tag


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
        structure: tuple[Tag, list[list[Tag]]] | None = None,
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
        #: What a repeated header's title ends with: " (continued)" in the form's language.
        self.continued = ""
        #: Statements a signature block after them signs (`leaflet.story.grouping`).
        self.signed = False
        #: The table (or list) and each row's box elements: a part after a page break
        #: shares its whole's.
        self.tag, self._box_tags = structure or self._declare_structure()
        #: A part after a page break repeats the header row: decoration, read once.
        self.header_repeated = False

    def _declare_structure(self) -> tuple[Tag, list[list[Tag]]]:
        """Questions are a table, the header row's cells column headers and each question
        its row's header; statements are a list, each box its item's label. Returns the
        table (or list) and the elements of each row's boxes."""
        table = Tag("Table" if self.boxes == 2 else "L")
        if self.header:
            header_row = Tag("TR", table)
            for cell in self.header:
                cell.tag = Tag("TH", header_row, scope="Column")  # type: ignore[attr-defined]
        boxes = []
        for text in self.texts:
            if self.boxes == 2:
                row = Tag("TR", table)
                text.tag = Tag("TH", row, scope="Row")  # type: ignore[attr-defined]
                boxes.append([Tag("TD", row), Tag("TD", row)])
            else:
                item = Tag("LI", table)
                boxes.append([Tag("Lbl", item)])
                text.tag = Tag("LBody", item)  # type: ignore[attr-defined]
        return table, boxes

    def _field_owners(self, row: int) -> list[Tag]:
        """The `Form` elements of the fields over row `row`'s boxes, and what each asks.

        Each Yes and No names its question too: moving from field to field, a screen
        reader reads the field's description, not the table around it."""
        question = plain_text(self.texts[row])
        cells = self._box_tags[row]
        if len(cells) == 1:
            return [Tag("Form", cells[0], field_description=question)]
        assert self.header is not None, "rows with a Yes and a No box have a header row"
        answers = [plain_text(cell) for cell in self.header[1:]]
        return [
            Tag("Form", cell, description=f"{question} {answer}", field_description=question)
            for cell, answer in zip(cells, answers, strict=True)
        ]

    @property
    def rtl(self) -> bool:
        """Right to left: the mirror image, a statement's box at the right, the Yes and
        No columns at the left."""
        return flows_rtl(self.texts)

    def _text_x(self) -> float:
        if self.rtl:  # the Yes and No columns at the left; a statement's box at the right
            return (2 * self.box_column if self.boxes == 2 else 0) + self.PAD_X
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
        if moves_whole(self, self.height, available_height, room):
            return []  # the page is full enough: the table moves on whole
        head = 1 if self.header else 0
        header_height = sum(self._heights[:head])
        rows = self._heights[head:]
        least = self.MIN_ROWS if len(rows) >= 2 * self.MIN_ROWS else 1
        k = last_break(rows, available_height, least, above=header_height)
        if k is None:
            return []  # the frame moves the rows to the next page
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
            (self.tag, self._box_tags[start:end]),
        )
        part.first_row = self.first_row + start
        part.page, part.signed, part.continued = self.page, self.signed, self.continued
        part.header_repeated = self.header_repeated or start > 0
        return part

    def _continued(self) -> list[Flowable] | None:
        """The header row again, its title saying the table goes on: untagged copies,
        drawn as decoration (a screen reader has read the header row once)."""
        if not self.header:
            return None
        title, *labels = self.header
        assert isinstance(title, Paragraph)
        if title.text.endswith(self.continued):
            return self.header
        copies = [Paragraph(cell.text, cell.style) for cell in labels]  # type: ignore[attr-defined]
        return [Paragraph(title.text + self.continued, title.style), *copies]

    def draw(self) -> None:
        canvas = self.canv
        right = self.width
        box_xs = (
            [self.box_column / 2]
            if self.boxes == 1
            else [right - 1.5 * self.box_column, right - 0.5 * self.box_column]
        )
        if self.rtl:
            box_xs = [right - x for x in box_xs]
        y = self.height
        head = 1 if self.header else 0
        with tags.group(canvas, self.tag):
            for index, height in enumerate(self._heights):
                y -= height
                header = self.header is not None and index == 0
                row = -1 if header else index - head + self.first_row
                with tags.artifact(canvas):
                    self._draw_stripe_and_rules(row, y, height)
                if header and self.header is not None:
                    self._draw_header(y, box_xs)
                else:
                    self._draw_row(index - head, y, height, box_xs)

    def _draw_header(self, y: float, box_xs: list[float]) -> None:
        """The header row, whose foot is at `y`: decoration when it is a repeat."""
        canvas, cells = self.canv, self.header or []
        with tags.artifact(canvas) if self.header_repeated else nullcontext():
            cells[0].drawOn(canvas, self._text_x(), y + self.PAD_Y)
            for label, x in zip(cells[1:], box_xs, strict=True):
                label.drawOn(canvas, x - self.box_column / 2 + self.PAD_X, y + self.PAD_Y)

    def _draw_stripe_and_rules(self, row: int, y: float, height: float) -> None:
        """The decoration of row `row` (counted over the whole table, -1: the header
        row), whose foot is at `y`."""
        canvas, right = self.canv, self.width
        stripe = "header" if row < 0 else ("stripe" if row % 2 == 1 else None)
        if stripe:
            canvas.setFillColor(self.colours[stripe])
            canvas.rect(0, y, right, height, stroke=0, fill=1)
        canvas.setStrokeColor(self.colours["rule"])
        canvas.setLineWidth(0.6)
        canvas.line(0, y, right, y)
        if y + height >= self.height:
            canvas.line(0, self.height, right, self.height)

    def _draw_row(self, row: int, y: float, height: float, box_xs: list[float]) -> None:
        """Row `row`'s text, boxes and form fields, in reading order: a statement after
        its box, a question before its Yes and No."""
        canvas = self.canv
        text_position = (self._text_x(), y + self.PAD_Y)
        if self.boxes == 2:
            self.texts[row].drawOn(canvas, *text_position)
        box_y = y + (height - self.box_size) / 2
        for x, cell in zip(box_xs, self._box_tags[row], strict=True):
            with tags.content(canvas, cell):
                canvas.setStrokeColor(self.colours["text"])
                canvas.setLineWidth(1.2)
                canvas.rect(x - self.box_size / 2, box_y, self.box_size, self.box_size)
        fields = self.session.fields
        if self.names and fields is not None:
            with tags.widgets(canvas, self._field_owners(row)):
                fields.ticks(canvas, self.names[row], box_xs, box_y, self.box_size)
        if self.boxes == 1:
            self.texts[row].drawOn(canvas, *text_position)
