"""Shaping complex scripts with HarfBuzz for ReportLab's TrueType fonts.

Arabic letters take a different form at the start, middle and end of a word and join to
their neighbours; marks sit on the letters. ReportLab draws one glyph per character, so
text in such a script is shaped first: HarfBuzz turns it into glyphs, in visual order,
with their advances and offsets, and ReportLab's text object draws those (a `ShapedStr`).

ReportLab can shape a paragraph itself (`ParagraphStyle(shaping=1)`), but it shapes word
by word with the direction guessed, keeps the words in logical order, and replaces the
paragraph's text with the glyphs once wrapped: no line can be reordered afterwards. So
paragraphs are wrapped in logical order with `ShapingTTFont` measuring words as they will
be drawn, and each line is shaped when it is drawn (`leaflet.story.bidi`), with its
direction given.
"""

from __future__ import annotations

import functools
from typing import Any

import uharfbuzz as hb  # type: ignore[import-untyped]  # no stubs
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, TTFont

__all__ = ["GlyphStr", "ShapedStr", "ShapingTTFont", "glyphs_width", "shape"]

#: Kerning and ligatures off: a plain font's words keep the widths ReportLab measures.
_NOMINAL = {"kern": False, "liga": False, "clig": False, "calt": False}
#: Glyphs no character maps to (a mark stacked on a mark) are written as private-use
#: characters: U+E000 plus the glyph id, the same in every build.
_PRIVATE_USE, _PRIVATE_USE_END = 0xE000, 0xF8FF


class ShapingTTFont(TTFont):
    """A TrueType font for a script that needs shaping. It measures a string as HarfBuzz
    shapes it (joined letters are narrower than the letters alone), so ReportLab breaks
    lines where the shaped text will end."""

    def __init__(self, name: str, data: Any) -> None:
        super().__init__(name, data)
        self.widths: dict[str, float] = {}  # text -> width in 1/1000 em

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        if isinstance(text, ShapedStr):
            return glyphs_width(text, size)
        if isinstance(text, GlyphStr):  # glyphs at their own widths
            return float(super().stringWidth(text, size, encoding))
        width = self.widths.get(text)
        if width is None:
            width = self.widths[text] = self.stringWidth(shape(self, text, rtl=None), 1000)
        return width * size / 1000


class GlyphStr(str):
    """Shaped glyphs, as characters, that sit at their own widths with no offsets (most
    runs of Arabic without marks, every run of Latin): drawn as plain text, which
    ReportLab writes far faster than a `ShapedStr` (one positioned glyph at a time)."""

    __slots__ = ()


def glyphs_width(glyphs: ShapedStr, size: float) -> float:
    """The advance of shaped `glyphs` at `size` points."""
    data: list[ShapeData] = glyphs.__shapeData__  # type: ignore[attr-defined]  # not in stubs
    return float(sum(item.x_advance for item in data)) * size / 1000


@functools.lru_cache(maxsize=65536)
def shape(font: TTFont, text: str, rtl: bool | None, language: str | None = None) -> str:
    """`text` in logical order as `font`'s glyphs in visual order, left to right: a
    `ShapedStr`, or a `GlyphStr` when every glyph sits at its own width.

    `rtl` None lets HarfBuzz guess the direction from the script (for measuring a word).
    A `ShapingTTFont` gets the font's kerning and ligatures; another font keeps its
    nominal widths, only mirrored and reordered. Cached: a batch shapes each text once."""
    if not text:
        return _shaped("", [])
    buffer = hb.Buffer()
    buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.add_str(text)
    buffer.guess_segment_properties()
    if rtl is not None:
        buffer.direction = "rtl" if rtl else "ltr"
    if language:
        buffer.language = language
    harfbuzz_font = _harfbuzz_font(font)
    hb.shape(harfbuzz_font, buffer, None if isinstance(font, ShapingTTFont) else _NOMINAL)
    face = font.face
    scale = 1000 / face.unitsPerEm
    chars, data = [], []
    plain = True
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        code = _char_of(face, info.codepoint, position.x_advance * scale)
        chars.append(chr(code))
        item = ShapeData(
            info.cluster,
            position.x_advance * scale,
            position.y_advance * scale,
            position.x_offset * scale,
            position.y_offset * scale,
            face.charWidths[code],
        )
        plain = plain and not (item.x_offset or item.y_offset or item.y_advance)
        plain = plain and abs(item.x_advance - item.width) < 0.01
        data.append(item)
    glyphs = "".join(chars)
    return GlyphStr(glyphs) if plain else _shaped(glyphs, data)


def _shaped(text: str, data: list[ShapeData]) -> ShapedStr:
    """ReportLab's shaped string: its characters and each one's HarfBuzz position."""
    return ShapedStr(text, shapeData=data)  # type: ignore[arg-type]  # stubs say one item


def _char_of(face: Any, glyph: int, advance: float) -> int:
    """The character ReportLab writes for `glyph`: one that maps to it, else a fixed
    private-use character added to the face's maps."""
    mapped = face.glyphToChar.get(glyph)
    if mapped:
        return int(mapped[0])
    code = _PRIVATE_USE + glyph
    if code > _PRIVATE_USE_END or face.charToGlyph.get(code, glyph) != glyph:
        raise ValueError(f"glyph {glyph} of {face.name} has no character to stand for it")
    face.charToGlyph[code] = glyph
    face.glyphToChar[glyph] = [code]
    face.charWidths[code] = advance
    return code


def _harfbuzz_font(font: TTFont) -> Any:
    """HarfBuzz's view of `font`, made once per font."""
    cached = getattr(font, "_harfbuzz", None)
    if cached is None:
        data = font.face._ttf_data  # type: ignore[attr-defined]  # ReportLab's, not in stubs
        cached = hb.Font(hb.Face(hb.Blob(data)))
        font._harfbuzz = cached  # type: ignore[attr-defined]
    return cached
