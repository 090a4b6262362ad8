"""Graphics: a vector QR code and the brand's logo, each a figure with a description."""

from __future__ import annotations

import functools
import itertools
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from leaflet.story import tags
from leaflet.story.tags import Tag


class QrCode(Flowable):
    """A vector QR code, `size` points square, drawn as one filled path.

    ReportLab's QrCodeWidget draws one shape per run of dark squares and measures itself
    by drawing twice; a single path is many times faster and the same on paper.
    """

    QUIET_ZONE = 2  # modules of white border each side

    def __init__(self, value: str, size: float, colour: Color, description: str) -> None:
        super().__init__()
        self.size = size
        self.colour = colour
        self.runs, self.modules = _qr_runs(value)
        self.tag = Tag("Figure", alt=description)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        module = self.size / (self.modules + 2 * self.QUIET_ZONE)
        path = self.canv.beginPath()
        for row, column, length in self.runs:
            path.rect(
                (column + self.QUIET_ZONE) * module,
                self.size - (row + 1 + self.QUIET_ZONE) * module,
                length * module,
                module,
            )
        with tags.content(self.canv, self.tag):
            self.canv.setFillColor(self.colour)
            self.canv.drawPath(path, stroke=0, fill=1)


@functools.lru_cache(maxsize=64)
def _qr_runs(value: str) -> tuple[tuple[tuple[int, int, int], ...], int]:
    """The dark runs (row, first column, length) of the QR code for `value`."""
    # ReportLab's graphics package is large; only documents with a contact box need it.
    from reportlab.graphics.barcode.qr import QrCodeWidget

    widget: Any = QrCodeWidget(value, barLevel="M")  # its encoder is untyped
    code = widget.qr
    code.make()
    runs = []
    for row, cells in enumerate(code.modules):
        column = 0
        for dark, group in itertools.groupby(bool(cell) for cell in cells):
            length = len(list(group))
            if dark:
                runs.append((row, column, length))
            column += length
    return tuple(runs), code.getModuleCount()


class Logo(Flowable):
    """The brand logo, `size` points wide and at most that tall, at the left."""

    def __init__(self, image: ImageReader, size: float, description: str) -> None:
        super().__init__()
        self.image, self.size = image, size
        self.tag = Tag("Figure", alt=description)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        with tags.content(self.canv, self.tag):
            self.canv.drawImage(
                self.image,
                0,
                0,
                self.size,
                self.size,
                mask="auto",
                preserveAspectRatio=True,
                anchor="sw",
            )
