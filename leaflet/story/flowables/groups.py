"""Groups and breaks: what a page may break between, and what it keeps together.

`KeepGroup` holds a heading or lead-in to what follows it (splitting what follows
rather than leaving the page short); `Unsplittable` keeps a signature party or small
box on one page and refuses, with a clear error, one taller than a page;
`StartPageUnlessFits` keeps a group of them together when it can; `Items` breaks a list
between items, never leaving one alone on a page; `FirstThatFits` picks the loosest
rendering of a block that fits the space left. A page is left part empty to keep
things together only when it is at least half full (`HALF`).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from leaflet.errors import LayoutFitError
from leaflet.story.flowables.boxes import HALF, ROUNDING_TOLERANCE, Box, last_break


class FirstThatFits(Flowable):
    """The first of several renderings of the same content (loosest first) that fits
    the space left on the page, or the last (the tightest) when none does: a box that
    would otherwise take a page of its own tightens to share the page before it. Never
    split. An option taller than a page is passed over."""

    def __init__(self, options: Sequence[Flowable]) -> None:
        super().__init__()
        self.options = list(options)
        self.chosen = options[0]

    def getSpaceBefore(self) -> float:
        return self.chosen.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.chosen.getSpaceAfter()

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        for option in self.options:
            try:
                self.width, self.height = option.wrapOn(
                    self.canv, available_width, available_height
                )
            except LayoutFitError:  # taller than a page (it must not split): not this one
                continue
            self.chosen = option
            if self.height <= available_height:
                return self.width, self.height
        self.chosen = self.options[-1]  # the tightest: the frame moves it on, or says why
        self.width, self.height = self.chosen.wrapOn(self.canv, available_width, available_height)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        self.chosen.drawOn(self.canv, 0, 0)


class KeepGroup(Box):
    """Flowables kept together at a page break (a heading and what follows it): when
    they do not fit the space left, the last of them is split, so the first part goes
    with the others and the page fills up; when it cannot be split, the group goes to
    the next page whole. A group taller than a page that cannot split so splits as usual.

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
        tall = self._measure(available_width, available_height)
        return self._split(available_width, available_height, tall)

    def _measure(self, available_width: float, available_height: float) -> bool:
        """Lay the group out on a fresh page, then here (where it splits): each member is
        measured once in each space. Returns whether it is taller than a page as laid out
        on a fresh one (an About box there may be loose)."""
        tall = self.wrap(available_width, self.page_room)[1] > self.page_room + ROUNDING_TOLERANCE
        self.wrap(available_width, available_height)
        return tall

    def _split(self, available_width: float, available_height: float, tall: bool) -> list[Flowable]:
        """`split`, the group measured (`_measure`) and `tall` or not."""
        for index in range(len(self._placed) - 1, -1, -1):
            parts = self._split_at(index, available_width, available_height, tall)
            if parts:
                return parts
        if not tall or available_height < self.page_room - ROUNDING_TOLERANCE:
            # The frame moves the whole group to the next page: one taller than a page
            # splits there, its heading on the page of what it heads.
            return []
        return list(self.content)  # no member splits even on a whole page: one by one

    def _split_at(
        self, index: int, available_width: float, available_height: float, tall: bool
    ) -> list[Flowable]:
        """The group split inside its member `index` (never a heading or lead-in): what
        comes before it with its first part, then its rest with what comes after it (a
        member that ends here in one shorter part, and is the last, leaves no rest). A
        group that fits a page splits only where the page it leaves is at least half
        full; so does one taller than a page, which may instead go member by member."""
        member, before, _, _ = self._placed[index]
        if member.getKeepWithNext() or isinstance(member, Spacer):
            return []
        used = sum(b + h + a for _, b, h, a in self._placed[:index]) + before
        # See `moves_whole`: what this group (and any it sits in) puts above the member
        # would go with it; a group taller than a page breaks anyway, so never moves whole.
        above = self.page_room if tall else used + getattr(self, "kept_above", 0.0)
        member.kept_above = above  # type: ignore[attr-defined]
        try:
            parts = member.splitOn(self.canv, available_width, available_height - used)
        finally:
            del member.kept_above  # type: ignore[attr-defined]
        if not parts or (index == 0 and not parts[0]):
            return []
        if len(parts) == 1 and parts[0] is member:
            return []  # it fits whole: no split in it makes room
        head = self._like([*self.content[:index], parts[0]]) if index else parts[0]
        head_height = head.wrapOn(self.canv, available_width, available_height)[1]
        if self.page_room - available_height + head_height < self.page_room * HALF:
            return []  # a split that leaves the page less than half full gains nothing
        tail = [*parts[1:], *self.content[index + 1 :]]
        if not tail:  # the member ends here, shorter (`SplittableBox`: without its air)
            return [head]
        if len(tail) == 1:
            return [head, tail[0]]
        rest = self._like(tail)
        if rest.wrapOn(self.canv, available_width, self.page_room)[1] > self.page_room:
            return []  # what would go on together does not fit a page either
        return [head, rest]


class EndGroup(KeepGroup):
    """The last block of a document and the About box after it, kept together so the
    box does not take a page of its own (it tightens to share the page: `FirstThatFits`).

    When the two do not fit here but the block does, and the two cannot share any page
    or moving them on would leave this page less than half full, they part: the
    block whole here, the box on the last page; otherwise the two move on together. A
    block that fits here is not broken (a contact box parted from its title) only to
    keep the box company."""

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        tall = self._measure(available_width, available_height)
        block, _, block_height, _ = self._placed[0]
        fits_here = block_height <= available_height and not block.getKeepWithNext()
        if not fits_here:
            return self._split(available_width, available_height, tall)
        # How full the page is, not counting the gap the block would open below the text
        # before it: the text on the page is what a reader sees as half full or not.
        empty = available_height + self.getSpaceBefore()
        if tall or empty > self.page_room * HALF:
            return list(self.content)  # they part: the block here, the box on the next page
        return []  # this page is at least half full: the two move on together


class Unsplittable(KeepGroup):
    """Content kept on one page; taller than a whole page is an error that names it.

    `what` names the block in that error.
    """

    def __init__(self, flowables: list[Flowable], what: str, page_room: float) -> None:
        super().__init__(flowables, page_room)
        self.what = what

    def _like(self, content: list[Flowable]) -> Unsplittable:
        return Unsplittable(content, self.what, self.page_room)

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
    """Starts a new page when a group that would fit on a fresh page does not fit here,
    and this page is already at least half full.

    Placed before a group of unsplittable parts (the parties of a signature block), it
    keeps the whole group on one page whenever that costs no more than half a page; a
    group taller than a page, or one that would leave most of this page empty, breaks
    between its parts.
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
        half_full = available_height <= self.page_room * HALF
        self.height = total if total <= self.page_room and half_full else 0
        width, height = super().wrap(available_width, available_height)
        return width, height


class Items(Flowable):
    """Items one below the other (a list's bullets, a group of fields) that a page may
    break between, but never with fewer than `min_items` of them on either side: no
    list item is left alone at the foot or the top of a page.

    A list too short to break so moves to the next page whole, unless it is taller than
    a page; then it breaks between any items.
    """

    def __init__(self, items: list[Flowable], page_room: float, min_items: int = 2) -> None:
        super().__init__()
        self.items = items
        self.page_room = page_room
        self.min_items = min_items
        self._heights: list[float] = []

    def _like(self, items: list[Flowable]) -> Items:
        return Items(items, self.page_room, self.min_items)

    def getSpaceBefore(self) -> float:
        return self.items[0].getSpaceBefore() if self.items else 0

    def getSpaceAfter(self) -> float:
        return self.items[-1].getSpaceAfter() if self.items else 0

    def _steps(self) -> list[float]:
        """Each item's height with the space between it and the item before."""
        steps = []
        for index, (item, height) in enumerate(zip(self.items, self._heights, strict=True)):
            before = 0.0
            if index:
                before = max(self.items[index - 1].getSpaceAfter(), item.getSpaceBefore())
            steps.append(before + height)
        return steps

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._heights = [
            item.wrapOn(self.canv, available_width, available_height)[1] for item in self.items
        ]
        self.height = sum(self._steps())
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for item, step in zip(self.items, self._steps(), strict=True):
            y -= step
            item.drawOn(self.canv, 0, y)

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        steps, least = self._steps(), self.min_items
        if self.height > self.page_room + ROUNDING_TOLERANCE:
            least = 1  # taller than a page: break wherever it must
        k = last_break(steps, available_height, least)
        if k is not None:
            return [self._like(self.items[:k]), self._like(self.items[k:])]
        if least == 1:  # not even one item fits: the first is split, if it can be
            parts = self.items[0].splitOn(self.canv, available_width, available_height)
            if len(parts) > 1:
                rest = self._like([*parts[1:], *self.items[1:]])
                return [parts[0], rest]
        return []  # the frame moves the list to the next page
