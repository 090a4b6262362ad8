"""The visual order of a line of text that mixes directions (UAX #9, line by line).

A paragraph is wrapped in logical order; each line is then put in the order the eye
reads it, left to right on the page. Reordering a whole paragraph first would put its
lines in the wrong order too, so this works on one line at a time.

The paragraph's direction comes from its language. Inside it, runs of the other
direction are isolated, as UAX #9 does with LRI/RLI ... PDI: in right-to-left text a run
from a Latin letter or a digit to the last one before the next right-to-left letter
("SPF 30", "020 7946 0000", an email address, "10:30") reads left to right as a whole;
in left-to-right text a run of right-to-left letters (an Arabic name) reads right to
left, the digits inside it left to right. Everything else takes the paragraph's
direction. python-bidi's implementation of UAX #9 gives the same order for every line
of the built-in content (`tests/test_rtl.py`); it is not used here because it returns a
reordered string, not the runs each font and direction needs to be shaped in. One
deliberate difference: digit groups in Arabic-Indic digits ("٠٢٠ ٧٩٤٦") inside an
isolated run keep their left-to-right order, as phone numbers must.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from unicodedata import bidirectional

#: Characters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan...
#: and their presentation forms): their presence is what makes a line need reordering.
RTL_CHARS = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_RTL_CLASSES = frozenset({"R", "AL"})
_LTR_ISLAND_CLASSES = frozenset({"L", "EN", "AN"})

#: A run of a line: its start and end in the logical text, and whether it reads right
#: to left.
Run = tuple[int, int, bool]


def has_rtl(text: str) -> bool:
    """Whether `text` holds any right-to-left letter."""
    return RTL_CHARS.search(text) is not None


def visual_runs(
    text: str,
    rtl: bool,
    start: int = 0,
    end: int | None = None,
    spans: Sequence[tuple[int, int]] | None = None,
) -> list[Run]:
    """The runs of `text[start:end]` (one line) in visual order, left to right, for a
    paragraph written right to left (`rtl`) or left to right. `spans`, when given, are
    the line's islands as found in its whole paragraph (`line_islands`)."""
    end = len(text) if end is None else end
    units: list[list[Run]] = []
    position = start
    for first, last in islands(text, rtl, start, end) if spans is None else spans:
        if first > position:
            units.append([(position, first, rtl)])
        units.append([(first, last, False)] if rtl else visual_runs(text, True, first, last))
        position = last
    if position < end:
        units.append([(position, end, rtl)])
    if rtl:
        units.reverse()
    return [run for unit in units for run in unit]


def islands(text: str, rtl: bool, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of `text[start:end]` that read in the other direction: in right-to-left text
    from a Latin letter or digit to the last one before the next right-to-left letter;
    in left-to-right text from a right-to-left letter to the last one before the next
    Latin letter."""
    end = len(text) if end is None else end
    inside, breaks = (
        (_LTR_ISLAND_CLASSES, _RTL_CLASSES) if rtl else (_RTL_CLASSES, frozenset({"L"}))
    )
    spans: list[tuple[int, int]] = []
    first = last = -1
    for index in range(start, end):
        kind = bidirectional(text[index])
        if kind in inside:
            if first < 0:
                first = index
            last = index
        elif first >= 0 and kind in breaks:
            spans.append((first, last + 1))
            first = -1
    if first >= 0:
        spans.append((first, last + 1))
    return spans


@functools.lru_cache(maxsize=4096)
def line_islands(lines: tuple[str, ...], rtl: bool) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The islands of each of a paragraph's wrapped `lines`, found in the paragraph as a
    whole (its lines joined by the spaces the breaks took) and cut at the line ends.

    UAX #9 resolves directions over the paragraph and reorders line by line: the full
    stop in "scarring. Int J" sits between two Latin words, so it stays with them in a
    left-to-right run even when the line breaks right after it."""
    text = " ".join(lines)
    found = islands(text, rtl)
    out, offset = [], 0
    for line in lines:
        end = offset + len(line)
        out.append(
            tuple(
                (max(a, offset) - offset, min(b, end) - offset)
                for a, b in found
                if max(a, offset) < min(b, end)
            )
        )
        offset = end + 1
    return tuple(out)
