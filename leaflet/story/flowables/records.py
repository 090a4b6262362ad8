"""Record tables: a header row over ruled rows of write-in cells, one row per occasion
(each session of a course), breaking between rows with the header repeated.

Cells are write-in lines drawn as vector shapes, with a text field over each in a
fillable form. For a screen reader the whole table is one `Table`, however many pages
it runs over (`leaflet.story.tags`): column headers, then per row its label as the
row's header and a cell per column holding its `Form` element; lines, stripes and the
header row a page repeats are decoration.
"""

from __future__ import annotations

import contextlib

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from leaflet.errors import LayoutFitError
from leaflet.story import tags
from leaflet.story.flowables.boxes import moves_whole
from leaflet.story.flowables.text import plain_text
from leaflet.story.lines import flows_rtl
from leaflet.story.session import DrawingSession, WriteInArea
from leaflet.story.tags import Tag

#: Room beyond a heading's longest word: a word exactly as wide as its column is split.
WORD_SLACK = 1.0


class RecordRows(Flowable):
    """A record table: a header row over ruled rows of write-in cells, one row per
    occasion (each session of a course), with an optional label ("Session 3") first.

    Unlike a checklist it may break between rows: the part on the next page repeats the
    header row, and its rows keep their numbers (and their form fields' names).

    A screen reader meets one table however many pages it runs over: a header row of
    column headers (the labels' column headed by `label_header`), then per row its label
    as the row's header and a cell per column, holding the cell's form field when
    fillable. A repeated header row is page decoration, like the lines and stripes.
    """

    #: A page break leaves at least this many rows on either side.
    MIN_ROWS = 2

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
        label_header: Flowable | None = None,
        label_width: float = 0,
        names: list[list[str]] | None = None,
        caption: str = "",
        rows: range | None = None,
        structure: _RecordStructure | None = None,
        session: DrawingSession | None = None,
        text_size: float = 12,
        page_room: float = 0,
    ) -> None:
        super().__init__()
        if (labels is None) != (label_header is None):
            raise ValueError("row labels and the header of their column go together")
        self.header = header  # one paragraph per column
        self.widths = widths  # relative, one per column
        self.row_lines = row_lines
        self.spacing = spacing
        self.colours = colours  # text, rule, stripe, header, write_in
        self.labels = labels  # one paragraph per row of the whole table, or None
        self.label_header = label_header  # the labels' column header ("Session")
        self.label_width = label_width  # of the labels' column, padding included
        self.names = names  # [row][column] field names of the whole table, or None
        self.caption = caption  # names an unlabelled row in its fields' descriptions
        count = len(labels) if labels is not None else len(names or [])
        self.rows = rows if rows is not None else range(count)  # the rows this part draws
        self.session = session or DrawingSession()
        self.text_size = text_size  # what a fillable cell is written in
        self.page_room = page_room  # the height of a page's text frame
        if structure is None:
            structure = _RecordStructure(count, len(header), labels is not None)
            for label, tag in zip(labels or [], structure.labels, strict=True):
                label.tag = tag  # type: ignore[attr-defined]
        self.structure = structure

    def _part(self, rows: range) -> RecordRows:
        return RecordRows(
            self.header,
            self.widths,
            self.row_lines,
            self.spacing,
            self.colours,
            labels=self.labels,
            label_header=self.label_header,
            label_width=self.label_width,
            names=self.names,
            caption=self.caption,
            rows=rows,
            structure=self.structure,
            session=self.session,
            text_size=self.text_size,
            page_room=self.page_room,
        )

    def _header_cells(self) -> list[Flowable]:
        """The header row's paragraphs, the labels' column header first."""
        return ([self.label_header] if self.label_header else []) + self.header

    def _columns(self, width: float) -> list[tuple[float, float]]:
        """(x, width) of the label column, if any, then of each column."""
        label = min(self.label_width, width * 0.3) if self.labels is not None else 0.0
        share = (width - label) / sum(self.widths)
        widths = [weight * share for weight in self.widths]
        # No heading breaks inside a word: a narrow column takes room from the widest.
        for index, cell in enumerate(self.header):
            least = _longest_word_width(cell) + 2 * self.PAD_X + WORD_SLACK
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

    @property
    def rtl(self) -> bool:
        """Right to left: columns in mirror order, the first at the right."""
        return flows_rtl(self.header)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._cells = self._columns(available_width)
        if self.rtl:
            self._cells = [(available_width - x - width, width) for x, width in self._cells]
        if min(width for _, width in self._cells) <= 2 * self.PAD_X:
            raise LayoutFitError(
                "a record table's columns do not fit across the page: the longest words "
                "of their headings need more room than it has; shorten the headings or "
                "use fewer columns"
            )
        heights = [
            cell.wrapOn(self.canv, width - 2 * self.PAD_X, available_height)[1]
            for cell, (_, width) in zip(self._header_cells(), self._cells, strict=True)
        ]
        self._header_height = max(heights) + 2 * self.PAD_Y
        self._row_height = self.row_lines * self.spacing + self.PAD_Y
        self.height = self._header_height + len(self.rows) * self._row_height
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """Between rows, never leaving fewer than `MIN_ROWS` on either side (of a table
        long enough to have them), and only where the page it starts on would otherwise
        be left too empty (`FULL_ENOUGH`): else it moves to the next page whole."""
        self.wrap(available_width, available_height)
        room = self.page_room
        if moves_whole(self, self.height, available_height, room):
            return []  # the page is full enough: the table moves on whole
        count = len(self.rows)
        least = self.MIN_ROWS if count >= 2 * self.MIN_ROWS else 1
        fit = int((available_height - self._header_height) // self._row_height)
        fit = min(fit, count - least)
        if fit < least:
            return []  # too few rows fit here: the frame moves the table on
        first, rest = self.rows[:fit], self.rows[fit:]
        return [self._part(first), self._part(rest)]

    def draw(self) -> None:
        canvas = self.canv
        written = self._cells[1:] if self.labels is not None else self._cells
        y = self.height - self._header_height
        with tags.group(canvas, self.structure.table):
            self._draw_header(canvas, y)
            for position, row in enumerate(self.rows):
                y -= self._row_height
                with tags.artifact(canvas):
                    self._draw_row_decoration(canvas, position, y, written)
                if self.labels is not None:
                    label = self.labels[row]
                    label.wrapOn(canvas, self._cells[0][1] - 2 * self.PAD_X, self._row_height)
                    top = y + self._row_height - self.PAD_Y / 2 - label.height
                    label.drawOn(canvas, self._cells[0][0] + self.PAD_X, top)
                self._add_fields(canvas, row, y, written)
        with tags.artifact(canvas):
            canvas.setStrokeColor(self.colours["rule"])
            canvas.setLineWidth(0.6)
            for x, width in self._cells[1:]:  # column rules below the header
                x = x + width if self.rtl else x  # on the side of the column before
                canvas.line(x, 0, x, self.height - self._header_height)

    def _draw_header(self, canvas: Canvas, y: float) -> None:
        """The header row, whose foot is at `y`: the table's column headers where it
        starts, decoration where a page repeats it."""
        repeated = self.rows.start > 0
        with tags.artifact(canvas):
            canvas.setFillColor(self.colours["header"])
            canvas.rect(0, y, self.width, self._header_height, stroke=0, fill=1)
        cells = zip(self._header_cells(), self.structure.header, self._cells, strict=True)
        with tags.artifact(canvas) if repeated else contextlib.nullcontext():
            for cell, tag, (x, _) in cells:
                cell.tag = None if repeated else tag  # type: ignore[attr-defined]
                cell.drawOn(canvas, x + self.PAD_X, y + self.PAD_Y)

    def _draw_row_decoration(
        self, canvas: Canvas, position: int, y: float, written: list[tuple[float, float]]
    ) -> None:
        """A row's stripe (every other row of a page), its cells' write-in lines and the
        rule at its foot `y`."""
        if position % 2 == 1:
            canvas.setFillColor(self.colours["stripe"])
            canvas.rect(0, y, self.width, self._row_height, stroke=0, fill=1)
        bottom = y + self.PAD_Y / 2
        canvas.setStrokeColor(self.colours["write_in"])
        canvas.setLineWidth(0.5)
        for x, width in written:
            left, right = x + self.CELL_INSET, x + width - self.CELL_INSET
            for index in range(self.row_lines - 1):  # guide lines; the row rule is the last
                line_y = bottom + (index + 1) * self.spacing
                canvas.line(left, line_y, right, line_y)
        canvas.setStrokeColor(self.colours["rule"])
        canvas.setLineWidth(0.6)
        canvas.line(0, y, self.width, y)

    def _add_fields(
        self, canvas: Canvas, row: int, y: float, written: list[tuple[float, float]]
    ) -> None:
        """In a fillable form, a text field over each of row `row`'s cells, each the
        content of its cell's `Form` element."""
        fields = self.session.fields
        if self.names is None or fields is None:
            return
        bottom = y + self.PAD_Y / 2
        for column, ((x, width), name) in enumerate(zip(written, self.names[row], strict=True)):
            owner = Tag(
                "Form",
                self.structure.cells[row][column],
                field_description=self._field_description(row, column),
            )
            canvas.saveState()
            canvas.translate(x + self.CELL_INSET, bottom)
            area = WriteInArea(
                self.row_lines, self.spacing, width - 2 * self.CELL_INSET, self.text_size
            )
            with tags.widgets(canvas, [owner]):
                fields.write_in(canvas, name, area)
            canvas.restoreState()

    def _field_description(self, row: int, column: int) -> str:
        """What a cell's form field asks: its row and its column ("Session 3: Your
        initials"); a row without a label is named by the table's caption and, in a
        table of several rows, its number."""
        if self.labels is not None:
            where = plain_text(self.labels[row])
        else:
            number = str(row + 1) if len(self.structure.cells) > 1 else ""
            where = " ".join(part for part in (self.caption, number) if part)
        heading = plain_text(self.header[column])
        return f"{where}: {heading}" if where else heading


class _RecordStructure:
    """The elements of one record table, shared by the parts a page break makes of it:
    `Table > TR > TH` (Scope Column) for the header row, then per row `TR > TH` (Scope
    Row) for its label and `TD` for each cell."""

    def __init__(self, rows: int, columns: int, labelled: bool) -> None:
        self.table = Tag("Table")
        header_row = Tag("TR", self.table)
        header_cells = columns + (1 if labelled else 0)
        self.header = [Tag("TH", header_row, scope="Column") for _ in range(header_cells)]
        self.labels: list[Tag] = []
        self.cells: list[list[Tag]] = []
        for _ in range(rows):
            row = Tag("TR", self.table)
            if labelled:
                self.labels.append(Tag("TH", row, scope="Row"))
            self.cells.append([Tag("TD", row) for _ in range(columns)])


def _longest_word_width(paragraph: Flowable) -> float:
    """The width of a paragraph's longest word in its own font and size."""
    style = paragraph.style  # type: ignore[attr-defined]
    words = plain_text(paragraph).split()
    return max((stringWidth(word, style.fontName, style.fontSize) for word in words), default=0)
