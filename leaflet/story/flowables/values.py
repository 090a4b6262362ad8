"""Personal values on their lines: fitted to the room, drawn, or left as slots.

A personal value (a name, a date) prints at its style's size, a little smaller when
that keeps it on one line, or on two lines; never below the layout's smallest size for
personal details (`ValueFit`). Values are set as `OneOff` paragraphs: any script, in the
fonts that have it, in its direction, and never kept in the cache of wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from leaflet.errors import LayoutFitError, PersonalValueFitError
from leaflet.story import tags
from leaflet.story.flowables.text import OneOff, plain_text
from leaflet.story.session import DrawingSession, Slot, ValueFit
from leaflet.story.tags import Tag

#: Room below a slot's text inside its form, so descenders are never clipped.
SLOT_DEPTH = 20


@dataclass(frozen=True)
class FittedValue:
    """A personal value's style (its size) and how many lines it takes; for a value on
    one line at its style's size, the paragraph that measured it (drawn again rather than
    parsed again)."""

    style: ParagraphStyle
    lines: int
    measured: Paragraph | None = field(default=None, compare=False, repr=False)


#: Steps in which a value that wraps is made smaller, down to the layout's minimum.
SIZE_STEP = 0.5

#: Room (points) a line set `width` wide must leave to be taken as the value's natural
#: line without measuring it again: far above the rounding between the two ways of
#: measuring it, far below anything a printed page shows.
_ROOM = 1e-6


def fit_value(markup: str, style: ParagraphStyle, width: float, fit: ValueFit) -> FittedValue:
    """How `markup` (holding a personal value) is set `width` wide: on one line at its
    style's size; on one line a little smaller, but never below `fit.min_size`; else
    wrapped onto a second line, at the style's size or, when it needs to be, smaller
    (down to the minimum). A value that still does not fit is an error naming it and
    the layout."""
    # Personal values are not kept in the cache `Para` builds up: a `OneOff` (which sets
    # any script, in the fonts that have it, in its direction).
    measured = OneOff(markup, style)
    if _one_line_with_room(measured, width):  # most values: set, and ready to draw
        return FittedValue(style, 1, measured)
    measured.wrap(1e6, 1e6)  # set as long as it needs
    natural = max(measured.getActualLineWidths0(), default=0)
    if natural <= width:
        return FittedValue(style, 1, measured)
    if style.fontSize * width / natural >= fit.min_size:
        return FittedValue(_sized(style, style.fontSize * width / natural), 1)
    size = style.fontSize
    while True:
        sized = _sized(style, size, wraps=True)
        lines = _line_count(markup, sized, width)
        if lines <= fit.max_lines:
            return FittedValue(sized, lines)
        if size <= fit.min_size:
            break
        size = max(fit.min_size, size - SIZE_STEP)
    text = Paragraph(markup, style).getPlainText()
    if any("@" in word for word in text.split()):  # an email address breaks anywhere
        sized = _sized(style, fit.min_size, wraps=True, inside_words=True)
        lines = _line_count(markup, sized, width)
        if lines <= fit.max_lines:
            return FittedValue(sized, lines)
    raise PersonalValueFitError(
        f"{text!r} does not fit the {fit.layout} layout: even on {fit.max_lines} lines at "
        f"{fit.min_size:g} pt (the smallest this layout prints personal details) it is too "
        "long; use a shorter form of it"
    )


def _one_line_with_room(paragraph: OneOff, width: float) -> bool:
    """Whether `paragraph`, set `width` wide, takes one line that leaves room to spare.
    ReportLab starts a line only where a word would overflow the one before, so such a
    line never came near a break: it is the line, as wide, that setting the paragraph
    as long as it needs gives. (One that fills the width, or overflows it into the
    spaces' shrinkage, is measured that way instead.)"""
    if width <= _ROOM:  # ReportLab sets nothing this narrow
        return False
    paragraph.wrap(width, 1e6)
    lines: list[Any] = paragraph.blPara.lines
    return len(lines) == 1 and paragraph.getActualLineWidths0()[0] < width - _ROOM


def _line_count(markup: str, style: ParagraphStyle, width: float) -> int:
    paragraph = OneOff(markup, style)
    paragraph.wrap(width, 1e6)
    if max(paragraph.getActualLineWidths0(), default=0) > width + 1e-6:
        return 1_000  # a word longer than the line: no number of lines will do
    lines: list[Any] = paragraph.blPara.lines
    return len(lines)


def _sized(
    style: ParagraphStyle, size: float, *, wraps: bool = False, inside_words: bool = False
) -> ParagraphStyle:
    """`style` at `size`, with the same leading (the value keeps its place on its line);
    one that `wraps` breaks at spaces and after the hyphens of double-barrelled names,
    never inside a word unless `inside_words` (an email address too long for a line)."""
    if wraps:
        return ParagraphStyle(
            f"{style.name}-wrapped",
            parent=style,
            fontSize=size,
            embeddedHyphenation=2,
            splitLongWords=int(inside_words),
        )
    return ParagraphStyle(f"{style.name}-fitted", parent=style, fontSize=size)


def draw_value(
    canvas: Canvas,
    markup: str,
    fitted: FittedValue,
    x: float,
    y: float,
    width: float,
    gap: float,
) -> None:
    """Draw a fitted value with the bottom of its first line's box at (x, y) (where a
    one-line paragraph in its style would sit) and any second line `gap` lower."""
    style = fitted.style
    if fitted.lines > 1:
        style = ParagraphStyle(f"{style.name}-lines", parent=style, leading=gap)
    # Wrapping again breaks the same words from the start, as a new paragraph would.
    paragraph = fitted.measured if fitted.measured is not None else OneOff(markup, style)
    paragraph.wrap(width, 1e6)
    # A paragraph's first baseline is its height less the font size from its bottom.
    first_baseline = y + fitted.style.leading - fitted.style.fontSize
    paragraph.drawOn(canvas, x, first_baseline - paragraph.height + fitted.style.fontSize)


def leave_slot(
    canvas: Canvas,
    markup: str,
    style: ParagraphStyle,
    position: tuple[float, float, float],
    fit: ValueFit,
    gap: float,
    slots: list[Slot],
) -> None:
    """Leave an empty form where a value with placeholders goes, instead of drawing it,
    and record it as a `Slot` (a base laid out for `leaflet.render.stamp`): the text
    filled in later then reads in the right order (copying, screen readers).
    `position` is (x, y, width), as `draw_value` takes them."""
    x, y, width = position
    name = f"LeafletSlot{len(slots)}"
    canvas.beginForm(name)
    canvas.endForm()
    canvas.saveState()
    canvas.translate(x, y - SLOT_DEPTH)
    canvas.doForm(name)
    canvas.restoreState()
    # The name ReportLab gives the form in the PDF; only its document knows it.
    document: Any = canvas._doc  # type: ignore[attr-defined]
    form = "/" + document.getXObjectName(name)
    slots.append(Slot(canvas.getPageNumber() - 1, form, width, style, markup, fit, gap))
    tags.note_slot_text(canvas, plain_text(Paragraph(markup, style)))


class FittedLine(Flowable):
    """A line of text holding personal values: a little smaller, or on two lines, when
    it is long (see `fit_value`). Given `apart`, lines that say the same, a line that
    would not fit on one line is replaced by them, each fitted on its own.

    In a base laid out for stamping it keeps one line: a patient whose values need more
    is laid out in full (`leaflet.render.stamp`)."""

    def __init__(
        self,
        markup: str,
        style: ParagraphStyle,
        fit: ValueFit,
        session: DrawingSession,
        apart: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.markup = markup
        self.style = style
        self.fit = fit
        self.session = session
        self.apart = apart or []
        self._lines: list[tuple[str, FittedValue]] = []
        self.tag = Tag("P")

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        if self.session.leaves_slot(self.markup):
            self._lines = [(self.markup, FittedValue(self.style, 1))]
        else:
            self._lines = self._fitted(available_width)
        return available_width, self.style.leading * sum(f.lines for _, f in self._lines)

    def _fitted(self, width: float) -> list[tuple[str, FittedValue]]:
        if self.apart:
            try:
                one_line = replace(self.fit, max_lines=1)
                return [(self.markup, fit_value(self.markup, self.style, width, one_line))]
            except LayoutFitError:
                return [(line, fit_value(line, self.style, width, self.fit)) for line in self.apart]
        return [(self.markup, fit_value(self.markup, self.style, width, self.fit))]

    def draw(self) -> None:
        canvas, slots, leading = self.canv, self.session.slots, self.style.leading
        with tags.content(canvas, self.tag):
            if slots is not None and self.session.leaves_slot(self.markup):
                position = (0.0, 0.0, self.width)
                leave_slot(canvas, self.markup, self.style, position, self.fit, leading, slots)
                return
            below = sum(fitted.lines for _, fitted in self._lines)
            for markup, fitted in self._lines:
                below -= fitted.lines
                top = leading * (below + fitted.lines - 1)
                draw_value(canvas, markup, fitted, 0, top, self.width, leading)
