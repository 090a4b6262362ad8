"""Colour values: parsing `#rrggbb`, the WCAG 2.x contrast ratio between two colours, and
the nearest shade of a colour that reaches a contrast."""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Mapping


def rgb(hex_colour: str) -> tuple[float, float, float]:
    """`#0b5d6b` -> channels from 0 to 1."""
    value = hex_colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(hex_colour: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def shades(hex_colour: str, steps: int = 200) -> list[str]:
    """The colour at every lightness from black to white, its hue and saturation kept
    (HLS), nearest to it first."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgb(hex_colour))
    levels = sorted((i / steps for i in range(steps + 1)), key=lambda level: abs(level - lightness))
    return [_hex(colorsys.hls_to_rgb(hue, level, saturation)) for level in levels]


def nearest_passing(
    name: str,
    colours: Mapping[str, str],
    pairs: Iterable[tuple[str, str]],
    minimum: float,
) -> str | None:
    """The shade of colour `name` nearest to it in lightness that reaches `minimum`
    contrast in every pair (text, background) it is part of, with the others as they
    are; None when no shade does."""
    involved = [(fg, bg) for fg, bg in pairs if name in (fg, bg)]
    for shade in shades(colours[name]):
        trial = {**colours, name: shade}
        if all(contrast(trial[fg], trial[bg]) >= minimum for fg, bg in involved):
            return shade
    return None


def _hex(channels: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in channels)
