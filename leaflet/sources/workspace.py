"""A clinic's workspace: a folder with its own brand, content and a small config file.

`leaflet init DIR` makes one: `leaflet.yaml` (the config), `brand.yaml` to fill in, a
placeholder logo, and an editable copy of the built-in content. Commands run inside the
folder read `leaflet.yaml` and use its brand, content and layout unless told otherwise,
so a clinic types `leaflet consent`, not a list of paths.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import LeafletError
from leaflet.sources import schema
from leaflet.sources.bundled import CONTENT_DIR, EXAMPLE_BRAND, FONTS_DIR

CONFIG_NAME = "leaflet.yaml"
CONFIG_TEXT = """\
# leaflet workspace: commands run in this folder use these settings unless you give
# --brand, --content-dir or --layout. Paths are relative to this file.
brand: brand.yaml
content_dir: content
layout: a4
"""


@dataclass(frozen=True)
class Workspace:
    """A loaded `leaflet.yaml`, with its paths made absolute."""

    path: Path
    brand: Path | None
    content_dir: Path | None
    layout: str | None

    def defaults(self) -> dict[str, object]:
        """Option defaults for the document commands (Click's default_map entries)."""
        values = {"brand_path": self.brand, "content_dir": self.content_dir, "layout": self.layout}
        return {key: value for key, value in values.items() if value is not None}


def find_workspace(folder: Path | None = None) -> Workspace | None:
    """The workspace config in `folder` (default: the working folder), if there is one."""
    path = (folder or Path.cwd()) / CONFIG_NAME
    if not path.is_file():
        return None
    # Most commands run outside a workspace: the YAML reader loads only inside one.
    from leaflet.sources.yamlfile import read_yaml, validate

    spec = validate(schema.Workspace, read_yaml(path))
    base = path.parent.resolve()
    return Workspace(
        path=path,
        brand=base / spec.brand if spec.brand else None,
        content_dir=base / spec.content_dir if spec.content_dir else None,
        layout=spec.layout,
    )


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
        (folder / CONFIG_NAME).write_text(CONFIG_TEXT, encoding="utf-8")
        brand = EXAMPLE_BRAND.read_text(encoding="utf-8")
        brand = brand.replace(
            "# The built-in example clinic. Copy this file (and a logo) to make your own brand:",
            "# Your clinic's brand: replace every value with your own, and logo.png with your\n"
            "# logo (PNG or JPEG, at least 240 pixels square: 300 dpi in every layout).",
        )
        (folder / "brand.yaml").write_text(brand, encoding="utf-8")
        _placeholder_logo(folder / "logo.png")
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
