"""Form pieces: rows of tick boxes, write-in lines, and labelled fields.

They draw their boxes and lines as vector shapes, and, in a fillable form, tell the
session's field recorder where each one is, so a form field sits exactly on it. Each
declares the structure a screen reader meets (`leaflet.story.tags`): Yes/No questions
are a table, statements to tick a list, a field its label and value in one paragraph,
with a `Form` element for each form field; lines and stripes are decoration.
"""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from leaflet.story import tags
from leaflet.story.flowables.text import Para, draw_line, plain_text
from leaflet.story.session import DrawingSession
from leaflet.story.tags import Tag


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
        #: The element its value (or form field) belongs to, and what the field asks.
        self.tag: Tag | None = None
        self.description = ""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return self.width, self.lines * self.spacing

    def draw(self) -> None:
        canvas = self.canv
        with tags.artifact(canvas):
            canvas.setStrokeColor(self.colour)
            canvas.setLineWidth(0.8)
            for index in range(self.lines):
                y = index * self.spacing
                canvas.line(0, y, self.width, y)
        if self.value:
            top_line = (self.lines - 1) * self.spacing
            style = self.value_style or ParagraphStyle("value")
            with tags.content(canvas, self.tag):
                slots = self.session.slots
                draw_line(canvas, self.value, style, 0, top_line + 2, self.width, slots)
        elif self.name and self.session.fields is not None:
            owner = Tag("Form", self.tag, field_description=self.description)
            with tags.widgets(canvas, [owner]):
                fields = self.session.fields
                fields.write_in(canvas, self.name, self.lines, self.spacing, self.width)


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
        self._box_tags = self._declare_structure()

    def _declare_structure(self) -> list[list[Tag]]:
        """Questions are a table, the header row's cells column headers and each question
        its row's header; statements are a list, each box its item's label. Returns the
        elements of each row's boxes."""
        self.tag = Tag("Table" if self.boxes == 2 else "L")
        if self.header:
            header_row = Tag("TR", self.tag)
            for cell in self.header:
                cell.tag = Tag("TH", header_row, scope="Column")  # type: ignore[attr-defined]
        boxes = []
        for text in self.texts:
            if self.boxes == 2:
                row = Tag("TR", self.tag)
                text.tag = Tag("TH", row, scope="Row")  # type: ignore[attr-defined]
                boxes.append([Tag("TD", row), Tag("TD", row)])
            else:
                item = Tag("LI", self.tag)
                boxes.append([Tag("Lbl", item)])
                text.tag = Tag("LBody", item)  # type: ignore[attr-defined]
        return boxes

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
        with tags.group(canvas, self.tag):
            for index, height in enumerate(self._heights):
                y -= height
                header = self.header is not None and index == 0
                with tags.artifact(canvas):
                    self._draw_stripe_and_rules(index - first_row if not header else -1, y, height)
                if header and self.header is not None:
                    cells = self.header
                    cells[0].drawOn(canvas, self._text_x(), y + self.PAD_Y)
                    for label, x in zip(cells[1:], box_xs, strict=True):
                        label.drawOn(canvas, x - self.box_column / 2 + self.PAD_X, y + self.PAD_Y)
                else:
                    self._draw_row(index - first_row, y, height, box_xs)

    def _draw_stripe_and_rules(self, row: int, y: float, height: float) -> None:
        """The decoration of row `row` (-1: the header row), whose foot is at `y`."""
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


class FieldRow(Flowable):
    """A form field: its label beside the write-in lines, or above them when
    `label_width` is None. Never split, so a label never ends a page alone.

    The label and the value written on the line read as one paragraph; `context` (a
    signature party: "Patient") goes before the label in the form field's description."""

    GAP = 3 * mm  # between a label and its line
    BELOW = 2  # points under the last line

    def __init__(
        self,
        label: Para,
        lines: WriteIn,
        label_width: float | None,
        spacing: float,
        context: str | None = None,
    ) -> None:
        super().__init__()
        self.label = label
        self.lines = lines
        self.label_width = label_width
        self.spacing = spacing
        label.tag = lines.tag = Tag("P")
        text = plain_text(label)
        lines.description = f"{context}: {text}" if context else text

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
        else:  # the label first: it comes before the value in reading order
            self.label.drawOn(self.canv, 0, self.BELOW + self._lines_height + self.spacing * 0.6)
            self.lines.drawOn(self.canv, 0, self.BELOW)
