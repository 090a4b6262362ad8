"""Grouping the story: a list of declarations is kept with the signatures right after it,
and only that one, so a form's earlier lists still fill the pages before."""

from __future__ import annotations

from reportlab.lib.colors import black
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Spacer

from leaflet.story.flowables.forms import TickRows
from leaflet.story.flowables.groups import KeepGroup, StartPageUnlessFits, Unsplittable
from leaflet.story.flowables.text import Para
from leaflet.story.grouping import keep_headings_with_blocks

PAGE = 600.0
COLOURS = {"text": black, "rule": black, "stripe": black, "header": black}


def declarations(text: str) -> TickRows:
    rows = TickRows([Para(text, ParagraphStyle("t"))], 1, 20, 10, COLOURS)
    rows.signed = True  # as the declarations builder marks them
    return rows


def test_only_the_last_list_of_declarations_joins_the_signatures() -> None:
    first, last = declarations("I agree."), declarations("I have read it.")
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
    # The last list is bound to the first party; the first list stays on its own,
    # before the marker, free to fill the pages before.
    bound = [f for f in grouped if isinstance(f, KeepGroup) and last in f.content]
    assert len(bound) == 1 and party in bound[0].content
    assert first in grouped and grouped.index(first) < grouped.index(markers[0])
