"""Write-in pieces: ruled lines to write on, and a labelled field.

Lines are vector shapes and decoration (`leaflet.story.tags`); a known value printed on
them, or, in a fillable form, the text field over them (`leaflet.render.fillable`),
belongs to the field's paragraph, which holds its label too.
"""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from leaflet.story import tags
from leaflet.story.flowables.text import Para, plain_text
from leaflet.story.flowables.values import FittedValue, draw_value, fit_value, leave_slot
from leaflet.story.lines import is_rtl
from leaflet.story.session import DrawingSession, ValueFit, WriteInArea
from leaflet.story.tags import Tag


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
        #: The element its value (or form field) belongs to, and what the field asks.
        self.tag: Tag | None = None
        self.description = ""

    @property
    def ruled(self) -> int:
        """How many lines are ruled: as asked for, or as many as the value takes."""
        return max(self.lines, self._fitted.lines if self._fitted else 1)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._fitted = None
        if self.value and not self.session.leaves_slot(self.value or ""):
            self._fitted = fit_value(self.value, self.value_style, available_width, self.fit)
        return self.width, self.ruled * self.spacing

    def draw(self) -> None:
        canvas = self.canv
        with tags.artifact(canvas):
            canvas.setStrokeColor(self.colour)
            canvas.setLineWidth(0.8)
            for index in range(self.ruled):
                canvas.line(0, index * self.spacing, self.width, index * self.spacing)
        slots, fields = self.session.slots, self.session.fields
        if self.name and fields is not None:  # a fillable form: the value fills the field
            value = Paragraph(self.value, self.value_style).getPlainText() if self.value else ""
            size = self._fitted.style.fontSize if self._fitted else self.value_style.fontSize
            area = WriteInArea(self.ruled, self.spacing, self.width, size, value, self._draw_value)
            owner = Tag("Form", self.tag, field_description=self.description)
            with tags.widgets(canvas, [owner]):
                fields.write_in(canvas, self.name, area)
            return
        if not self.value:
            return
        with tags.content(canvas, self.tag):
            if slots is not None and self.session.leaves_slot(self.value or ""):
                position = (0.0, self._top_line() + 2, self.width)
                style, fit = self.value_style, self.fit
                leave_slot(canvas, self.value, style, position, fit, self.spacing, slots)
            else:
                self._draw_value(canvas)

    def _top_line(self) -> float:
        return (self.ruled - 1) * self.spacing

    def _draw_value(self, canvas: Canvas) -> None:
        """The value on the lines, as fitted (lowest line at y = 0)."""
        if self.value and self._fitted is not None:
            top = self._top_line() + 2
            draw_value(canvas, self.value, self._fitted, 0, top, self.width, self.spacing)


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
            if is_rtl(self.label.style):  # the label at the right, the lines at the left
                label_x, lines_x = self.width - self.label_width + self.GAP, 0.0
            else:
                label_x, lines_x = 0.0, self.label_width
            self.label.drawOn(self.canv, label_x, self.BELOW)
            self.lines.drawOn(self.canv, lines_x, self.BELOW)
        else:  # the label first: it comes before the value in reading order
            self.label.drawOn(self.canv, 0, self.BELOW + self._lines_height + self.spacing * 0.6)
            self.lines.drawOn(self.canv, 0, self.BELOW)
