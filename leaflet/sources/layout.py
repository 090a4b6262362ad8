"""Layouts as data: page size, margins, header, footer and text styles, from `layouts/`.

A layout file may `extends:` another and override any of its values; text styles inherit
from a `parent:` style, and every style starts from `body`. Lengths are written with units
(`12mm`, `0.5in`, `10pt`) and turned into points here, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import inch, mm

from leaflet.errors import LeafletError, SourceError
from leaflet.sources import schema
from leaflet.sources.bundled import LAYOUTS_DIR
from leaflet.sources.layout_files import known_layouts as known_layouts  # its home; here too
from leaflet.sources.layout_files import read_layout_data
from leaflet.sources.styles import (
    STYLE_COLOURS,
    ColourOf,
    StyleSet,
    build_styles,
    effective_parent,
)
from leaflet.sources.yamlfile import YamlSource, format_loc, validate

if TYPE_CHECKING:
    from leaflet.sources.fontchain import FontChain

_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)?\s*")
_UNITS = {"mm": mm, "cm": 10 * mm, "in": inch, "pt": 1.0, None: 1.0}


@dataclass(frozen=True)
class Layout:
    """A loaded layout with every length in points."""

    name: str
    path: Path
    spec: schema.Layout
    page_width: float
    page_height: float
    margin_top: float
    margin_right: float
    margin_bottom: float
    margin_left: float
    header_height: float
    header_gap: float
    footer_height: float
    qr_size: float
    sheet: tuple[float, float] | None = None
    #: trifold: panel widths left to right, on the outside and the inside of the sheet.
    panels_outside: tuple[float, ...] = ()
    panels_inside: tuple[float, ...] = ()
    _styles: dict[tuple[object, ...], StyleSet] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def frame_width(self) -> float:
        return self.page_width - self.margin_left - self.margin_right

    @property
    def frame_height(self) -> float:
        return (
            self.page_height
            - self.margin_top
            - self.margin_bottom
            - self.header_height
            - self.header_gap
            - self.footer_height
        )

    def styles(
        self,
        fonts: FontChain,
        colour_of: ColourOf,
        direction: str = "ltr",
        language: str | None = None,
    ) -> StyleSet:
        """The layout's text styles in `fonts`, set in `direction` for `language`;
        `colour_of(name)` maps brand colours. Built once per font chain, colour set and
        language, and then shared by every build."""
        colours = tuple(repr(colour_of(name)) for name in STYLE_COLOURS)
        key = (fonts.key, colours, direction, language)
        if key not in self._styles:
            self._styles[key] = build_styles(
                self.spec.styles, fonts, colour_of, direction, language
            )
        return self._styles[key]


def load_layout(name: str, layouts_dir: Path = LAYOUTS_DIR) -> Layout:
    """Load `layouts/<name>.yaml`, following `extends:`; unknown names list the known ones."""
    known = known_layouts(layouts_dir)
    if name not in known:
        raise LeafletError(f"unknown layout {name!r}; known layouts: {', '.join(known)}")
    source, spec = _read_spec(name, layouts_dir, known)
    _check_styles(spec, source)

    def length(*loc: str) -> float:
        value: Any = spec
        for part in loc:
            value = getattr(value, part)
        return _points(value, source, loc)

    sheet = None
    if spec.sheet_width is not None and spec.sheet_height is not None:
        sheet = (length("sheet_width"), length("sheet_height"))
    outside: tuple[float, ...] = ()
    inside: tuple[float, ...] = ()
    if spec.format == "trifold":
        outside = _panel_widths(spec, source, "outside", length("page_width"))
        inside = _panel_widths(spec, source, "inside", length("page_width"))
    return Layout(
        name=name,
        path=source.path,
        spec=spec,
        page_width=length("page_width"),
        page_height=length("page_height"),
        margin_top=length("margins", "top"),
        margin_right=length("margins", "right"),
        margin_bottom=length("margins", "bottom"),
        margin_left=length("margins", "left"),
        header_height=length("header_height"),
        header_gap=length("header_gap"),
        footer_height=length("footer_height"),
        qr_size=length("qr_size"),
        sheet=sheet,
        panels_outside=outside,
        panels_inside=inside,
    )


def _read_spec(name: str, layouts_dir: Path, known: list[str]) -> tuple[YamlSource, schema.Layout]:
    """The layout file, merged over the layouts it `extends:`, and validated."""
    source, data = read_layout_data(name, layouts_dir, known)
    return source, validate("Layout", source, data)


def _check_styles(spec: schema.Layout, source: YamlSource) -> None:
    """A `body` style, parents that exist and do not loop, and body text large enough
    for clear print."""
    if "body" not in spec.styles:
        raise SourceError(source.path, "a layout needs a 'body' style", field="styles")
    for style_name, style in spec.styles.items():
        if style.parent is not None and style.parent not in spec.styles:
            raise SourceError(
                source.path,
                f"parent {style.parent!r} is not a style here; styles: " + ", ".join(spec.styles),
                line=source.line_of(("styles", style_name, "parent")),
                field=f"styles.{style_name}.parent",
            )
    for style_name in spec.styles:
        chain = [style_name]
        while (parent := effective_parent(spec.styles, chain[-1])) is not None:
            if parent in chain:
                raise SourceError(
                    source.path,
                    "styles inherit from each other in a loop: "
                    + " -> ".join([*chain[chain.index(parent) :], parent]),
                    line=source.line_of(("styles", style_name, "parent")),
                    field=f"styles.{style_name}.parent",
                )
            chain.append(parent)
    body = spec.styles["body"].size or 0
    if body < spec.min_body_size:
        raise SourceError(
            source.path,
            f"body text is {body} pt; clear print needs at least {spec.min_body_size} pt",
            field="styles.body.size",
        )


#: Panel widths must add up to the sheet within this (lengths are rounded in the file).
PANEL_WIDTH_TOLERANCE = 0.5


def _panel_widths(
    spec: schema.Layout, source: YamlSource, side: str, sheet_width: float
) -> tuple[float, ...]:
    field_name = f"panels_{side}"
    values = getattr(spec, field_name)
    if values is None or len(values) != 3:
        raise SourceError(
            source.path,
            f"a tri-fold layout needs three {side} panel widths, "
            "left to right, e.g. [97mm, 100mm, 100mm]",
            field=field_name,
        )
    widths = tuple(
        _points(value, source, (field_name, index)) for index, value in enumerate(values)
    )
    if abs(sum(widths) - sheet_width) > PANEL_WIDTH_TOLERANCE:
        raise SourceError(
            source.path,
            f"the {side} panels add up to {sum(widths) / mm:.1f} "
            f"mm, but the sheet is {sheet_width / mm:.1f} mm wide",
            line=source.line_of((field_name,)),
            field=field_name,
        )
    return widths


def _points(value: str | float, source: YamlSource, loc: tuple[str | int, ...]) -> float:
    """A length from the file (`12mm`, `0.5in`, `10pt` or a number of points) in points."""
    if isinstance(value, int | float):
        return float(value)
    match = _LENGTH.fullmatch(value)
    if not match:
        raise SourceError(
            source.path,
            f"{value!r} is not a length; write e.g. 12mm, 0.5in or 10pt",
            line=source.line_of(loc),
            field=format_loc(loc),
        )
    return float(match.group(1)) * _UNITS[match.group(2)]
