"""Lines of text in any script: each run in a font that has it, shaped, in visual order.

ReportLab lays a paragraph out in one font per fragment of markup and draws each line's
characters left to right. Three things are added here, none of which costs a Latin-only
paragraph anything:

- `split_fonts`: a fragment's characters the style's font lacks (an Arabic word in an
  English sentence, "王" in a name, "SPF" in an Arabic sentence) become fragments in the
  first font of the style's `FontChain` that has them.
- `visual_lines`: a wrapped paragraph's lines, each put in visual order
  (`leaflet.story.bidi`) and shaped (`leaflet.sources.shaping`), as lines ReportLab
  draws. The paragraph keeps its logical lines, so its line-break cache, its splitting
  across pages and its text for copying stay in logical order.
- `ShapedText`: one line of plain text (a footer, the header band) measured and drawn the
  same way.

A style says what its text needs with two attributes ReportLab carries along: `fonts`
(the chain) and `direction` (`rtl` for a right-to-left language), and `language`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.paragraph import FragLine, ParaLines

from leaflet.sources.fontchain import FontChain
from leaflet.sources.shaping import shape
from leaflet.story.bidi import has_rtl, line_islands, visual_runs


def is_rtl(style: ParagraphStyle) -> bool:
    """Whether `style` sets text right to left (a right-to-left language's style)."""
    return getattr(style, "direction", "ltr") == "rtl"


def flows_rtl(flowables: Sequence[Any]) -> bool:
    """Whether a group of flowables (a box's, a column's) is laid out right to left: the
    first that has a paragraph style says."""
    for flowable in flowables:
        style = getattr(flowable, "style", None)
        if isinstance(style, ParagraphStyle):
            return is_rtl(style)
        inner = getattr(flowable, "content", None) or getattr(flowable, "texts", None)
        if isinstance(inner, list) and inner:
            return flows_rtl(inner)
    return False


def split_fonts(frags: list[Any], style: ParagraphStyle) -> list[Any]:
    """`frags` (ReportLab's parsed fragments) with each run of characters their font
    lacks moved into a fragment of its own, in the first font of the chain that has it."""
    chain: FontChain | None = getattr(style, "fonts", None)
    if chain is None:
        return frags
    out: list[Any] = []
    for frag in frags:
        text = getattr(frag, "text", "")
        font = pdfmetrics.getFont(frag.fontName)
        if not text or hasattr(frag, "cbDefn") or set(text) <= _printable(font):
            out.append(frag)
            continue
        bold = frag.fontName != chain.regular and frag.fontName in _bold_faces(chain)
        for name, part in chain.runs(text, bold):
            out.append(frag.clone(fontName=name, text=part))
    return out


def needs_visual(style: ParagraphStyle, frags: list[Any]) -> bool:
    """Whether a paragraph in `style` made of `frags` (fragments, or the fragment words
    ReportLab turns them into once wrapped) must be drawn line by line in visual order:
    a right-to-left style, or right-to-left letters in a left-to-right one."""
    if is_rtl(style):
        return True
    for frag in frags:
        if isinstance(frag, list):  # a fragment word: [width, (fragment, text), ...]
            pieces = frag[1:]
        else:  # a fragment; a kind-0 split part keeps its words instead of its text
            pieces = [(frag, getattr(frag, "text", None) or " ".join(getattr(frag, "words", [])))]
        if any(isinstance(text, str) and has_rtl(text) for _, text in pieces):
            return True
    return False


def logical_lines(paragraph: Any) -> list[list[tuple[Any, str]]]:
    """Each wrapped line of `paragraph` as (fragment, text) pieces in logical order."""
    blocks = paragraph.blPara
    if blocks.kind == 0:
        frag = paragraph.frags[0]
        return [[(frag, " ".join(words))] for _, words in blocks.lines]
    return [
        [(frag, frag.text) for frag in line.words if not hasattr(frag, "cbDefn")]
        for line in blocks.lines
    ]


def logical_text(paragraph: Any) -> str:
    """The text of `paragraph`'s wrapped lines (this part of it, if split) in logical
    order; kept with the lines (a kept layout is drawn again in the next build)."""
    blocks = paragraph.blPara
    text: str | None = getattr(blocks, "_logical_text", None)
    if text is None:
        lines = ("".join(part for _, part in pieces).strip() for pieces in logical_lines(paragraph))
        text = blocks._logical_text = " ".join(line for line in lines if line)
    return text


def visual_lines(paragraph: Any) -> tuple[ParaLines, str]:
    """`paragraph`'s wrapped lines in visual order, shaped, as ReportLab's kind-1 lines,
    and its text in logical order (what copying and screen readers should get).

    The lines are new objects on every call (ReportLab's right-to-left drawing reverses
    each line's fragments in place); what they hold is worked out once per set of
    logical lines and kept with them."""
    blocks = paragraph.blPara
    kept = getattr(blocks, "_visual", None)
    if kept is None:
        kept = blocks._visual = _visual_layout(paragraph)
    lines, text = kept
    return ParaLines(
        kind=1, lines=[FragLine(**line, words=list(words)) for words, line in lines]
    ), text


def _visual_layout(paragraph: Any) -> tuple[list[tuple[list[Any], dict[str, Any]]], str]:
    """Each visual line's fragments and its other attributes, and the logical text."""
    style = paragraph.style
    rtl, language = is_rtl(style), getattr(style, "language", None)
    blocks, widths = paragraph.blPara, paragraph._wrapWidths
    lines, texts = [], []
    logical = logical_lines(paragraph)
    spans = line_islands(tuple("".join(p for _, p in ps).rstrip() for ps in logical), rtl)
    for index, pieces in enumerate(logical):
        words, text = _visual_line(pieces, rtl, language, spans[index])
        texts.append(text)
        width = sum(pdfmetrics.getFont(w.fontName).stringWidth(w.text, w.fontSize) for w in words)
        metrics = blocks if blocks.kind == 0 else blocks.lines[index]
        room = widths[min(index, len(widths) - 1)]
        if rtl:  # ReportLab's right-to-left drawing reverses each line's fragments back
            words.reverse()
        attributes = {
            "extraSpace": room - width,
            "wordCount": text.count(" ") + 1,
            "lineBreak": False,
            "fontSize": metrics.fontSize,
            "ascent": metrics.ascent,
            "descent": metrics.descent,
            "maxWidth": room,
        }
        lines.append((words, attributes))
    return lines, " ".join(t for t in texts if t)


def _visual_line(
    pieces: list[tuple[Any, str]],
    rtl: bool,
    language: str | None,
    spans: tuple[tuple[int, int], ...],
) -> tuple[list[Any], str]:
    """One line's fragments, cut where direction or font changes, shaped, left to right;
    `spans` are its islands of the other direction (`leaflet.story.bidi.line_islands`)."""
    key = tuple((frag.fontName, part) for frag, part in pieces)
    layout, text = _line_layout(key, rtl, language, spans)
    return [pieces[index][0].clone(text=glyphs) for index, glyphs in layout], text


@functools.lru_cache(maxsize=16384)
def _line_layout(
    pieces: tuple[tuple[str, str], ...],
    rtl: bool,
    language: str | None,
    spans: tuple[tuple[int, int], ...] | None,
) -> tuple[tuple[tuple[int, str], ...], str]:
    """For a line of (font, text) pieces: which piece each shaped run comes from, and its
    glyphs, left to right; and the line's text. `spans` are its islands as found in its
    paragraph; None, a line on its own. Cached: a batch sets the same lines for every
    patient."""
    text = "".join(part for _, part in pieces).rstrip()
    bounds, start = [], 0
    for index, (_, part) in enumerate(pieces):
        bounds.append((start, min(start + len(part), len(text)), index))
        start += len(part)
    layout = []
    for first, last, run_rtl in visual_runs(text, rtl, spans=spans):
        cuts = [
            (max(first, a), min(last, b), i) for a, b, i in bounds if max(first, a) < min(last, b)
        ]
        for a, b, index in reversed(cuts) if run_rtl else cuts:
            font = pdfmetrics.getFont(pieces[index][0])
            layout.append((index, shape(font, text[a:b], run_rtl, language)))
    return tuple(layout), text


@dataclass(frozen=True)
class ShapedText:
    """One line of plain text in a chain's fonts, in visual order: for text drawn
    straight on the canvas (the header band, the footer)."""

    runs: tuple[tuple[str, str], ...]  # (font name, shaped glyphs), left to right
    size: float
    text: str

    @classmethod
    def of(
        cls,
        text: str,
        chain: FontChain,
        size: float,
        *,
        bold: bool = False,
        rtl: bool = False,
        language: str | None = None,
    ) -> ShapedText:
        pieces = tuple(chain.runs(text, bold))
        layout, _ = _line_layout(pieces, rtl, language, None)
        runs = [(pieces[index][0], glyphs) for index, glyphs in layout]
        return cls(tuple(runs), size, text)

    @property
    def width(self) -> float:
        return sum(pdfmetrics.stringWidth(glyphs, name, self.size) for name, glyphs in self.runs)

    def draw(self, canvas: Canvas, x: float, y: float, *, anchor: str = "left") -> None:
        """Draw with its left end (`anchor` left), right end or middle at `x`."""
        if anchor == "right":
            x -= self.width
        elif anchor == "middle":
            x -= self.width / 2
        text_object = canvas.beginText(x, y)
        if not self.runs:  # as drawString("") writes it
            text_object.textLine("")
        for index, (name, glyphs) in enumerate(self.runs):
            text_object.setFont(name, self.size)
            # ends with T*, as drawString does: a left-to-right line writes the same bytes
            last = index == len(self.runs) - 1
            text_object._textOut(glyphs, TStar=last)  # type: ignore[attr-defined]  # ShapedStr
        canvas.drawText(text_object)


def _printable(font: Any) -> frozenset[str]:
    cached: frozenset[str] | None = getattr(font, "_printable", None)
    if cached is None:
        cached = frozenset(map(chr, font.face.charToGlyph)) | frozenset("\n\r\t")
        font._printable = cached
    return cached


def _bold_faces(chain: FontChain) -> Sequence[str]:
    return [family.bold for family in chain.families()]
