"""Boxes: content in a padded box, on a background, and stacks side by side.

`Box` and `Columns` are lighter than one-cell Tables, which measure their content
several times. A `SplittableBox` may break across pages (a long callout on a small
page); groups kept together live in `groups`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from leaflet.story import tags
from leaflet.story.lines import flows_rtl
from leaflet.story.spacing import BOX_PADDING
from leaflet.story.tags import Tag

#: A block may be this much (points) taller than a page: lengths are rounded.
ROUNDING_TOLERANCE = 0.5
#: A group kept together (the parties of a signature block) starts a new page only when
#: the page it would leave is at least this share full.
HALF = 0.5
#: A box or table moves to the next page whole, rather than break, only when the page
#: it leaves is at least this share full.
FULL_ENOUGH = 2 / 3


def moves_whole(
    block: Flowable,
    height: float,
    available_height: float,
    room: float,
    full_enough: float = FULL_ENOUGH,
) -> bool:
    """Whether `block` (`height` tall, on pages `room` tall) should go to the next page
    whole rather than break here: it fits a page, and the page it leaves is full enough
    (at least `full_enough` of it used).

    Inside a group kept together (a heading over a table), what the group puts above it
    on this page (`kept_above`, set by `leaflet.story.flowables.groups.KeepGroup`) would
    move with it: the page it leaves is only as full as it is before the group."""
    left = available_height + getattr(block, "kept_above", 0.0)
    return height <= room and left <= room * (1 - full_enough)


def last_break(steps: Sequence[float], room: float, least: int, above: float = 0) -> int | None:
    """Where a run of rows that a page may break between (a list's items, a table's
    rows) breaks: how many of them go on this page, as many as fit in `room` below
    `above` (a header row), leaving at least `least` (one or more) on either side; None
    when too few fit. `steps` are the rows' heights, each with the space above it.

    Linear: the heights are added up once, as the page would stack them, not once for
    each place the run might break."""
    best, total = None, 0.0
    for count, step in enumerate(steps[: max(len(steps) - least, 0)], start=1):
        total += step
        if count >= least and above + total <= room:
            best = count
    return best


class Box(Flowable):
    """Flowables stacked in a padded box, on a background, with an optional bar at the left.

    Never split: boxes sit inside `Unsplittable` blocks or are small (see `SplittableBox`).
    The background and bar are decoration; `tag` (a `Sect`, say) groups what the box holds.
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
        self._wrapped_for: tuple[float, float] | None = None
        self._placed: list[tuple[Flowable, float, float, float]] = []

    def _inner_left(self) -> float:
        return self.padding + self.bar_width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # Measured once per space offered: what is inside may choose its form by the
        # height left for it (`FirstThatFits`).
        if self._wrapped_for == (available_width, available_height):
            return self.width, self.height
        self._wrapped_for = (available_width, available_height)
        inner_width = available_width - self._inner_left() - self.padding
        self._placed = []
        total = 0.0
        for index, flowable in enumerate(self.content):
            before = flowable.getSpaceBefore() if index else 0
            left = available_height - total - before - self.padding * 1.8
            _, height = flowable.wrapOn(self.canv, inner_width, left)
            after = flowable.getSpaceAfter() if index < len(self.content) - 1 else 0
            self._placed.append((flowable, before, height, after))
            total += before + height + after
        self.width = available_width
        self.height = total + self.padding * 1.8  # a little less above than below the text
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        rtl = flows_rtl(self.content)
        if self.background is not None or self.bar is not None:
            with tags.artifact(canvas):
                canvas.saveState()
                if self.background is not None:
                    canvas.setFillColor(self.background)
                    canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
                if self.bar is not None:  # at the start of the lines: the right, right to left
                    bar_x = self.width - self.bar_width if rtl else 0
                    canvas.setFillColor(self.bar)
                    canvas.rect(bar_x, 0, self.bar_width, self.height, stroke=0, fill=1)
                canvas.restoreState()
        y = self.height - self.padding * 0.8
        x = self.padding if rtl else self._inner_left()
        with tags.group(canvas, self.tag):
            for flowable, before, height, after in self._placed:
                y -= before + height
                flowable.drawOn(canvas, x, y)
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
        rtl = flows_rtl([f for _, stack in self.columns for f in stack])
        x = self.width if rtl else 0.0  # right to left, the first column is at the right
        for stack, width in zip(self._stacks, self._widths, strict=True):
            stack.drawOn(self.canv, x - width if rtl else x, self.height - stack.height)
            x += -(width + self.gap) if rtl else width + self.gap


class SplittableBox(Box):
    """A box a page may break inside: between its parts, or inside one (a list between
    items, a paragraph between lines), never straight after a heading or lead-in (its
    title, which must keep with the next flowable, as must `continued`). It breaks only
    where the page it starts on would otherwise be left too empty; else it moves to the
    next page whole (`FULL_ENOUGH`). A break that would leave only its opening here (the
    title and the paragraph leading in) moves it whole already where the page is at least
    half full (`HALF`). Where all but the air after its last list fits, it
    ends here without that air: one part, never a `continued` part with nothing in it.
    Each part keeps the background and bar; the parts after the first start with
    `continued` (the title again, saying so: a `RepeatedTitle`, which a screen reader
    skips), if given."""

    def __init__(
        self,
        content: list[Flowable],
        page_room: float,
        *,
        continued: Flowable | None = None,
        **box: Any,
    ) -> None:
        super().__init__(content, **box)
        if continued is not None and not continued.getKeepWithNext():
            raise ValueError("a box's continued title must keep with the next flowable")
        self.page_room = page_room
        self.continued = continued
        self._box = box

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        if moves_whole(self, self.height, available_height, self.page_room):
            return []  # the page is full enough: the box moves on whole
        parts = self._split(available_width, available_height)
        if (
            len(parts) > 1
            and self._opening_only(parts[0])
            and moves_whole(self, self.height, available_height, self.page_room, HALF)
        ):
            # Its title and a line or two at the page foot, the rest "(continued)"
            # overleaf, reads as two boxes: a page at least half full is left short instead.
            return []
        return parts

    def _opening_only(self, head: Flowable) -> bool:
        """Whether `head` (the first part of a split) holds no more than this box's
        opening: its title (which keeps with the next flowable), and the paragraph that
        leads in after it, or part of them."""
        assert isinstance(head, Box)
        for index, member in enumerate(self.content):
            if not member.getKeepWithNext():  # the first that may end a part: the lead-in
                return isinstance(member, Paragraph) and len(head.content) <= index + 1
        return True

    def _split(self, available_width: float, available_height: float) -> list[Flowable]:
        """`split`, wherever the box can break: as low as it can; none where it cannot."""
        inner_width = available_width - self._inner_left() - self.padding
        room = available_height - self.padding * 1.8
        content = self.content
        for index in range(len(self._placed) - 1, 0, -1):
            member, before, _, _ = self._placed[index]
            used = sum(b + h + a for _, b, h, a in self._placed[:index])
            if not member.getKeepWithNext():
                parts = member.splitOn(self.canv, inner_width, room - used - before)
                if len(parts) > 1:
                    rest = [*parts[1:], *content[index + 1 :]]
                    return self._parts([*content[:index], parts[0]], rest)
            if not content[index - 1].getKeepWithNext() and used <= room:
                if all(isinstance(rest, Spacer) for rest in content[index:]):
                    # Only the air after a closing list is left over: the box ends
                    # here without it, rather than leave a "(continued)" box with
                    # nothing in it at the top of the next page.
                    return [Box(content[:index], **self._spaced(self.spaceBefore, self.spaceAfter))]
                return self._parts(content[:index], content[index:])
        return []

    def _parts(self, first: list[Flowable], rest: list[Flowable]) -> list[Flowable]:
        head = Box(first, **self._spaced(self.spaceBefore, 0))
        lead = [self.continued] if self.continued is not None else []
        tail = SplittableBox(
            [*lead, *rest],
            self.page_room,
            continued=self.continued,
            **self._spaced(0, self.spaceAfter),
        )
        return [head, tail]

    def _spaced(self, before: float, after: float) -> dict[str, Any]:
        """This box's settings, with `before` and `after` it."""
        return {**self._box, "space_before": before, "space_after": after}
