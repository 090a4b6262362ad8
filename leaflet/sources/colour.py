"""Colour values: parsing `#rrggbb`, the WCAG 2.x contrast ratio between two colours, the
nearest shade of a colour that reaches a contrast, and CMYK for print shops."""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Mapping

from PIL import Image, ImageChops, ImageMath


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


#: A colour whose channels differ by less than this is a grey: printed in black ink alone.
NEUTRAL = 0.02


def black_ink(hex_colour: str) -> tuple[float, float, float, float]:
    """`#rrggbb` as the tint of black ink of the same lightness."""
    r, g, b = rgb(hex_colour)
    return 0.0, 0.0, 0.0, round(1 - (0.299 * r + 0.587 * g + 0.114 * b), 4)


def cmyk(hex_colour: str) -> tuple[float, float, float, float]:
    """`#rrggbb` as CMYK fractions for a print shop, without a colour profile: greys in
    black ink alone (crisp, no four-colour registration to go wrong), other colours with
    all their grey component in black (full grey-component replacement)."""
    r, g, b = rgb(hex_colour)
    if max(r, g, b) - min(r, g, b) < NEUTRAL:
        return black_ink(hex_colour)
    k = 1 - max(r, g, b)
    c, m, y = ((1 - channel - k) / (1 - k) for channel in (r, g, b))
    return round(c, 4), round(m, 4), round(y, 4), round(k, 4)


def cmyk_image(image: Image.Image, background: tuple[float, float, float, float]) -> Image.Image:
    """An RGBA image in CMYK (as `cmyk` converts colours), laid on a `background` CMYK
    colour where it is transparent: transparent pixels come out exactly the colour they
    stand on."""
    r, g, b, alpha = image.split()
    brightest = ImageChops.lighter(ImageChops.lighter(r, g), b)
    black = ImageChops.invert(brightest)

    def ink(channel: Image.Image) -> Image.Image:
        # (max - channel) / max, in 0..255
        made = ImageMath.lambda_eval(
            lambda e: (e["m"] - e["c"]) * 255 / (e["m"] + (e["m"] == 0)),
            m=brightest,
            c=channel,
        )
        converted: Image.Image = made.convert("L")
        return converted

    inks = Image.merge("CMYK", (ink(r), ink(g), ink(b), black))
    under = Image.new("CMYK", image.size, tuple(round(v * 255) for v in background))
    return Image.composite(inks, under, alpha)
