"""Grouping a story so that nothing is left alone at the foot of a page.

Each heading or lead-in is grouped with what follows it, and a list of declarations is
kept with the signatures after it. ReportLab's own keepWithNext cannot hold a heading to
an unsplittable block and copies the frame on every measurement, so the story is
grouped here, once, after it is built.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from leaflet.story.flowables.boxes import KeepGroup, StartPageUnlessFits, Unsplittable


def keep_headings_with_blocks(story: list[Flowable], page_room: float) -> list[Flowable]:
    """The story with each heading or lead-in grouped with what follows it, and a list
    of declarations moved into the group of signatures that follows it.

    A `StartPageUnlessFits` marker only measures its group, so it may list a heading
    that is also folded into the block after it.
    """
    out: list[Flowable] = []  # the story from the end, reversed
    for flowable in reversed(story):
        following = out[-1] if out else None
        if flowable.getKeepWithNext() and following is not None:
            if isinstance(following, KeepGroup):
                out[-1] = following.with_first(flowable)
                continue
            if isinstance(following, StartPageUnlessFits) and isinstance(out[-2], KeepGroup):
                out[-2] = out[-2].with_first(flowable)
                out[-1] = StartPageUnlessFits([flowable, *following.group], following.page_room)
                continue
            if not isinstance(following, Spacer):
                out[-1] = KeepGroup([flowable, following], page_room)
                continue
        if _signs_with_what_follows(flowable, out):
            _join_signatures(flowable, out)
            continue
        out.append(flowable)
    return out[::-1]


def _signs_with_what_follows(flowable: Flowable, out: list[Flowable]) -> bool:
    """Whether `flowable` is kept with signatures, and a spacer and a group of them
    follow that holds no declarations yet: only the list just before the signatures joins
    them, not every list of declarations before it."""
    return (
        _keeps_with_signatures(flowable)
        and len(out) >= 2
        and isinstance(out[-2], StartPageUnlessFits)
        and not any(_keeps_with_signatures(part) for part in out[-2].group)
    )


def _keeps_with_signatures(flowable: Flowable) -> bool:
    return isinstance(flowable, Unsplittable) and flowable.keeps_with_signatures


def _join_signatures(flowable: Flowable, out: list[Flowable]) -> None:
    """Put `flowable` (and the spacer after it) into the signatures' group."""
    spacer, marker = out.pop(), out.pop()
    assert isinstance(marker, StartPageUnlessFits)
    joined = StartPageUnlessFits([flowable, spacer, *marker.group], marker.page_room)
    out += [spacer, flowable, joined]
