"""Grouping the story: a list of declarations is kept with the signatures right after it,
and only that one, so a form's earlier lists still fill the pages before."""

from __future__ import annotations

from reportlab.platypus import Spacer

from leaflet.story.flowables.boxes import StartPageUnlessFits, Unsplittable
from leaflet.story.grouping import keep_headings_with_blocks

PAGE = 600.0


def declarations(name: str) -> Unsplittable:
    return Unsplittable([Spacer(0, 50)], name, PAGE, keeps_with_signatures=True)


def test_only_the_last_list_of_declarations_joins_the_signatures() -> None:
    first, last = declarations("agreement"), declarations("practitioner")
    party = Unsplittable([Spacer(0, 80)], "signature", PAGE)
    signatures = [party, Spacer(0, 6)]
    story = [
        first,
        Spacer(0, 5),
        last,
        Spacer(0, 5),
        StartPageUnlessFits(signatures, PAGE),
        *signatures,
    ]
    grouped = keep_headings_with_blocks(story, PAGE)
    markers = [f for f in grouped if isinstance(f, StartPageUnlessFits)]
    assert len(markers) == 1
    assert last in markers[0].group and first not in markers[0].group
    # The marker now stands before the last list, which stays before the signatures.
    assert grouped.index(markers[0]) < grouped.index(last) < grouped.index(party)
    assert grouped.index(first) < grouped.index(markers[0])
