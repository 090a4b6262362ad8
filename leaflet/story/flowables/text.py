"""Text pieces: cached paragraphs, headings in the PDF outline, personal values.

A personal value (a name, a date) prints at its style's size, a little smaller when
that keeps it on one line, or on two lines; never below the layout's smallest size for
personal details (`ValueFit`).

All text reaching a paragraph here is markup produced by `leaflet.sources.templating` or
escaped with `plain`. Each piece draws its text as the content of its structure element
(`tag`, see `leaflet.story.tags`).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import _drawBullet  # type: ignore[attr-defined]  # not in the stubs

from leaflet.story import tags
from leaflet.story.lines import is_rtl, logical_text, needs_visual, split_fonts, visual_lines
from leaflet.story.session import DrawingSession
from leaflet.story.tags import Tag


class Para(Paragraph):
    """A Paragraph that parses its markup and breaks its lines once per text, style and
    width, for this build and the next ones; and prints any script: each run of
    characters in a font that has them, right-to-left text drawn line by line in visual
    order (`leaflet.story.lines`).

    Platypus wraps a paragraph several times at the same width (to keep blocks together,
    to keep headings with what follows, then to place it), and a long-running process
    builds the same wording again and again; parsing the markup and breaking lines is
    most of the cost of a build. What ReportLab works out is kept in `_LAID_OUT` (bounded:
    the least recently used goes first) under the text, the style object (held by the
    entry, so its identity stays valid) and the bullet, with everything its wrap sets
    (`_WRAP_STATE`), so a build splits and draws a kept paragraph exactly as the first
    build did, to the same bytes. ReportLab changes one thing in place when it splits a
    paragraph; `split` gives it this paragraph's own copy of that.
    """

    _laid_out: _LaidOut | None = None
    #: Kept across builds (wording); not a personal value (`OneOff`).
    kept = True
    #: Drawn line by line in visual order: right-to-left text, or some inside.
    visual = False
    _wrapped_at: tuple[float, dict[str, Any]] | None = None  # width, `_WRAP_STATE`
    _wrapWidths: list[float]  # set by ReportLab's wrap: the first and later lines' widths
    #: The structure element the text belongs to and, for a list item, the element its
    #: bullet belongs to (the item's label).
    tag: Tag | None = None
    label: Tag | None = None

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        if frags is not None or not isinstance(text, str) or not self.kept:
            self._parse(text, style, bulletText, frags, cleaner)  # split parts, names
            return
        key = (text, id(style), bulletText if isinstance(bulletText, str) else None)
        with _LAID_OUT_LOCK:  # threads share the cache; markup is parsed outside it
            entry = _LAID_OUT.get(key)
            if entry is not None:
                _LAID_OUT.move_to_end(key)
        if entry is None or entry.style is not style or key[2] != bulletText:
            self._parse(text, style, bulletText, frags, cleaner)
            parsed = (self.text, self.frags, self.style, self.bulletText, self.visual)
            entry = _LaidOut(style, parsed)
            with _LAID_OUT_LOCK:
                _LAID_OUT[key] = entry
                if len(_LAID_OUT) > LAID_OUT_SIZE:
                    _LAID_OUT.popitem(last=False)
        else:
            self.text, self.frags, self.style, self.bulletText, self.visual = entry.parsed
            self.debug = 0
        self._laid_out = entry

    def _parse(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        """ReportLab's parsing, then each run of characters in a font that has them (a
        part made by split() has its fonts already)."""
        _paragraph_setup(self, text, style, bulletText, frags, cleaner)
        if frags is None:
            self.frags = split_fonts(self.frags, style)
        self.visual = needs_visual(style, self.frags)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        cached = self._wrapped_at
        if cached is None or cached[0] != available_width:
            entry = self._laid_out
            cached = entry.wraps.get(available_width) if entry is not None else None
        if cached is not None:
            self.__dict__.update(cached[1])
            self._wrapped_at = cached
            return self.width, self.height
        result = super().wrap(available_width, available_height)
        state = {name: getattr(self, name) for name in _WRAP_STATE if hasattr(self, name)}
        self._wrapped_at = (available_width, state)
        if self._laid_out is not None:
            self._laid_out.wraps[available_width] = self._wrapped_at
        return result

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if self._wrapped_at is not None and self.frags is self._wrapped_at[1].get("frags"):
            # ReportLab marks the last word of a split part by changing its class in
            # place: this paragraph's own copy, not the one later builds are given.
            self.frags = [copy.copy(word) for word in self.frags]
        parts: list[Flowable] = super().split(available_width, available_height)
        # ReportLab drops its line breaks when a split fails; a group asked to split may
        # still draw this paragraph whole, with the lines it was wrapped to.
        if not parts and self._wrapped_at is not None and not hasattr(self, "blPara"):
            self.blPara = self._wrapped_at[1]["blPara"]
        for part in parts:  # a paragraph split by a page is still one element
            part.tag, part.label = self.tag, self.label  # type: ignore[attr-defined]
        return parts

    def draw(self) -> None:
        with self._in_visual_order() as text:
            self._draw_tagged(text, visual=self.visual)

    @contextmanager
    def _in_visual_order(self) -> Iterator[str]:
        """While drawn, the lines in the order they stand on the page; yields the text
        its structure element gets (`leaflet.story.lines`)."""
        if not self.visual:
            yield logical_text(self)
            return
        # Wrapped in logical order, drawn in visual order: ReportLab draws (and, right to
        # left, reverses in place) a fresh set of lines; the kept ones stay as they are.
        logical = self.blPara
        self.blPara, text = visual_lines(self)
        try:
            yield text
        finally:
            self.blPara = logical

    def _draw_tagged(self, text: str, visual: bool) -> None:
        canvas, bullet = self.canv, self.bulletText
        if self.label is None or not bullet:
            with tags.content(canvas, self.tag, text, visual=visual):
                super().draw()
            return
        # The bullet is drawn here, not by ReportLab, to mark it as the item's label and
        # the text as its body; its place is the one ReportLab gives it.
        with tags.content(canvas, self.label):
            canvas.saveState()
            first = self.blPara if self.blPara.kind == 0 else self.blPara.lines[0]
            baseline = self.height - getattr(first, "ascent", first.fontSize)
            rtl = self._wrapWidths if is_rtl(self.style) else False
            _drawBullet(canvas, self.style.firstLineIndent, baseline, bullet, self.style, rtl)
            canvas.restoreState()
        self.bulletText = None
        try:
            with tags.content(canvas, self.tag, text, visual=visual):
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
    parsed: tuple[Any, Any, Any, Any, bool]  # text, frags, style, bullet text, visual
    wraps: dict[float, tuple[float, dict[str, Any]]] = field(default_factory=dict)


#: What ReportLab's wrap() sets, all of which its split() and draw() read: the line
#: breaks, the size, and the words the breaks index (`frags` becomes ReportLab's list of
#: words, which decides how a split cuts the lines; a cached wrap without it split as
#: the first build's did not, and changed the kept lines in place).
_WRAP_STATE = (
    "width",
    "height",
    "_wrapWidths",
    "blPara",
    "frags",
    "_width_max",
    "_splitLongWordCount",
    "_hyphenations",
)

#: Paragraphs kept across builds: a few documents' worth of wording.
LAID_OUT_SIZE = 2048
_LAID_OUT: OrderedDict[tuple[str, int, str | None], _LaidOut] = OrderedDict()
_LAID_OUT_LOCK = threading.Lock()


class OneOff(Para):
    """A paragraph whose text is not kept across builds: a personal value."""

    kept = False


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
        with tags.artifact(self.canv), self._in_visual_order():
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


def plain_text(flowable: Flowable) -> str:
    """A paragraph's text without its markup."""
    text: str = flowable.getPlainText()  # type: ignore[attr-defined]
    return " ".join(text.split())
