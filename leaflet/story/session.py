"""What the flowables of one build share while they draw: the drawing session.

ReportLab hands a flowable nothing but its canvas. What one build needs across its
flowables (the counter behind the PDF outline, the form fields being recorded for a
fillable form, the slots left for personal values in a base laid out for stamping, the
page count, the structure a screen reader reads) is held in a `DrawingSession`, made
for that build and given to the flowables that need it, rather than kept on the canvas
or in globals. (The structure record is also reached through the build's canvas, which
writes the marked content it bounds.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from leaflet.sources.personal import has_placeholder
from leaflet.story.tags import StructureRecord


@dataclass(frozen=True)
class ValueFit:
    """How a personal value may be set on one layout: never below `min_size`, and on at
    most `max_lines` lines; `layout` names the layout when even that is not enough."""

    min_size: float
    layout: str
    max_lines: int = 2


@dataclass(frozen=True)
class Slot:
    """A piece of text holding personal values, left as an empty form on a laid-out page
    and drawn into that form for each patient (`leaflet.render.stamp`)."""

    page: int  # 0-based
    form: str  # the form XObject's name, as ReportLab names it in the PDF
    width: float
    style: ParagraphStyle
    markup: str  # with placeholders for the personal values
    fit: ValueFit  # how small, on how many lines, the values may be set
    gap: float  # between the value's lines, when it takes two
    lines: int = 1  # the lines the base keeps for it


class FieldRecorder(Protocol):
    """Adds form fields over what the flowables draw (`leaflet.render.fillable`)."""

    def ticks(self, canvas: Canvas, name: str, xs: list[float], y: float, size: float) -> None:
        """A checkbox, or a Yes/No pair, over tick boxes drawn at `xs`, `y`."""

    def write_in(self, canvas: Canvas, name: str, area: WriteInArea) -> None:
        """A text (or signature) field over write-in lines whose lowest is at y = 0."""


@dataclass(frozen=True)
class WriteInArea:
    """Write-in lines as a form field sees them: how many, how far apart and how wide,
    the size text is written in, and any value filled in, with how to draw it as the
    page prints it (lowest line at y = 0) for the field's appearance. (What the field
    asks is its structure element's description: `leaflet.story.tags`.)"""

    lines: int
    spacing: float
    width: float
    size: float
    value: str = ""
    draw_value: Callable[[Canvas], None] | None = None


@dataclass
class BaseRecord:
    """What laying out a base for stamping records besides the PDF: where the personal
    values go, and how the base's fonts encode the characters they will need."""

    #: Characters the personal values will be drawn with, beyond ASCII, and the fonts
    #: they are drawn in: the base's font subsets hold their glyphs, so each patient's
    #: text is drawn in the base's own fonts (`leaflet.render.glyphs`).
    glyphs: str = ""
    fonts: tuple[str, ...] = ()
    slots: list[Slot] = field(default_factory=list)
    #: Each font's codes in the finished base, by ReportLab font name (set when it saves).
    font_codes: dict[str, Any] = field(default_factory=dict)


@dataclass
class DrawingSession:
    """One build's shared drawing state; a new one for every PDF."""

    #: Set when the build is a base for stamping: slots are collected instead of drawn.
    base: BaseRecord | None = None
    #: Records the form fields of a fillable form; None draws no fields.
    fields: FieldRecorder | None = None
    #: The structure of a tagged PDF, recorded as it draws (`leaflet.story.tags`); None
    #: draws untagged.
    structure: StructureRecord | None = None
    #: Set when the PDF is saved.
    page_count: int = 0
    outline_entries: int = 0
    outline_level: int = -1  # of the last entry
    #: While set, outline entries wait (`later`) and are added when the PDF is saved.
    deferring: bool = False
    _waiting: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def slots(self) -> list[Slot] | None:
        """Where personal values go, collected instead of drawn (a base for stamping)."""
        return self.base.slots if self.base is not None else None

    def leaves_slot(self, text: str) -> bool:
        """Whether `text` (with a personal value's placeholder) is left as a slot for
        stamping rather than drawn: only in a base."""
        return self.base is not None and has_placeholder(text)

    def bookmark(self) -> str:
        """A new bookmark key for a heading."""
        self.outline_entries += 1
        return f"heading-{self.outline_entries}"

    def add_outline(self, canvas: Canvas, title: str, key: str, level: int) -> None:
        """Add the heading `title` (bookmark `key`) to the PDF outline at `level` (0: a
        section, 1: a subsection), now, or when the PDF is saved while `deferring`."""
        if self.deferring:
            self._waiting.append((title, key, level))
            return
        # An outline cannot skip a level.
        self.outline_level = min(level, self.outline_level + 1)
        canvas.addOutlineEntry(title, key, level=self.outline_level, closed=self.outline_level > 0)

    @contextmanager
    def later(self) -> Iterator[None]:
        """Headings drawn inside are listed at the end of the outline: a tri-fold draws
        its back panel before the inside panels, but it is read last."""
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False

    def add_waiting_outline(self, canvas: Canvas) -> None:
        """Add the outline entries that waited, in the order they were drawn."""
        waiting, self._waiting = self._waiting, []
        for title, key, level in waiting:
            self.add_outline(canvas, title, key, level)
