"""A layout's text styles in one brand's fonts and colours, and the variants made of them.

ReportLab's ParagraphStyles are mutable and shared by every paragraph that uses them, so
a style is never changed once made: a variant (a bullet list's hanging indent, a heading
kept with what follows it, a title in another colour) is a new style, made once and kept
in the style set that owns its base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from leaflet.sources import schema

if TYPE_CHECKING:  # ReportLab loads when styles are built: reading a layout needs none
    from reportlab.lib.colors import Color
    from reportlab.lib.styles import ParagraphStyle

    from leaflet.sources.fontchain import FontChain

#: The brand colours a text style may name (schema.StyleSpec.colour).
STYLE_COLOURS = ("text", "primary", "muted", "urgent", "on_primary")
#: Maps a brand colour's name to the colour (`Brand.colour`).
ColourOf = Callable[[str], "Color"]


#: What a left-to-right style's attribute becomes right to left: indents swap sides.
_MIRRORED = {"leftIndent": "rightIndent", "rightIndent": "leftIndent"}


class StyleSet(Mapping[str, "ParagraphStyle"]):
    """Named paragraph styles (`body`, `h2`, `small`...) and their derived variants.

    Right to left (`rtl`), a variant is asked for as it would be left to right and made
    mirrored: a bullet list's indent goes on the right, left alignment becomes right."""

    def __init__(self, styles: Mapping[str, ParagraphStyle], rtl: bool = False) -> None:
        self._styles = dict(styles)
        self.rtl = rtl
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

            if self.rtl:
                overrides = _mirrored(overrides)
            style = ParagraphStyle(f"{base}-{variant}", parent=self._styles[base], **overrides)
            self._variants[key] = style
        return style


def _mirrored(overrides: dict[str, Any]) -> dict[str, Any]:
    """A left-to-right style's overrides for the same style right to left."""
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT

    mirrored = {_MIRRORED.get(name, name): value for name, value in overrides.items()}
    if "alignment" in mirrored:
        alignment = mirrored["alignment"]
        mirrored["alignment"] = {TA_LEFT: TA_RIGHT, TA_RIGHT: TA_LEFT}.get(alignment, alignment)
    return mirrored


def effective_parent(specs: Mapping[str, schema.StyleSpec], name: str) -> str | None:
    """The style `name` inherits from: its `parent`, else `body` (which has none)."""
    return specs[name].parent or ("body" if name != "body" else None)


def _setting(fonts: FontChain, direction: str, language: str | None) -> dict[str, Any]:
    """How every style of a language sets its text: aligned to the start of the line
    (never justified, for clear print), in `fonts`, in `direction`."""
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT

    rtl = direction == "rtl"
    return {
        "alignment": TA_RIGHT if rtl else TA_LEFT,
        # ReportLab puts bullets and their room on the right for "RTL"; the lines' order
        # is ours (leaflet.story.lines), as ReportLab has no bidi of its own.
        "wordWrap": "RTL" if rtl else None,
        "fonts": fonts,
        "direction": direction,
        "language": language,
    }


def build_styles(
    specs: Mapping[str, schema.StyleSpec],
    fonts: FontChain,
    colour_of: ColourOf,
    direction: str = "ltr",
    language: str | None = None,
) -> StyleSet:
    """A layout's styles: each inherits unset values from its `parent` (or from `body`),
    in the brand's fonts and colours; aligned to the start of the line (left, or right in
    a right-to-left language), no widows or orphans. Each style carries the font chain,
    direction and language its text is set in (`leaflet.story.lines`)."""
    from reportlab.lib.styles import ParagraphStyle

    built: dict[str, ParagraphStyle] = {}
    regular_font, bold_font = fonts.regular, fonts.bold
    rtl = direction == "rtl"
    setting = _setting(fonts, direction, language)

    def build(name: str) -> ParagraphStyle:
        if name in built:
            return built[name]
        spec = specs[name]
        parent_name = effective_parent(specs, name)
        parent = build(parent_name) if parent_name else None
        # A model iterates over its fields as they are: model_dump() would first build
        # a serializer of StyleSpec, for nothing (its values are plain).
        values = {k: v for k, v in spec if v is not None}
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
            bulletFontName=regular_font,
            allowWidows=0,
            allowOrphans=0,
            **setting,
        )
        return built[name]

    for style_name in specs:
        build(style_name)
    return StyleSet(built, rtl)
