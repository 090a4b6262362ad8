"""A clinic's workspace: a folder with its own brand, content and a small config file.

`leaflet init DIR` makes one: `leaflet.yaml` (the config), `brand.yaml` to fill in, a
placeholder logo, and an editable copy of the built-in content. Commands run inside the
folder, or in any folder below it (as git finds its repository), read `leaflet.yaml` and
use its brand, content, layout and appointment-export settings unless told otherwise,
so a clinic types `leaflet consent`, not a list of paths.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from leaflet.errors import LeafletError
from leaflet.sources import schema
from leaflet.sources.bundled import CONTENT_DIR, EXAMPLE_BRAND, FONTS_DIR

if TYPE_CHECKING:
    from leaflet.sources.exports import ExportFormat

CONFIG_NAME = "leaflet.yaml"
CONFIG_TEXT = """\
# leaflet workspace: commands run in this folder (or any folder inside it) use these
# settings unless you give --brand, --content-dir or --layout. Paths are relative to
# this file.
brand: brand.yaml
content_dir: content
layout: a4

# How your booking system writes its appointments export (leaflet batch, leaflet email).
appointments:
{locale}
  # date_order: day-first      # or month-first: wins over the locale
  # encoding: windows-1252     # if the export is not UTF-8 (Excel's plain CSV on Windows)
  # columns:                   # headers leaflet does not know: its name, then yours
  #   patient_name: Client
  #   appointment: Start time
  #   treatment: Service
"""
#: The locale line: set from this computer's locale when it has one.
LOCALE_LINE = "  locale: {tag:<20} # this computer's: {example} is 8 May 1966"
NO_LOCALE_LINE = "  # locale: en-GB              # en-GB: 08/05/1966 is 8 May; en-US: 5 August"


@dataclass(frozen=True)
class Workspace:
    """A loaded `leaflet.yaml`, with its paths made absolute."""

    path: Path
    brand: Path | None
    content_dir: Path | None
    layout: str | None
    export: ExportFormat | None = None  # how its booking system writes exports

    def defaults(self) -> dict[str, object]:
        """Option defaults for the document commands (Click's default_map entries)."""
        values = {"brand_path": self.brand, "content_dir": self.content_dir, "layout": self.layout}
        return {key: value for key, value in values.items() if value is not None}


def find_workspace(folder: Path | str | None = None) -> Workspace | None:
    """The workspace `folder` (default: the working folder) is in: the nearest
    `leaflet.yaml` in it or in a folder above it, as git finds its repository."""
    start = Path(folder) if folder is not None else Path.cwd()
    for candidate in (start, *start.resolve().parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return load_workspace(path)
    return None


def load_workspace(path: Path) -> Workspace:
    """The workspace config in the file `path`."""
    # Most commands run outside a workspace: the YAML reader loads only inside one.
    from leaflet.sources.exports import ExportFormat
    from leaflet.sources.yamlfile import read_yaml, validate

    spec: schema.Workspace = validate("Workspace", read_yaml(path))
    base = path.parent.resolve()
    return Workspace(
        path=path,
        brand=base / spec.brand if spec.brand else None,
        content_dir=base / spec.content_dir if spec.content_dir else None,
        layout=spec.layout,
        export=ExportFormat.from_settings(spec.appointments, CONFIG_NAME),
    )


def config_text(environ: dict[str, str] | None = None) -> str:
    """A new workspace's `leaflet.yaml`, its export locale this computer's own (from
    LC_ALL, LC_TIME or LANG, as `en_GB.UTF-8`) when it has one: Excel writes dates in
    it. Otherwise the locale is left for the clinic to set."""
    from leaflet.sources.written_dates import order_of_locale

    environ = dict(os.environ) if environ is None else environ
    value = next((environ[k] for k in ("LC_ALL", "LC_TIME", "LANG") if environ.get(k)), "")
    tag = value.split(".")[0].split("@")[0].replace("_", "-")
    try:
        order = order_of_locale(tag) if "-" in tag else None
    except ValueError:
        order = None
    if order is None:
        return CONFIG_TEXT.format(locale=NO_LOCALE_LINE)
    example = "08/05/1966" if order == "day-first" else "05/08/1966"
    return CONFIG_TEXT.format(locale=LOCALE_LINE.format(tag=tag, example=example))


def init_workspace(folder: Path | str) -> list[Path]:
    """Make a new workspace in `folder` (new or empty) and return the paths written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise LeafletError(
            f"{folder} already exists and is not an empty folder; "
            "choose a new folder for the workspace"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CONFIG_NAME).write_text(config_text(), encoding="utf-8")
        brand = EXAMPLE_BRAND.read_text(encoding="utf-8")
        brand = brand.replace(
            "# The built-in example clinic. Copy this file (and a logo) to make your own brand:",
            "# Your clinic's brand: replace every value with your own, and logo.png with your\n"
            "# logo (PNG or JPEG, at least 240 pixels square: 300 dpi in every layout).",
        )
        (folder / "brand.yaml").write_text(brand, encoding="utf-8")
        _placeholder_logo(folder / "logo.png")
        import shutil  # only to make a workspace

        shutil.copytree(CONTENT_DIR, folder / "content")
    except OSError as err:
        raise LeafletError(f"cannot create the workspace in {folder}: {err.strerror}") from err
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _placeholder_logo(path: Path) -> None:
    """A grey disc saying LOGO: obviously a placeholder, and a valid 300 dpi image."""
    size = 240
    from PIL import Image, ImageDraw, ImageFont  # only `leaflet init` draws a logo

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (0, 0, size - 1, size - 1), fill=(255, 255, 255, 255), outline=(120, 120, 120, 255), width=8
    )
    font = ImageFont.truetype(str(FONTS_DIR / "NotoSans-Bold.ttf"), 56)
    draw.text((size / 2, size / 2), "LOGO", fill=(90, 90, 90, 255), font=font, anchor="mm")
    image.save(path, optimize=True)
