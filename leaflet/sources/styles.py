"""A layout's text styles in one brand's fonts and colours, and the variants made of them.

ReportLab's ParagraphStyles are mutable and shared by every paragraph that uses them, so
a style is never changed once made: a variant (a bullet list's hanging indent, a heading
kept with what follows it, a title in another colour) is a new style, made once and kept
in the style set that owns its base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # ReportLab loads when styles are built: reading a layout needs none
    from reportlab.lib.colors import Color
    from reportlab.lib.styles import ParagraphStyle

from leaflet.sources import schema

#: The brand colours a text style may name (schema.StyleSpec.colour).
STYLE_COLOURS = ("text", "primary", "muted", "urgent", "on_primary")
#: Maps a brand colour's name to the colour (`Brand.colour`).
ColourOf = Callable[[str], "Color"]


class StyleSet(Mapping[str, "ParagraphStyle"]):
    """Named paragraph styles (`body`, `h2`, `small`...) and their derived variants."""

    def __init__(self, styles: Mapping[str, ParagraphStyle]) -> None:
        self._styles = dict(styles)
        self._variants: dict[tuple[str, str, tuple[tuple[str, str], ...]], ParagraphStyle] = {}

    def __getitem__(self, name: str) -> ParagraphStyle:
        return self._styles[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._styles)

    def __len__(self) -> int:
        return len(self._styles)

    def derive(self, base: str, variant: str, **overrides: Any) -> ParagraphStyle:
        """The style `base` with `overrides` (ParagraphStyle attributes), named
        `<base>-<variant>`; made on first use and shared from then on."""
        key = (
            base,
            variant,
            tuple(sorted((name, repr(value)) for name, value in overrides.items())),
        )
        style = self._variants.get(key)
        if style is None:
            from reportlab.lib.styles import ParagraphStyle

            style = ParagraphStyle(f"{base}-{variant}", parent=self._styles[base], **overrides)
            self._variants[key] = style
        return style


def effective_parent(specs: Mapping[str, schema.StyleSpec], name: str) -> str | None:
    """The style `name` inherits from: its `parent`, else `body` (which has none)."""
    return specs[name].parent or ("body" if name != "body" else None)


def build_styles(
    specs: Mapping[str, schema.StyleSpec], regular_font: str, bold_font: str, colour_of: ColourOf
) -> StyleSet:
    """A layout's styles: each inherits unset values from its `parent` (or from `body`),
    in the brand's fonts and colours; left-aligned, no widows or orphans."""
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    built: dict[str, ParagraphStyle] = {}

    def build(name: str) -> ParagraphStyle:
        if name in built:
            return built[name]
        spec = specs[name]
        parent_name = effective_parent(specs, name)
        parent = build(parent_name) if parent_name else None
        values = {k: v for k, v in spec.model_dump().items() if v is not None}
        size = values.get("size", parent.fontSize if parent else 12)
        bold = values.get("bold", parent is not None and parent.fontName == bold_font)
        inherited_colour = parent.textColor if parent else colour_of("text")
        built[name] = ParagraphStyle(
            name,
            parent=parent,
            fontName=bold_font if bold else regular_font,
            fontSize=size,
            leading=values.get("leading", parent.leading if parent else size * 1.4),
            textColor=colour_of(values["colour"]) if "colour" in values else inherited_colour,
            spaceBefore=values.get("space_before", parent.spaceBefore if parent else 0),
            spaceAfter=values.get("space_after", parent.spaceAfter if parent else 0),
            alignment=TA_LEFT,  # clear print: never justified
            bulletFontName=regular_font,
            allowWidows=0,
            allowOrphans=0,
        )
        return built[name]

    for style_name in specs:
        build(style_name)
    return StyleSet(built)
