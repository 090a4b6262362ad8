"""Boxes and groups: content in a padded box, columns, and groups kept on one page.

`Box` and `Columns` are lighter than one-cell Tables, which measure their content
several times. `KeepGroup` holds a heading to what follows it; `Unsplittable` keeps a
checklist, declaration list or signature party on one page and refuses, with a clear
error, one that is taller than a page; `StartPageUnlessFits` keeps a group of them
together when it can.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from leaflet.errors import LayoutFitError
from leaflet.story import tags
from leaflet.story.spacing import BOX_PADDING
from leaflet.story.tags import Tag

#: A block may be this much (points) taller than a page: lengths are rounded.
ROUNDING_TOLERANCE = 0.5


class Box(Flowable):
    """Flowables stacked in a padded box, on a background, with an optional bar at the left.

    Never split: boxes sit inside `Unsplittable` blocks or are small. The background and
    bar are decoration; `tag` (a `Sect`, say) groups what the box holds.
    """

    def __init__(
        self,
        content: list[Flowable],
        background: Color | None = None,
        bar: Color | None = None,
        padding: float = BOX_PADDING,
        bar_width: float = 1.5 * mm,
        *,
        space_before: float = 0,
        space_after: float = 0,
        keep_with_next: bool = False,
        tag: Tag | None = None,
    ) -> None:
        super().__init__()
        self.content = content
        self.tag = tag
        self.background = background
        self.bar = bar
        self.bar_width = bar_width if bar is not None else 0
        self.padding = padding
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.keepWithNext = int(keep_with_next)
        self._wrapped_width: float | None = None
        self._placed: list[tuple[Flowable, float, float, float]] = []

    def _inner_left(self) -> float:
        return self.padding + self.bar_width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # The content's height depends only on the width: measure once per width.
        if self._wrapped_width == available_width:
            return self.width, self.height
        self._wrapped_width = available_width
        inner_width = available_width - self._inner_left() - self.padding
        self._placed = []
        total = 0.0
        for index, flowable in enumerate(self.content):
            _, height = flowable.wrapOn(self.canv, inner_width, available_height)
            before = flowable.getSpaceBefore() if index else 0
            after = flowable.getSpaceAfter() if index < len(self.content) - 1 else 0
            self._placed.append((flowable, before, height, after))
            total += before + height + after
        self.width = available_width
        self.height = total + self.padding * 1.8  # a little less above than below the text
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        if self.background is not None or self.bar is not None:
            with tags.artifact(canvas):
                canvas.saveState()
                if self.background is not None:
                    canvas.setFillColor(self.background)
                    canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
                if self.bar is not None:
                    canvas.setFillColor(self.bar)
                    canvas.rect(0, 0, self.bar_width, self.height, stroke=0, fill=1)
                canvas.restoreState()
        y = self.height - self.padding * 0.8
        with tags.group(canvas, self.tag):
            for flowable, before, height, after in self._placed:
                y -= before + height
                flowable.drawOn(canvas, self._inner_left(), y)
                y -= after


class Columns(Flowable):
    """Stacks of flowables side by side, top-aligned: `columns` is a list of
    (width, flowables); the last column takes what width is left."""

    def __init__(self, columns: list[tuple[float, list[Flowable]]], gap: float = 0) -> None:
        super().__init__()
        self.columns = columns
        self.gap = gap
        self._stacks: list[Box] = []
        self._widths: list[float] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        fixed = sum(width for width, _ in self.columns[:-1])
        widths = [width for width, _ in self.columns[:-1]]
        widths.append(available_width - fixed - self.gap * (len(self.columns) - 1))
        self._stacks = [Box(stack, padding=0) for _, stack in self.columns]
        heights = [
            stack.wrapOn(self.canv, width, available_height)[1]
            for stack, width in zip(self._stacks, widths, strict=True)
        ]
        self._widths = widths
        self.height = max(heights)
        return self.width, self.height

    def getSpaceAfter(self) -> float:
        return max((stack[-1].getSpaceAfter() for _, stack in self.columns if stack), default=0)

    def draw(self) -> None:
        x = 0.0
        for stack, width in zip(self._stacks, self._widths, strict=True):
            stack.drawOn(self.canv, x, self.height - stack.height)
            x += width + self.gap


@runtime_checkable
class BreaksBetweenRows(Protocol):
    """A table that may break between its rows (`RecordRows`): a heading kept with it is
    kept with its first rows only."""

    def first_rows_height(self) -> float:
        """The least of the table a page must hold."""
        ...

    def splitOn(self, canvas: Any, width: float, height: float) -> list[Flowable]: ...


class KeepGroup(Box):
    """Flowables that go to the next page together when they do not fit in the space left
    (a heading and what follows it). A group taller than a page splits as usual.

    Lighter than ReportLab's KeepTogether, which copies the frame on every measurement.
    """

    def __init__(self, flowables: list[Flowable], page_room: float) -> None:
        super().__init__(flowables, padding=0)
        self.page_room = page_room

    def with_first(self, flowable: Flowable) -> KeepGroup:
        """The same group with `flowable` (a heading) kept at its top."""
        return self._like([flowable, *self.content])

    def _like(self, content: list[Flowable]) -> KeepGroup:
        return KeepGroup(content, self.page_room)

    def getSpaceBefore(self) -> float:
        return self.content[0].getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.content[-1].getSpaceAfter()

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        last = self.content[-1]
        if len(self.content) > 1 and isinstance(last, BreaksBetweenRows):
            # A heading and lead-in stay with the first rows of a table that may break:
            # here if they fit, else on the next page.
            self.wrap(available_width, available_height)
            lead = sum(before + height + after for _, before, height, after in self._placed[:-1])
            lead += self._placed[-1][1]
            if parts := last.splitOn(self.canv, available_width, available_height - lead):
                return [*self.content[:-1], *parts]
            if lead + last.first_rows_height() <= self.page_room:
                return []
        if self.height <= self.page_room:
            return []  # the frame moves the whole group to the next page
        return list(self.content)


class Unsplittable(KeepGroup):
    """Content kept on one page; taller than a whole page is an error that names it.

    `what` names the block in that error. `keeps_with_signatures` marks a block that
    belongs with the signatures after it (a list of declarations the patient signs): it
    is kept on their page when they fit together.
    """

    def __init__(
        self,
        flowables: list[Flowable],
        what: str,
        page_room: float,
        *,
        keeps_with_signatures: bool = False,
    ) -> None:
        super().__init__(flowables, page_room)
        self.what = what
        self.keeps_with_signatures = keeps_with_signatures

    def _like(self, content: list[Flowable]) -> Unsplittable:
        return Unsplittable(
            content, self.what, self.page_room, keeps_with_signatures=self.keeps_with_signatures
        )

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        result = super().wrap(available_width, available_height)
        if self.height > self.page_room + ROUNDING_TOLERANCE:
            raise LayoutFitError(
                f"{self.what} is {self.height / mm:.0f} mm tall, but a page of this layout "
                f"holds {self.page_room / mm:.0f} mm and it must not be split; divide it into "
                "smaller blocks"
            )
        return result

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []  # never split: the frame moves the whole block to the next page


class StartPageUnlessFits(CondPageBreak):
    """Starts a new page when a group that would fit on a fresh page does not fit here.

    Placed before a group of unsplittable parts (the parties of a signature block), it
    keeps the whole group on one page whenever it can; a group taller than a page still
    breaks, but only between its parts.
    """

    def __init__(self, group: list[Flowable], page_room: float) -> None:
        super().__init__(0)
        self.group = group
        self.page_room = page_room

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        total = 0.0
        for flowable in self.group:
            _, height = flowable.wrapOn(self.canv, available_width, available_height)
            total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        self.height = total if total <= self.page_room else 0
        width, height = super().wrap(available_width, available_height)
        return width, height
