"""Writing shaped glyphs: HarfBuzz's positions as a few TJ arrays, worked out once.

Shaped text (`leaflet.sources.shaping`: joined Arabic letters, kerning, marks on their
letters) reaches ReportLab's text object as a `ShapedStr`, which ReportLab writes one
glyph at a time in Python, every time it is drawn. `PositionedTextObject` writes the
same operators from a plan made once per shaped string (runs of glyphs between their
adjustments, grouped by the rise that marks above or below need) and kept with the
string, which `shape` itself keeps: a warm build only encodes and joins.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen.textobject import PDFTextObject

#: A plan: for each rise (1/1000 em above the baseline), glyphs and TJ adjustments in
#: order: text as characters, adjustments already written as PDF numbers.
Plan = tuple[tuple[float, tuple[str, ...]], ...]


class PositionedTextObject(PDFTextObject):
    """ReportLab's text object, writing shaped strings from their kept plans."""

    def _formatText(self, text: Any) -> str:
        font: Any = pdfmetrics.getFont(self._fontname)  # type: ignore[attr-defined]
        if not (isinstance(text, ShapedStr) and font._dynamicFont and font.shapable):
            return super()._formatText(text)  # type: ignore[misc, no-any-return]
        plan = getattr(text, "_plan", None)
        if plan is None:
            plan = text._plan = _plan(text)  # type: ignore[attr-defined]
        return self._written(plan, font)

    def _written(self, plan: Plan, font: Any) -> str:
        canvas: Any = self._canvas  # type: ignore[attr-defined]
        document, size = canvas._doc, self._fontsize  # type: ignore[attr-defined]
        out: list[str] = []
        base_rise = rise = self._rise  # type: ignore[attr-defined]
        for offset, items in plan:
            wanted = base_rise + size * offset / 1000
            if wanted != rise:
                out.append(f"{fp_str(wanted)} Ts")
                rise = wanted
            parts: list[str] = []
            for item in items:
                if item[0] != "(":  # an adjustment
                    parts.append(item)
                    continue
                for subset, encoded in font.splitString(item[1:], document):
                    if subset != self._curSubset:  # type: ignore[has-type]
                        # Glyphs so far go out in their font. Moves before the first glyph
                        # (a raised mark's x offset, first on a right-to-left line) wait
                        # for the Tf: a TJ before any Tf is invalid PDF ("No font in
                        # show/space"); a move is in the font's size, the same in both.
                        if any(part[0] == "(" for part in parts):
                            out.append(f"[{' '.join(parts)}] TJ")
                            parts = []
                        name = font.getSubsetInternalName(subset, document)
                        out.append(f"{name} {fp_str(size)} Tf {fp_str(self._leading)} TL")  # type: ignore[attr-defined]
                        self._curSubset = subset
                    parts.append(f"({canvas._escape(encoded)})")
            if parts:
                out.append(f"[{' '.join(parts)}] TJ")
        if rise != base_rise:
            out.append(f"{fp_str(base_rise)} Ts")
        return " ".join(out)


def _plan(text: ShapedStr) -> Plan:
    """The TJ arrays that place `text`'s glyphs where HarfBuzz put them: before a glyph
    its x offset, after it the difference between its own width and its advance
    (ReportLab's own arithmetic), a new array where the rise changes."""
    data: list[Any] = text.__shapeData__  # type: ignore[attr-defined]
    groups: list[tuple[float, list[str | float]]] = []
    for char, item in zip(str(text), data, strict=True):
        if not groups or groups[-1][0] != item.y_offset:
            groups.append((item.y_offset, []))
        items = groups[-1][1]
        for value in (-item.x_offset, char, item.width - item.x_advance + item.x_offset):
            if isinstance(value, str):
                if items and isinstance(items[-1], str):
                    items[-1] += value
                else:
                    items.append(value)
            elif value:
                if items and not isinstance(items[-1], str):
                    items[-1] += value
                else:
                    items.append(value)
    return tuple(
        (rise, tuple(written for item in items if (written := _written_item(item)) != "0"))
        for rise, items in groups
    )


def _written_item(item: str | float) -> str:
    """Glyphs marked with a leading "(", or an adjustment as a PDF number."""
    return f"({item}" if isinstance(item, str) else str(fp_str(item))
