"""Grouping a story so that nothing is left alone at the foot of a page.

Each heading or lead-in is grouped with what follows it, and what a signature block
signs (a list of declarations, or the statement just before it, such as the withdrawal
of consent) is kept with the first party that signs it. ReportLab's own keepWithNext
cannot hold a heading to an unsplittable block and copies the frame on every
measurement, so the story is grouped here, once, after it is built.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer

from leaflet.story.flowables.forms import TickRows
from leaflet.story.flowables.groups import EndGroup, KeepGroup, StartPageUnlessFits


def keep_headings_with_blocks(
    story: list[Flowable], page_room: float, last: Flowable | None = None
) -> list[Flowable]:
    """The story with each heading or lead-in grouped with what follows it, and what a
    signature block signs kept with its first party; then `last` (the About box that
    ends a document), kept with the block before it, so it never takes a page alone.

    A `StartPageUnlessFits` marker only measures its group, so it may list a heading
    that is also folded into the block after it.
    """
    grouped = _group(story, page_room)
    if last is None:
        return grouped
    while grouped and _gap(grouped[-1]):
        grouped.pop()
    if not grouped:
        return [last]
    return [*grouped[:-1], EndGroup([grouped[-1], last], page_room)]


def _group(story: list[Flowable], page_room: float) -> list[Flowable]:
    out: list[Flowable] = []  # the story from the end, reversed
    for flowable in reversed(story):
        following = out[-1] if out else None
        if _signed(flowable) and _signatures_follow(out):
            _keep_with_first_party(flowable, out, page_room)
            continue
        if flowable.getKeepWithNext() and following is not None:
            if isinstance(following, StartPageUnlessFits) and len(out) > 1:
                out[-2] = _with_first(flowable, out[-2], page_room)
                out[-1] = StartPageUnlessFits([flowable, *following.group], following.page_room)
                continue
            if not _gap(following):
                out[-1] = _with_first(flowable, following, page_room)
                continue
        out.append(flowable)
    return out[::-1]


def _with_first(flowable: Flowable, following: Flowable, page_room: float) -> KeepGroup:
    """`following` with `flowable` (a heading or lead-in) kept at its top."""
    if isinstance(following, KeepGroup):
        return following.with_first(flowable)
    return KeepGroup([flowable, following], page_room)


def _signed(flowable: Flowable) -> bool:
    """Whether `flowable` is what a signature block after it signs: declarations to
    tick, or a statement (a paragraph that is not a heading or lead-in)."""
    if isinstance(flowable, TickRows):
        return flowable.signed
    return isinstance(flowable, Paragraph) and not flowable.getKeepWithNext()


def _gap(flowable: Flowable) -> bool:
    """A plain spacer (a page-break marker is a kind of spacer too)."""
    return isinstance(flowable, Spacer) and not isinstance(flowable, StartPageUnlessFits)


def _signatures_follow(out: list[Flowable]) -> bool:
    """Whether a signature block comes next (perhaps after a spacer): its marker, then
    its first party; and nothing it signs has joined it yet: only what comes just before
    the signatures joins them, not every list of declarations before that."""
    following = out[::-1][:3]  # what comes next, in story order
    if following and _gap(following[0]):
        following = following[1:]
    return (
        len(following) >= 2
        and isinstance(following[0], StartPageUnlessFits)
        and not _gap(following[1])
        and not any(_signed(part) for part in following[0].group)
    )


def _keep_with_first_party(flowable: Flowable, out: list[Flowable], page_room: float) -> None:
    """Group `flowable` (and the spacer after it) with the signature block's first party,
    and add it to the block's marker, so the two are never parted by a page break."""
    spacer = [out.pop()] if _gap(out[-1]) else []
    marker = out.pop()
    assert isinstance(marker, StartPageUnlessFits)
    first = out.pop()
    bound = KeepGroup([flowable, *spacer, first], page_room)
    out += [bound, StartPageUnlessFits([flowable, *spacer, *marker.group], marker.page_room)]
