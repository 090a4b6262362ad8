"""Text pieces: cached paragraphs, headings in the PDF outline, personal values.

A personal value (a name, a date) prints at its style's size, a little smaller when
that keeps it on one line, or on two lines; never below the layout's smallest size for
personal details (`ValueFit`).

All text reaching a paragraph here is markup produced by `leaflet.sources.templating` or
escaped with `plain`. Each piece draws its text as the content of its structure element
(`tag`, see `leaflet.story.tags`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import _drawBullet  # type: ignore[attr-defined]  # not in the stubs

from leaflet.errors import LayoutFitError, PersonalValueFitError
from leaflet.sources.personal import has_placeholder
from leaflet.story import tags
from leaflet.story.session import DrawingSession, Slot, ValueFit
from leaflet.story.tags import Tag

#: Room below a slot's text inside its form, so descenders are never clipped.
SLOT_DEPTH = 20


class Para(Paragraph):
    """A Paragraph that parses its markup and breaks its lines once per text, style and
    width, for this build and the next ones.

    Platypus wraps a paragraph several times at the same width (to keep blocks together,
    to keep headings with what follows, then to place it), and a long-running process
    builds the same wording again and again; parsing the markup and breaking lines is
    most of the cost of a build. What ReportLab works out is kept in `_LAID_OUT` (bounded:
    the least recently used goes first) under the text, the style object (held by the
    entry, so its identity stays valid) and the bullet; ReportLab never changes it after
    making it, so a build gets the very same result, and the same bytes.
    """

    _laid_out: _LaidOut | None = None
    _wrapped_at: tuple[Any, ...] | None = None
    #: The structure element the text belongs to and, for a list item, the element its
    #: bullet belongs to (the item's label).
    tag: Tag | None = None
    label: Tag | None = None

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        if frags is not None or not isinstance(text, str):  # split parts and the like
            _paragraph_setup(self, text, style, bulletText, frags, cleaner)
            return
        key = (text, id(style), bulletText if isinstance(bulletText, str) else None)
        with _LAID_OUT_LOCK:  # threads share the cache; markup is parsed outside it
            entry = _LAID_OUT.get(key)
            if entry is not None:
                _LAID_OUT.move_to_end(key)
        if entry is None or entry.style is not style or key[2] != bulletText:
            _paragraph_setup(self, text, style, bulletText, frags, cleaner)
            entry = _LaidOut(style, (self.text, self.frags, self.style, self.bulletText))
            with _LAID_OUT_LOCK:
                _LAID_OUT[key] = entry
                if len(_LAID_OUT) > LAID_OUT_SIZE:
                    _LAID_OUT.popitem(last=False)
        else:
            self.text, self.frags, self.style, self.bulletText = entry.parsed
            self.debug = 0
        self._laid_out = entry

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        cached = self._wrapped_at
        if cached is None or cached[0] != available_width:
            entry = self._laid_out
            cached = entry.wraps.get(available_width) if entry is not None else None
        if cached is not None:
            _, self._wrapWidths, self.blPara, self.width, self.height = cached
            self._wrapped_at = cached
            return self.width, self.height
        result = super().wrap(available_width, available_height)
        self._wrapped_at = (
            available_width,
            self._wrapWidths,
            self.blPara,
            self.width,
            self.height,
        )
        if self._laid_out is not None:
            self._laid_out.wraps[available_width] = self._wrapped_at
        return result

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(available_width, available_height)
        # ReportLab drops its line breaks when a split fails; a group asked to split may
        # still draw this paragraph whole, with the lines it was wrapped to.
        if not parts and self._wrapped_at is not None and not hasattr(self, "blPara"):
            self.blPara = self._wrapped_at[2]
        for part in parts:  # a paragraph split by a page is still one element
            part.tag, part.label = self.tag, self.label  # type: ignore[attr-defined]
        return parts

    def draw(self) -> None:
        canvas, bullet = self.canv, self.bulletText
        if self.label is None or not bullet:
            with tags.content(canvas, self.tag):
                super().draw()
            return
        # The bullet is drawn here, not by ReportLab, to mark it as the item's label and
        # the text as its body; its place is the one ReportLab gives it.
        with tags.content(canvas, self.label):
            canvas.saveState()
            first = self.blPara if self.blPara.kind == 0 else self.blPara.lines[0]
            baseline = self.height - getattr(first, "ascent", first.fontSize)
            _drawBullet(canvas, self.style.firstLineIndent, baseline, bullet, self.style, False)
            canvas.restoreState()
        self.bulletText = None
        try:
            with tags.content(canvas, self.tag):
                super().draw()
        finally:
            self.bulletText = bullet


def tagged(paragraph: Para, tag: Tag) -> Para:
    """`paragraph`, its text marked as the content of `tag`."""
    paragraph.tag = tag
    return paragraph


#: ReportLab's own parsing step, which its type stubs leave out.
_paragraph_setup: Any = Paragraph.__dict__["_setup"]


@dataclass
class _LaidOut:
    """A paragraph's parsed markup and its line breaks by width."""

    style: Any  # the style it was parsed with, kept alive so its id means it
    parsed: tuple[Any, Any, Any, Any]  # text, frags, style, bullet text
    wraps: dict[float, tuple[Any, ...]] = field(default_factory=dict)


#: Paragraphs kept across builds: a few documents' worth of wording.
LAID_OUT_SIZE = 2048
_LAID_OUT: OrderedDict[tuple[str, int, str | None], _LaidOut] = OrderedDict()
_LAID_OUT_LOCK = threading.Lock()


class KeptWithNext(Para):
    """A paragraph that always stays on the page of what follows it: a heading or a
    lead-in to a list or table. Its style must keep with the next flowable (see
    `leaflet.story.context.StoryContext.kept`)."""

    def __init__(self, text: str, style: ParagraphStyle, **kwargs: Any) -> None:
        if not style.keepWithNext:
            raise ValueError(f"style {style.name!r} does not keep with the next flowable")
        super().__init__(text, style, **kwargs)


class RepeatedTitle(KeptWithNext):
    """A title a page repeats ("Contact us (continued)"): decoration, drawn as an
    artifact, so a screen reader that has read the title once does not read it again."""

    def draw(self) -> None:
        with tags.artifact(self.canv):
            Paragraph.draw(self)


class Heading(KeptWithNext):
    """A heading: kept with what follows it and listed in the PDF outline (bookmarks).

    The outline entry is made when the heading is drawn, so headings inside boxes and
    tables are listed too. `level` 0 is a section, 1 a subsection.
    """

    def __init__(
        self, text: str, style: ParagraphStyle, level: int, session: DrawingSession
    ) -> None:
        super().__init__(text, style)
        self.outline_level = level
        self.session = session
        self.tag = Tag.heading(level + 2)  # the title is H1, a section's heading H2

    def draw(self) -> None:
        super().draw()
        key = self.session.bookmark()
        self.canv.bookmarkHorizontal(key, 0, self.height)
        self.session.add_outline(self.canv, self.getPlainText(), key, self.outline_level)


@dataclass(frozen=True)
class FittedValue:
    """A personal value's style (its size) and how many lines it takes."""

    style: ParagraphStyle
    lines: int


#: Steps in which a value that wraps is made smaller, down to the layout's minimum.
SIZE_STEP = 0.5


def fit_value(markup: str, style: ParagraphStyle, width: float, fit: ValueFit) -> FittedValue:
    """How `markup` (holding a personal value) is set `width` wide: on one line at its
    style's size; on one line a little smaller, but never below `fit.min_size`; else
    wrapped onto a second line, at the style's size or, when it needs to be, smaller
    (down to the minimum). A value that still does not fit is an error naming it and
    the layout."""
    natural = _natural_width(markup, style)
    if natural <= width:
        return FittedValue(style, 1)
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


def _natural_width(markup: str, style: ParagraphStyle) -> float:
    # Plain Paragraphs here: personal values are not kept in the cache `Para` builds up.
    paragraph = Paragraph(markup, style)
    paragraph.wrap(1e6, 1e6)
    return max(paragraph.getActualLineWidths0(), default=0)


def _line_count(markup: str, style: ParagraphStyle, width: float) -> int:
    paragraph = Paragraph(markup, style)
    paragraph.wrap(width, 1e6)
    if max(paragraph.getActualLineWidths0(), default=0) > width + 1e-6:
        return 1_000  # a word longer than the line: no number of lines will do
    lines: list[Any] = paragraph.blPara.lines  # type: ignore[attr-defined]  # not in the stubs
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
    paragraph = Paragraph(markup, style)
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

    def _slot(self) -> bool:
        return self.session.slots is not None and has_placeholder(self.markup)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        if self._slot():
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
            if slots is not None and self._slot():
                position = (0.0, 0.0, self.width)
                leave_slot(canvas, self.markup, self.style, position, self.fit, leading, slots)
                return
            below = sum(fitted.lines for _, fitted in self._lines)
            for markup, fitted in self._lines:
                below -= fitted.lines
                top = leading * (below + fitted.lines - 1)
                draw_value(canvas, markup, fitted, 0, top, self.width, leading)


def plain_text(flowable: Flowable) -> str:
    """A paragraph's text without its markup."""
    text: str = flowable.getPlainText()  # type: ignore[attr-defined]
    return " ".join(text.split())
