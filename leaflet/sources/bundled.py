"""Where the built-in content, layouts, fonts and example clinic live.

A wheel carries `content/` and `layouts/` inside the package as `leaflet/_bundled/`; a
source checkout (or an editable install) reads them from the repository root. Fonts and
the example clinic's brand always ship inside the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
FONTS_DIR = RESOURCES_DIR / "fonts"
EXAMPLE_BRAND = RESOURCES_DIR / "example-clinic" / "brand.yaml"


def _bundled(name: str) -> Path:
    installed = PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / name


CONTENT_DIR = _bundled("content")
LAYOUTS_DIR = _bundled("layouts")
