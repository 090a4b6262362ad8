"""Tagged PDF, the drawing side: structure elements, and marked content as things draw.

A screen reader reads a PDF's structure tree, not its drawing. ReportLab writes none, so
leaflet records it while drawing and `leaflet.render.tagged` writes it out:

- A `Tag` is a structure element (`P`, `H2`, `L`, `Table`, `Figure`...) as the story
  declares it, before anything is drawn: its role, its parent, its alternative text.
- Drawing code says what it draws: `content(canvas, tag)` brackets real content with
  `/Role <</MCID n>> BDC ... EMC` and records which element owns MCID n of the page;
  `artifact(canvas)` brackets decoration (backgrounds, rules, running header and footer)
  with `/Artifact BMC ... EMC`; `group(canvas, tag)` makes `tag` the parent of what
  draws inside it (a callout box). Marked content never nests.
- The canvas tells `note_annotation` about each link and form widget it adds; the widget
  belongs to the next `Form` element announced with `widgets(...)`.

An element joins the tree when it first gets content, after its parent, in drawing
order; so the tree holds no empty element, and an element that never draws (a measuring
copy) is never written. A layout that draws a part out of reading order (a tri-fold's
back panel) moves it with `reading_position`. A canvas without a `structure` record
(a measuring canvas, the scratch canvas a stamped copy's text is drawn on) draws
untagged: every call here is then a no-op.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from reportlab.pdfgen.canvas import Canvas

#: Reading positions for `reading_position`: before or after everything else.
FIRST, MIDDLE, LAST = 0, 1, 2


class Tag:
    """A structure element as the story declares it.

    `parent` None: the group open where it first draws (the Document, or a box). A
    heading is declared by level (`Tag.heading(2)`) and becomes `H<n>`, never more than
    one level below the heading before it. `alt` is a figure's description; `scope` a
    table header's (`Column` or `Row`); `description` what a form field or link says to
    a person (`/TU`, `/Contents`); `field_description` the description of a widget's
    whole field (the question, for each of its Yes and No boxes).
    """

    __slots__ = ("alt", "description", "field_description", "level", "parent", "role", "scope")

    def __init__(
        self,
        role: str,
        parent: Tag | None = None,
        *,
        alt: str | None = None,
        scope: str | None = None,
        description: str | None = None,
        field_description: str | None = None,
    ) -> None:
        self.role, self.parent, self.alt, self.scope = role, parent, alt, scope
        self.description, self.field_description = description, field_description
        self.level = 0

    @classmethod
    def heading(cls, level: int, parent: Tag | None = None) -> Tag:
        """A heading of `level` (1 is the document's title)."""
        tag = cls("H", parent)
        tag.level = level
        return tag

    def __repr__(self) -> str:
        return f"Tag({self.role!r})"


@dataclass(frozen=True)
class MarkedContent:
    """One marked-content sequence: MCID `mcid` of page `page` (0-based)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class AnnotationRef:
    """An annotation: the `index`th of page `page`'s /Annots."""

    page: int
    index: int


@dataclass(eq=False)
class Element:
    """A tag placed in one document: its resolved role and its kids in reading order
    (`ordered_kids`): marked content, annotations and child elements."""

    tag: Tag
    role: str
    parent: Element | None
    kids: list[tuple[int, int, Element | MarkedContent | AnnotationRef]] = field(
        default_factory=list
    )

    def ordered_kids(self) -> list[Element | MarkedContent | AnnotationRef]:
        return [kid for _, _, kid in sorted(self.kids)]  # (rank, sequence) are unique


class StructureRecord:
    """What one PDF's drawing said about its structure; `leaflet.render.tagged` writes it."""

    def __init__(self) -> None:
        self.document = Element(Tag("Document"), "Document", None)
        self.owners: dict[int, list[Element]] = {}  # page -> the owner of each MCID
        self.annotations: list[tuple[AnnotationRef, Element]] = []
        self._elements: dict[int, Element] = {id(self.document.tag): self.document}
        self._groups: list[Tag] = [self.document.tag]
        self._enclosing: dict[int, Tag] = {}  # a group's tag -> the group open around it
        self._open: Element | None = None
        self._widget_owners: list[Tag] = []
        self._rank = MIDDLE
        self._sequence = itertools.count()
        self._heading_level = 0

    def place(self, tag: Tag) -> Element:
        """The element of `tag`, added to its parent's kids the first time."""
        element = self._elements.get(id(tag))
        if element is not None:
            return element
        parent = self.place(tag.parent or self._enclosing.get(id(tag)) or self._groups[-1])
        role = tag.role
        if role == "H":
            self._heading_level = min(tag.level, self._heading_level + 1)
            role = f"H{self._heading_level}"
        element = Element(tag, role, parent)
        self._elements[id(tag)] = element
        self._add(parent, element)
        return element

    def _add(self, parent: Element, kid: Element | MarkedContent | AnnotationRef) -> None:
        parent.kids.append((self._rank, next(self._sequence), kid))


def _record(canvas: Canvas) -> StructureRecord | None:
    """The canvas's record: a `BuildCanvas` has one, other canvases draw untagged."""
    record: StructureRecord | None = getattr(canvas, "structure", None)
    return record


def _code(canvas: Canvas) -> list[str]:
    """The operators of the page or form being drawn (ReportLab's, left out of its stubs)."""
    code: list[str] = canvas._code  # type: ignore[attr-defined]
    return code


@contextmanager
def content(canvas: Canvas, tag: Tag | None) -> Iterator[None]:
    """Draw real content that belongs to `tag`."""
    record = _record(canvas)
    if record is None or tag is None:
        yield
        return
    if record._open is not None:
        raise AssertionError(f"{tag} drawn inside {record._open.tag}: marked content nests")
    element = record.place(tag)
    page = canvas.getPageNumber() - 1
    owners = record.owners.setdefault(page, [])
    record._add(element, MarkedContent(page, len(owners)))
    _code(canvas).append(f"/{element.role} <</MCID {len(owners)}>> BDC")
    owners.append(element)
    record._open = element
    try:
        yield
    finally:
        record._open = None
        _code(canvas).append("EMC")


@contextmanager
def artifact(canvas: Canvas) -> Iterator[None]:
    """Draw decoration: what a screen reader skips."""
    record = _record(canvas)
    if record is None:
        yield
        return
    if record._open is not None:
        raise AssertionError(f"decoration drawn inside {record._open.tag}")
    _code(canvas).append("/Artifact BMC")
    try:
        yield
    finally:
        _code(canvas).append("EMC")


@contextmanager
def group(canvas: Canvas, tag: Tag | None) -> Iterator[None]:
    """Make `tag` the parent of the tags without one that draw inside; it joins the tree
    only if one of them does."""
    record = _record(canvas)
    if record is None or tag is None:
        yield
        return
    record._enclosing.setdefault(id(tag), record._groups[-1])
    record._groups.append(tag)
    try:
        yield
    finally:
        record._groups.pop()


@contextmanager
def reading_position(canvas: Canvas, position: int) -> Iterator[None]:
    """Content drawn inside reads FIRST or LAST, wherever it is drawn."""
    record = _record(canvas)
    if record is None:
        yield
        return
    before, record._rank = record._rank, position
    try:
        yield
    finally:
        record._rank = before


@contextmanager
def widgets(canvas: Canvas, owners: list[Tag]) -> Iterator[None]:
    """The form widgets added inside belong, in order, to the `Form` tags `owners`."""
    record = _record(canvas)
    if record is None:
        yield
        return
    for owner in owners:
        record.place(owner)
    record._widget_owners = list(owners)
    try:
        yield
    finally:
        record._widget_owners = []


def note_annotation(canvas: Canvas, index: int) -> AnnotationRef | None:
    """The canvas has added annotation `index` to its current page's /Annots: where it
    is in the structure (None on a canvas that draws untagged)."""
    record = _record(canvas)
    if record is None:
        return None
    if record._widget_owners:
        element = record.place(record._widget_owners.pop(0))
    elif record._open is not None:
        element = record._open
    else:
        raise AssertionError("an annotation added outside tagged content")
    ref = AnnotationRef(canvas.getPageNumber() - 1, index)
    record.annotations.append((ref, element))
    record._add(element, ref)
    return ref
