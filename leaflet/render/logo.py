"""Whether the brand's logo has enough pixels for print, in the layouts being built.

A logo prints in a square in the header band (or on a tri-fold's cover), whose sizes are
set here; below 300 dpi at that size it looks soft on paper. A build warns once (a
`LeafletWarning`, which the command line shows as one `Warning:` line), naming every
layout it builds that is short, and `leaflet check` reports the same as one finding.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

from reportlab.lib.units import mm

from leaflet.errors import LeafletWarning
from leaflet.sources.brand import LOGO_DPI, Brand
from leaflet.sources.layout import Layout

#: Space above and below the logo in the header band, as a share of the band's height.
HEADER_PAD_SHARE = 0.18
#: The side of the logo's square on a tri-fold's cover (`leaflet.render.trifold_outside`).
COVER_LOGO = 20 * mm


def header_logo_size(layout: Layout) -> float:
    """The side of the square the logo prints in, in the header band of `layout`."""
    return layout.header_height * (1 - 2 * HEADER_PAD_SHARE)


def logo_size(layout: Layout) -> float:
    """The side of the square the logo prints in, in points."""
    return COVER_LOGO if layout.spec.format == "trifold" else header_logo_size(layout)


def low_resolution(brand: Brand, layouts: Iterable[Layout]) -> str | None:
    """What is short of print resolution about the logo in `layouts`, or None."""
    pixels = brand.logo_pixels
    if pixels is None:
        return None
    longer = max(pixels)
    short: dict[float, list[str]] = {}  # printed size -> the layouts printing it so
    for layout in layouts:
        size = logo_size(layout)  # the logo is fitted into the square: its longer side
        if longer / (size / 72) < LOGO_DPI:
            short.setdefault(size, []).append(layout.name)
    if not short:
        return None
    needed = math.ceil(max(short) / 72 * LOGO_DPI)
    where = ", ".join(
        f"{' and '.join(names)} at about {longer / (size / 72):.0f} dpi ({size / mm:.1f} mm)"
        for size, names in sorted(short.items())
    )
    return (
        f"{brand.path.name}: logo: the logo ({pixels[0]}x{pixels[1]} pixels) prints below "
        f"{LOGO_DPI} dpi in {where}; print needs {needed} pixels or more on its longer side"
    )


def warn_low_resolution(brand: Brand, layouts: Iterable[Layout]) -> None:
    """Warn (once per message in a process) when the logo is short of print resolution."""
    if problem := low_resolution(brand, layouts):
        warnings.warn(problem, LeafletWarning, stacklevel=1)
