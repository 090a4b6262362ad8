"""Grouping the story: a list of declarations is kept with the signatures right after it,
and only that one, so a form's earlier lists still fill the pages before. Long lists and
tables of tick boxes break where the page fills up, found in one pass over their rows,
each row measured once; the last block and the About box are measured once per space.
A box never leaves a "(continued)" part with nothing in it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from reportlab.lib.colors import black
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from leaflet.story.flowables.boxes import SplittableBox, last_break
from leaflet.story.flowables.forms import TickRows
from leaflet.story.flowables.groups import (
    EndGroup,
    Items,
    KeepGroup,
    StartPageUnlessFits,
    Unsplittable,
)
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


class Height(float):
    """A row's height that counts every sum it takes part in."""

    additions = 0

    def __add__(self, other: Any) -> Height:
        Height.additions += 1
        return Height(float(self) + float(other))

    __radd__ = __add__


class Row(Flowable):
    """A row of a fixed height that counts how often it is measured."""

    def __init__(self, height: float) -> None:
        super().__init__()
        self.row_height = height
        self.wraps = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.wraps += 1
        self.width, self.height = available_width, Height(self.row_height)
        return self.width, self.height


def uneven_rows(count: int) -> list[Row]:
    """Rows from 10 to 58 points tall, in an order with no pattern a break would favour."""
    return [Row(10 + (index * 37) % 49) for index in range(count)]


def first_break(steps: list[float], room: float, least: int, above: float = 0) -> int | None:
    """Where a run broke before `last_break`: the last count of rows that fit, leaving at
    least `least` on either side, each count's heights added up afresh."""
    fits = [k for k in range(least, len(steps) - least + 1) if above + sum(steps[:k]) <= room]
    return fits[-1] if fits else None


@pytest.mark.parametrize("least", [1, 2, 3])
def test_a_run_of_rows_breaks_where_it_did(least: int) -> None:
    steps = [float(10 + (index * 37) % 49) for index in range(60)] + [0.0, 12.5]
    for count in (0, 1, 2, 3, 5, len(steps)):
        for room in (0, 9.5, 10, 57, 58, 400, 1_000, 1_740, 10_000):
            for above in (0, 21.25):
                expected = first_break(steps[:count], room, least, above)
                assert last_break(steps[:count], room, least, above) == expected


@pytest.mark.parametrize("page_room", [600.0, 1e9])  # taller than a page, or not
def test_a_long_list_breaks_where_it_did(page_room: float) -> None:
    canvas, rows = Canvas(io.BytesIO()), uneven_rows(400)
    heights = [row.row_height for row in rows]
    least = 1 if sum(heights) > page_room else 2
    for room in (35.0, 250.0, 599.0):
        parts = Items(rows, page_room).splitOn(canvas, 300, room)
        expected = first_break(heights, room, least)
        if expected is None:  # two rows do not fit: the list moves on whole
            assert least == 2 and parts == []
            continue
        first, rest = parts
        assert len(first.items) == expected and first.items + rest.items == rows


def test_a_long_table_of_tick_boxes_breaks_where_it_did() -> None:
    canvas, texts = Canvas(io.BytesIO()), uneven_rows(400)
    style = ParagraphStyle("t", fontSize=10, leading=12)  # a header of one line: 12 pt
    header = [Para(text, style) for text in ("Question", "Yes", "No")]
    padded = [row.row_height + 2 * TickRows.PAD_Y for row in texts]
    for room in (200.0, 599.0):
        table = TickRows(texts, 2, 40, 10, COLOURS, header=header)
        first, rest = table.splitOn(canvas, 400, room)
        expected = first_break(padded, room, TickRows.MIN_ROWS, above=12 + 2 * TickRows.PAD_Y)
        assert len(first.texts) == expected and first.texts + rest.texts == texts


def test_splitting_a_long_list_measures_each_row_once_and_adds_its_height_up_once() -> None:
    # Finding the break by adding up the rows before each place it might go costs the
    # square of the rows: 400 rows made 80,000 additions. One pass makes a few per row.
    canvas = Canvas(io.BytesIO())
    for run in (Items(uneven_rows(400), 600), TickRows(uneven_rows(400), 1, 20, 10, COLOURS)):
        rows = run.items if isinstance(run, Items) else run.texts
        Height.additions = 0
        assert len(run.splitOn(canvas, 300, 5_000)) == 2
        assert [row.wraps for row in rows] == [1] * 400
        assert Height.additions <= 5 * 400


def test_the_last_block_and_the_about_box_are_measured_once_in_each_space() -> None:
    # Here, and on a fresh page (whether the pair is taller than a page): not twice each.
    canvas = Canvas(io.BytesIO())
    for room, parted in ((500, True), (250, False)):
        block, about = Row(300), Row(400)
        parts = EndGroup([block, about], PAGE).splitOn(canvas, 300, room)
        # They part (the block fills this page, the box the next) or, neither splitting,
        # move on to the next page.
        assert parts == ([block, about] if parted else [])
        assert (block.wraps, about.wraps) == (2, 2)


def test_a_last_block_that_fits_is_not_broken_to_keep_the_about_box_company() -> None:
    """The last block fits here, the About box after it does not, and this page is at
    least half full: the two move on together. The block once split instead (a contact
    box's title and first line here, the rest "(continued)" on the next page beside the
    About box), with room for all of it left on this page."""
    canvas = Canvas(io.BytesIO())
    style, kept = ParagraphStyle("text"), ParagraphStyle("title", keepWithNext=1)
    content = [Para("How to contact us", kept), Para("Call us.", style), Row(100)]
    continued = Para("How to contact us (continued)", kept)
    block = SplittableBox(content, PAGE, continued=continued, padding=5)
    block_height = block.wrapOn(canvas, 300, PAGE)[1]
    room = PAGE * 0.49  # this page is just over half full
    assert block_height < room
    assert EndGroup([block, Row(250)], PAGE).splitOn(canvas, 300, room) == []


def callout_with_air() -> tuple[list[Flowable], SplittableBox]:
    """A callout's content (a title, a lead-in, a closing list and the air after it)
    and the box holding it."""
    style, kept = ParagraphStyle("text"), ParagraphStyle("title", keepWithNext=1)
    items = Items([Para(f"Sign {number}.", style) for number in range(4)], PAGE)
    content = [Para("Contact us if", kept), Para("Call us.", style), items, Spacer(0, 20)]
    continued = Para("Contact us if (continued)", kept)
    return content, SplittableBox(content, PAGE, continued=continued, padding=5)


def test_a_box_that_fits_but_for_the_air_after_its_last_list_ends_whole() -> None:
    """A callout's closing list has a little air after it (a spacer). Where everything
    else fits the page but that air does not, the box ends on this page without it: it
    once split there, leaving a "(continued)" box with nothing in it on the next page."""
    canvas = Canvas(io.BytesIO())
    content, box = callout_with_air()
    _, height = box.wrapOn(canvas, 300, 10_000)
    box.page_room = height  # the page is not full enough for the box to move on whole
    parts = box.splitOn(canvas, 300, height - 10)
    assert len(parts) == 1 and not isinstance(parts[0], SplittableBox)
    assert parts[0].content == content[:3]
    assert parts[0].wrapOn(canvas, 300, height - 10)[1] <= height - 10


def test_a_box_under_its_heading_that_fits_but_for_the_air_ends_whole_with_it() -> None:
    """The same box kept with a heading before it (a section's heading over a callout):
    the group ends on this page, the box without its air. It once moved on whole,
    because the group took the box's one part for no split at all."""
    canvas = Canvas(io.BytesIO())
    content, box = callout_with_air()
    heading = Para("After your treatment", ParagraphStyle("heading", keepWithNext=1))
    group = KeepGroup([heading, box], PAGE)
    _, height = group.wrapOn(canvas, 300, 10_000)
    group.page_room = box.page_room = height  # not full enough to move on whole
    parts = group.splitOn(canvas, 300, height - 10)
    assert len(parts) == 1 and isinstance(parts[0], KeepGroup)
    assert parts[0].content[0] is heading
    assert parts[0].content[1].content == content[:3]
    assert parts[0].wrapOn(canvas, 300, height - 10)[1] <= height - 10


def callout_with_tall_list(lead_in: str = "Call us.") -> SplittableBox:
    """A callout whose title and lead-in are followed by a list that cannot break (two
    tall items, never one alone): it can break only after its lead-in."""
    style, kept = ParagraphStyle("text"), ParagraphStyle("title", keepWithNext=1)
    items = Items([Row(150), Row(150)], PAGE)
    content = [Para("Contact us if", kept), Para(lead_in, style), items]
    continued = Para("Contact us if (continued)", kept)
    return SplittableBox(content, PAGE, continued=continued, padding=5)


def test_a_box_that_would_leave_only_its_title_and_lead_in_here_moves_on_whole() -> None:
    """On a page already more than half full, a box that fits a page is not broken
    after its title and lead-in (the rest "(continued)" overleaf): it moves on whole.
    It once broke there whenever the page was less than two thirds full."""
    canvas = Canvas(io.BytesIO())
    box = callout_with_tall_list()
    assert box.wrapOn(canvas, 300, PAGE)[1] <= PAGE
    room = PAGE * 0.45  # this page is just over half full
    assert box.splitOn(canvas, 300, room) == []


def test_a_box_breaks_after_its_lead_in_where_the_page_would_be_left_too_empty() -> None:
    """The same box on a page less than half full still breaks after its lead-in:
    moving it on would leave most of the page empty."""
    canvas = Canvas(io.BytesIO())
    box = callout_with_tall_list()
    head, tail = box.splitOn(canvas, 300, PAGE * 0.55)
    assert [flowable.text for flowable in head.content] == ["Contact us if", "Call us."]
    assert isinstance(tail, SplittableBox) and tail.content[0].text == "Contact us if (continued)"


def test_a_box_that_leaves_more_than_its_opening_here_still_breaks() -> None:
    """A box with no lead-in (a signing party: a title, then its fields) breaks after
    two of its fields at the foot of a page more than half full, as before."""
    canvas = Canvas(io.BytesIO())
    kept = ParagraphStyle("title", keepWithNext=1)
    fields = Items([Row(80) for _ in range(5)], PAGE)
    box = SplittableBox([Para("Patient", kept), fields], PAGE, padding=5)
    head, _ = box.splitOn(canvas, 300, PAGE * 0.4)  # not full enough to move it on whole
    assert head.content[0].text == "Patient"
    assert len(head.content[1].items) == 2


def test_a_last_box_that_cannot_share_a_page_with_the_about_box_still_breaks() -> None:
    """A last box (a contact box) and the About box that cannot share any page: the box
    still breaks after its title and lead-in on a page more than half full, its rest
    beside the About box overleaf. Moving it on whole would leave the About box a page
    of its own, one more page."""
    canvas = Canvas(io.BytesIO())
    lead_in = " ".join(["Call us if you notice any of these signs."] * 6)  # several lines
    box, about = callout_with_tall_list(lead_in), Row(260)
    assert box.wrapOn(canvas, 300, PAGE)[1] + 260 > PAGE
    head, rest = EndGroup([box, about], PAGE).splitOn(canvas, 300, PAGE * 0.45)
    assert [flowable.text for flowable in head.content] == ["Contact us if", lead_in]
    assert isinstance(rest, KeepGroup) and rest.content[-1] is about
