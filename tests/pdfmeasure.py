"""Measuring built PDFs from what they draw: glyph sizes and boxes, rules, page fill.

pdfplumber reads every glyph with its size and box (page content and the forms it
shows, such as the page furniture), every line and rectangle. Coordinates here are
pdfplumber's: points from the top-left corner of the page (or of a booklet's half
sheet), `top` and `bottom` growing downwards.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field

import pdfplumber
from reportlab.lib.units import mm

#: The footer rule: a thin horizontal line at least this share of the text width long.
RULE_WIDTH = 0.5
RULE_SHARE = 0.9


@dataclass
class Glyph:
    text: str
    size: float
    x0: float
    x1: float
    top: float
    bottom: float
    font: str
    colour: tuple[float, ...] | None

    @property
    def bold(self) -> bool:
        return "Bold" in self.font


@dataclass
class Shape:
    """A line or rectangle: its box, how it is painted and in which colours."""

    x0: float
    x1: float
    top: float
    bottom: float
    line_width: float
    stroke: tuple[float, ...] | None
    fill: tuple[float, ...] | None
    kind: str  # "line" or "rect"


@dataclass
class Page:
    number: int  # 1-based, in reading order (a booklet's halves count as pages)
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)

    @functools.cached_property
    def rule(self) -> Shape | None:
        """The footer rule: the lowest long, thin horizontal line in the page's lower half."""
        long_enough = [
            s
            for s in self.shapes
            if s.kind == "line"
            and abs(s.line_width - RULE_WIDTH) < 0.01
            and s.bottom - s.top < 0.5
            and s.top > self.height / 2
        ]
        widest = max((s.x1 - s.x0 for s in long_enough), default=0)
        candidates = [s for s in long_enough if s.x1 - s.x0 >= widest * RULE_SHARE]
        return max(candidates, key=lambda s: s.top, default=None)

    def above(self, y: float) -> list[Glyph]:
        return [g for g in self.glyphs if g.bottom <= y]

    def below(self, y: float) -> list[Glyph]:
        return [g for g in self.glyphs if g.top >= y]

    def text_of(self, glyphs: list[Glyph]) -> str:
        return "".join(g.text for g in sorted(glyphs, key=lambda g: (round(g.top), g.x0)))


def _glyph(char: dict) -> Glyph:
    colour = char.get("non_stroking_color")
    return Glyph(
        char["text"],
        round(char["size"], 2),
        char["x0"],
        char["x1"],
        char["top"],
        char["bottom"],
        char["fontname"],
        tuple(colour) if isinstance(colour, list | tuple) else None,
    )


def _shape(item: dict, kind: str) -> Shape:
    def colour(value: object) -> tuple[float, ...] | None:
        return tuple(value) if isinstance(value, list | tuple) else None

    return Shape(
        item["x0"],
        item["x1"],
        item["top"],
        item["bottom"],
        item.get("linewidth") or 0,
        colour(item.get("stroking_color")) if item.get("stroke") else None,
        colour(item.get("non_stroking_color")) if item.get("fill") else None,
        kind,
    )


def _page(number: int, plumbed) -> Page:
    page = Page(number, float(plumbed.width), float(plumbed.height))
    x_off, y_off = float(plumbed.bbox[0]), float(plumbed.bbox[1])

    def moved(item):
        item = dict(item)
        for key in ("x0", "x1"):
            item[key] -= x_off
        for key in ("top", "bottom"):
            item[key] -= y_off
        return item

    page.glyphs = [_glyph(moved(c)) for c in plumbed.chars if c["text"].strip()]
    page.shapes = [_shape(moved(line), "line") for line in plumbed.lines]
    page.shapes += [_shape(moved(rect), "rect") for rect in plumbed.rects]
    return page


def measure(data: bytes, *, booklet: bool = False) -> list[Page]:
    """Every page of `data`; a booklet's sheet sides are cut into their two pages (in
    sheet order, not reading order)."""
    pages: list[Page] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for plumbed in pdf.pages:
            if booklet:
                half = float(plumbed.width) / 2
                for left in (0.0, half):
                    box = (left, 0, left + half, float(plumbed.height))
                    pages.append(_page(len(pages) + 1, plumbed.crop(box)))
            else:
                pages.append(_page(len(pages) + 1, plumbed))
    return pages


def value_glyphs(page: Page, value: str) -> list[Glyph]:
    """The glyphs of `value` where it is printed on `page`: on one line, or (wrapped)
    word by word (a hyphen may end a line too), skipping numbers and words of one or
    two letters, which match too much."""
    rows: dict[int, list[Glyph]] = {}
    for glyph in page.glyphs:
        rows.setdefault(round(glyph.bottom), []).append(glyph)
    ordered = [sorted(row, key=lambda g: g.x0) for _, row in sorted(rows.items())]
    whole = value.replace(" ", "")
    for row in ordered:
        start = "".join(g.text for g in row).find(whole)
        if start >= 0:
            return row[start : start + len(whole)]
    found = []
    words = [w for w in re.split(r"\s+|(?<=-)", value) if len(w) > 2 and not w.isdigit()]
    for word in words:
        for row in ordered:
            start = "".join(g.text for g in row).find(word)
            if start >= 0:
                found += row[start : start + len(word)]
    return found


def gap_to_rule(page: Page, header_bottom: float) -> float | None:
    """How far (points) the lowest body glyph stays above the footer rule."""
    rule = page.rule
    if rule is None:
        return None
    body = [g for g in page.glyphs if header_bottom < g.top and g.bottom < rule.top + 1 * mm]
    if not body:
        return None
    return rule.top - max(g.bottom for g in body)


def lowest_body(page: Page, top: float, bottom: float) -> float | None:
    """The lowest point (glyph, line or box) drawn between `top` and `bottom`."""
    glyphs = [g.bottom for g in page.glyphs if top <= g.top and g.bottom <= bottom]
    shapes = [s.bottom for s in page.shapes if top <= s.top and s.bottom <= bottom]
    found = glyphs + shapes
    return max(found) if found else None
